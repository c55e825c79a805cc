"""The notifier on moto: each alert posted once, storms as a digest, nothing lost to a 429."""

import json
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from moto import mock_aws

from sluice_shared import settings
from sluice_shared.notifications import (
    AlertLedger,
    FailureLookup,
    Notifier,
    PostOutcome,
    parse_alert,
)
from sluice_shared.notifications.ledger import Claim
from sluice_shared.notifications.notifier import RESERVE_SECONDS
from sluice_shared.notifications.visibility import MessageHider
from tests.fixtures.aws import put_secret, reset_caches
from tests.fixtures.events import load_event
from tests.fixtures.handlers import load_handler_module
from tests.fixtures.lambda_context import FakeLambdaContext

ALERTS_TABLE = "sluice-test-alerts"
OPS_TABLE = "sluice-test-ops-failures"
QUEUE = "sluice-test-alerts"
SLACK_SECRET = "sluice/test/slack/webhook-url"
THRESHOLD = 5


class FakeWebhook:
    """Takes messages (or answers 429 for the first `refusals` posts)."""

    def __init__(self, refusals: int = 0) -> None:
        self.refusals = refusals
        self.messages: list[dict] = []

    def post(self, message, seconds_left) -> PostOutcome:
        if self.refusals:
            self.refusals -= 1
            return PostOutcome(delivered=False, status=429, retry_after=7.0)
        self.messages.append(message)
        return PostOutcome(delivered=True, status=200)


@dataclass
class Setup:
    queue_url: str
    queue_arn: str

    def records(self, bodies: list[str]) -> list[SQSRecord]:
        """Send the bodies through the queue and receive them as Lambda's SQS records."""
        sqs = boto3.client("sqs")
        for body in bodies:
            sqs.send_message(QueueUrl=self.queue_url, MessageBody=body)
        received = []
        while len(received) < len(bodies):
            received += sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=10,
                AttributeNames=["All"],
                VisibilityTimeout=300,
            ).get("Messages", [])
        return [
            SQSRecord(
                {
                    "messageId": message["MessageId"],
                    "receiptHandle": message["ReceiptHandle"],
                    "body": message["Body"],
                    "attributes": message["Attributes"],
                    "messageAttributes": {},
                    "eventSource": "aws:sqs",
                    "eventSourceARN": self.queue_arn,
                    "awsRegion": "us-east-1",
                }
            )
            for message in received
        ]

    def alert_statuses(self) -> dict[str, str]:
        items = boto3.client("dynamodb").scan(TableName=ALERTS_TABLE)["Items"]
        return {item["alertKey"]["S"]: item["status"]["S"] for item in items}


