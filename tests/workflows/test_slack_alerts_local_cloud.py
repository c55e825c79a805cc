"""Billing and inventory failures reach Slack on the local cloud, each naming what staff know.

A declined card fails a shipment's billing; a snapshot with too many bad rows fails its
inventory run. Each status change goes through the template's EventBridge rule and the alerts
queue to the notifier, which posts to the Slack simulator's incoming webhook (the default).
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from sluice.cloud.local_cloud import LocalCloud
from sluice_shared.inventory.start import Snapshot
from tests.workflows.slack_alerts import texts
from tests.workflows.support import EXECUTION_TIMEOUT, eventually, running_cloud
from tests.workflows.test_billing_local_cloud import BillingDriver

TIME_SCALE = 20
INVENTORY_BUCKET = "InventoryBucket"
INVENTORY_STATE_MACHINE = "InventoryStateMachine"


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """The local cloud for this module, posting to the incoming webhook."""
    with running_cloud(TIME_SCALE) as local_cloud:
        yield local_cloud


def fields(message: dict) -> list[str]:
    """The texts of a failure message's fields (its second block)."""
    return [field["text"] for field in message["blocks"][1]["fields"]]


def test_a_declined_billing_is_posted_naming_the_shipment_and_the_billing_workflow(cloud, alerts):
    billing = BillingDriver(cloud)
    body = billing.shipment("pay_declined")
    arn = billing.accept(body)
    assert billing.finish(arn)["status"] == "FAILED"
    key = f"shipment-3pl-{body['shipmentId']}"

    [message] = alerts.wait_for(key, 1)

    assert message["text"].startswith(f"Shipment {key} failed at CapturePayment")
    assert "*Workflow*\nbilling" in fields(message)
    assert f"*Shipment*\n`{key}`" in fields(message)
    assert "*Error*\n`PaymentDeclined`" in fields(message)
    assert f"{key}-rerun-1" in texts([message])
    assert arn.endswith(f":{key}") and arn in texts([message])


def test_a_rejected_snapshot_is_posted_naming_its_file_and_the_inventory_workflow(cloud, alerts):
    rows = [f"NEW-{index},{'x' if index % 2 else index},B" for index in range(40)]
    snapshot = drop(cloud, "incoming/broken-counts.csv", rows)
    description = run_ended(cloud, snapshot)
    outcome = (description["status"], description.get("error"))
    assert outcome == ("FAILED", "SnapshotRejected"), description

    [message] = alerts.wait_for(snapshot.run_key, 1)

    assert message["text"].startswith(
        "Inventory file incoming/broken-counts.csv failed at ValidateSnapshot"
    )
    assert "*Workflow*\ninventory" in fields(message)
    assert f"*Inventory file*\n`s3://{snapshot.bucket}/{snapshot.key}`" in fields(message)
    assert f"*Run*\n`{snapshot.run_key}`" in fields(message)
    assert "20 of 40 rows rejected" in texts([message])


def drop(cloud: LocalCloud, key: str, rows: list[str]) -> Snapshot:
    """Upload a snapshot CSV as the warehouse would; the object it became."""
    assert cloud.model is not None
    bucket = cloud.model.buckets[INVENTORY_BUCKET].name
    text = "sku,available,location\n" + "\n".join(rows) + "\n"
    answer = boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=text.encode())
    return Snapshot(bucket, key, answer["ETag"].strip('"'))


def run_ended(cloud: LocalCloud, snapshot: Snapshot) -> dict:
    """The snapshot's run once its S3 notification started it and it ended (bounded waits)."""
    engine = cloud.engine
    assert engine is not None
    machine = cloud.state_machine_arn(INVENTORY_STATE_MACHINE)
    arn = machine.replace(":stateMachine:", ":execution:") + f":{snapshot.run_key}"

    def started() -> bool:
        listed = engine.list_executions({"stateMachineArn": machine})["executions"]
        return any(execution["executionArn"] == arn for execution in listed)

    assert eventually(started, EXECUTION_TIMEOUT), f"{snapshot.key} never started a run"
    return engine.wait_for_execution(arn, timeout=EXECUTION_TIMEOUT)
