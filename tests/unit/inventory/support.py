"""Test helpers for the inventory workflow: moto resources named as the template names them."""

import json
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from moto import mock_aws

from sluice_shared import settings
from sluice_shared.inventory import clients, storefront_dispatch
from sluice_shared.inventory.levels import LevelsTable
from sluice_shared.inventory.start import Snapshot
from tests.fixtures.aws import reset_caches

BUCKET = "sluice-test-inventory-123456789012-us-east-1"
LEVELS_TABLE = "sluice-test-inventory-levels"
RUNS_TABLE = "sluice-test-inventory-runs"
QUEUE_NAME = "sluice-test-storefront-requests"
STATE_MACHINE_NAME = "sluice-test-inventory"
ROLE_ARN = "arn:aws:iam::123456789012:role/sluice-test-InventoryStateMachineRole"
PREFIX = "incoming/"
_PASS_DEFINITION = json.dumps(
    {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
)


@dataclass(frozen=True)
class InventoryWorld:
    """The mocked resources an inventory test touches."""

    queue_url: str
    state_machine_arn: str

    def put_snapshot(self, key: str, text: str) -> Snapshot:
        """Upload `text` as a snapshot; the object it became."""
        answer = boto3.client("s3").put_object(Bucket=BUCKET, Key=key, Body=text.encode())
        return Snapshot(BUCKET, key, answer["ETag"].strip('"'))

    def read_text(self, key: str) -> str:
        """An object of the bucket as text."""
        return boto3.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()

    def levels(self) -> LevelsTable:
        """The levels table."""
        return LevelsTable(boto3.client("dynamodb"), LEVELS_TABLE, sleep=lambda seconds: None)

    def messages(self) -> list[dict]:
        """Every message body on the storefront queue (received once each)."""
        sqs = boto3.client("sqs")
        bodies = []
        while True:
            answer = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
            received = answer.get("Messages", [])
            if not received:
                return bodies
            bodies += [json.loads(message["Body"]) for message in received]


def _create_table(name: str, key: str) -> None:
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def clear_inventory_caches() -> None:
    """Forget every cached client of the shared layer and the inventory package."""
    reset_caches()
    clients.clear_clients()
    storefront_dispatch.clear_caches()


@pytest.fixture
def inventory_world(monkeypatch: pytest.MonkeyPatch) -> Iterator[InventoryWorld]:
    """Bucket, tables, queue and state machine on moto, with the env vars the template sets."""
    clear_inventory_caches()
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        _create_table(LEVELS_TABLE, "sku")
        _create_table(RUNS_TABLE, "runKey")
        queue_url = boto3.client("sqs").create_queue(QueueName=QUEUE_NAME)["QueueUrl"]
        machine = boto3.client("stepfunctions").create_state_machine(
            name=STATE_MACHINE_NAME, definition=_PASS_DEFINITION, roleArn=ROLE_ARN, type="STANDARD"
        )
        world = InventoryWorld(queue_url, machine["stateMachineArn"])
        for name, value in {
            settings.INVENTORY_STATE_MACHINE_ARN: world.state_machine_arn,
            settings.INVENTORY_BUCKET_NAME: BUCKET,
            settings.INVENTORY_SNAPSHOT_PREFIX: PREFIX,
            settings.INVENTORY_LEVELS_TABLE_NAME: LEVELS_TABLE,
            settings.INVENTORY_RUNS_TABLE_NAME: RUNS_TABLE,
            settings.INVENTORY_REJECT_THRESHOLD_PERCENT: "5",
            settings.STOREFRONT_REQUEST_QUEUE_URL: queue_url,
        }.items():
            monkeypatch.setenv(name, value)
        yield world
    clear_inventory_caches()