@pytest.fixture
def setup(monkeypatch) -> Iterator[Setup]:
    reset_caches()
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        dynamodb.create_table(
            TableName=ALERTS_TABLE,
            KeySchema=[{"AttributeName": "alertKey", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "alertKey", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.create_table(
            TableName=OPS_TABLE,
            KeySchema=[
                {"AttributeName": "businessKey", "KeyType": "HASH"},
                {"AttributeName": "failureId", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "businessKey", "AttributeType": "S"},
                {"AttributeName": "failureId", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        queue_url = boto3.client("sqs").create_queue(QueueName=QUEUE)["QueueUrl"]
        arn = boto3.client("sqs").get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        monkeypatch.setenv(settings.ALERTS_TABLE_NAME, ALERTS_TABLE)
        monkeypatch.setenv(settings.OPS_FAILURES_TABLE_NAME, OPS_TABLE)
        yield Setup(queue_url, arn)
    reset_caches()


def failure_body(number: int, error: str = "OrderInvalid", redrive_count: int = 0) -> str:
    event = load_event("ops/execution_failed.json")
    key = f"order-shopify-{number}"
    arn = f"arn:aws:states:us-east-1:123456789012:execution:sluice-dev-orders:{key}"
    event["detail"].update(
        executionArn=arn,
        name=key,
        input=json.dumps({"businessKey": key}),
        error=error,
        redriveCount=redrive_count,
    )
    boto3.client("dynamodb").put_item(
        TableName=OPS_TABLE,
        Item={
            "businessKey": {"S": key},
            "failureId": {"S": f"{key}#r{redrive_count}"},
            "executionArn": {"S": arn},
            "failedState": {"S": "ValidateOrder"},
            "error": {"S": error},
            "recordedAt": {"S": "2025-11-23T12:00:42.000Z"},
        },
    )
    return json.dumps(event)


def notifier(webhook: FakeWebhook) -> Notifier:
    return Notifier(
        webhook=webhook,
        ledger=AlertLedger(),
        lookup=FailureLookup(),
        hider=MessageHider(boto3.client("sqs")),
        digest_threshold=THRESHOLD,
    )


def plenty() -> float:
    return 60.0


def test_one_failure_is_posted_once_naming_its_failed_step(setup):
    webhook = FakeWebhook()

    failed = notifier(webhook).handle_batch(setup.records([failure_body(1)]), plenty)

    assert failed == []
    assert len(webhook.messages) == 1
    assert "order-shopify-1 failed at ValidateOrder" in webhook.messages[0]["text"]
    assert set(setup.alert_statuses().values()) == {"SENT"}


def test_a_duplicate_event_in_the_same_or_a_later_batch_posts_nothing_more(setup):
    webhook = FakeWebhook()
    body = failure_body(1)

    notifier(webhook).handle_batch(setup.records([body, body]), plenty)
    notifier(webhook).handle_batch(setup.records([body]), plenty)

    assert len(webhook.messages) == 1


def test_more_alerts_than_the_threshold_become_one_digest(setup):
    webhook = FakeWebhook()
    bodies = [failure_body(number) for number in range(THRESHOLD + 1)]

    notifier(webhook).handle_batch(setup.records(bodies), plenty)

    assert len(webhook.messages) == 1
    assert webhook.messages[0]["text"].startswith(f"{THRESHOLD + 1} alerts at once")
    assert set(setup.alert_statuses().values()) == {"SENT"}


def test_a_429_leaves_the_alerts_pending_hidden_for_the_retry_after_and_redelivered(setup):
    webhook = FakeWebhook(refusals=1)
    records = setup.records([failure_body(1), failure_body(2)])

    failed = notifier(webhook).handle_batch(records, plenty)

    assert sorted(failed) == sorted(record.message_id for record in records)
    assert set(setup.alert_statuses().values()) == {"PENDING"}
    assert webhook.messages == []
    visible = boto3.client("sqs").receive_message(QueueUrl=setup.queue_url, VisibilityTimeout=0)
    assert "Messages" not in visible


def test_pending_alerts_are_posted_when_delivered_again(setup):
    webhook = FakeWebhook(refusals=1)
    bodies = [failure_body(1), failure_body(2)]
    notifier(webhook).handle_batch(setup.records(bodies), plenty)

    failed = notifier(webhook).handle_batch(setup.records(bodies), plenty)

    assert failed == []
    assert len(webhook.messages) == 2
    assert set(setup.alert_statuses().values()) == {"SENT"}


def test_an_unreadable_message_is_reported_failed_and_the_rest_posted(setup):
    webhook = FakeWebhook()
    records = setup.records(["not an alert", failure_body(1)])

    failed = notifier(webhook).handle_batch(records, plenty)

    assert failed == [next(r.message_id for r in records if r.body == "not an alert")]
    assert len(webhook.messages) == 1


def test_a_resolution_names_the_failure_it_resolves(setup):
    webhook = FakeWebhook()
    failure_body(1042)
    resolved = load_event("ops/execution-redriven-succeeded.json")
    resolved["detail"]["input"] = json.dumps({"businessKey": "order-shopify-1042"})

    notifier(webhook).handle_batch(setup.records([json.dumps(resolved)]), plenty)

    assert webhook.messages[0]["text"] == (
        "Resolved: order order-shopify-1042 succeeded after redrive 1. Earlier failure: "
        "`OrderInvalid` at ValidateOrder (2025-11-23T12:00:42.000Z)."
    )


def test_the_handler_posts_to_the_webhook_url_in_secrets_manager(setup, monkeypatch):
    put_secret(SLACK_SECRET, "https://hooks.slack.test/services/T/B/secret")
    monkeypatch.setenv(settings.SLACK_WEBHOOK_URL_SECRET_NAME, SLACK_SECRET)
    module = load_handler_module("ops/notify_slack")
    posted = []

    class Session:
        def post(self, url, json, timeout):
            posted.append(url)
            return type("Answer", (), {"status_code": 200, "headers": {}, "text": "ok"})()

    monkeypatch.setattr("sluice_shared.notifications.wiring.slack_session", lambda: Session())
    records = setup.records([failure_body(1)])
    event = {"Records": [record.raw_event for record in records]}

    answer = module.handler(event, FakeLambdaContext())

    assert answer == {"batchItemFailures": []}
    assert posted == ["https://hooks.slack.test/services/T/B/secret"]


def test_an_alert_another_invocation_is_posting_is_delivered_again_not_dropped(setup):
    body = failure_body(1)
    [alert] = [parse_alert(body)]
    assert AlertLedger().claim(alert, hold_seconds=60) is Claim.CLAIMED
    webhook = FakeWebhook()
    records = setup.records([body])

    failed = notifier(webhook).handle_batch(records, plenty)

    assert failed == [records[0].message_id]
    assert webhook.messages == []


def test_alerts_the_invocation_has_no_time_for_are_left_unclaimed_for_later(setup):
    webhook = FakeWebhook()
    records = setup.records([failure_body(1), failure_body(2)])

    failed = notifier(webhook).handle_batch(records, lambda: RESERVE_SECONDS - 1)

    assert sorted(failed) == sorted(record.message_id for record in records)
    assert setup.alert_statuses() == {}
    assert webhook.messages == []
