"""What the notifier tests share: moto's alerts table, queue and ops failures, a Slack in memory."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from sluice_shared.notifications import AlertLedger, FailureLookup, Notifier, PostOutcome
from sluice_shared.notifications.posting import ClaimPosts, PostMark, Seen
from sluice_shared.notifications.visibility import MessageHider
from tests.fixtures.events import load_event

ALERTS_TABLE = "sluice-test-alerts"
OPS_TABLE = "sluice-test-ops-failures"
QUEUE = "sluice-test-alerts"
THRESHOLD = 5
CHANNEL = "C0TESTOPS"
EXECUTION_PREFIX = "arn:aws:states:us-east-1:123456789012:execution:sluice-dev-orders:"


@dataclass
class Posted:
    """One message that reached the fake channel."""

    message: dict[str, Any]
    mark: PostMark | None
    thread_ts: str | None
    ts: str


@dataclass
class FakeSlack:
    """A channel in memory. It refuses the first `refusals` posts with a 429 (Retry-After 7),
    and leaves the next `unanswered` posts without an answer: `lost_answers` of them reached
    the channel, the others did not. With `web_api` it answers each post's ts and finds
    posts by their claim, as the Web API mode does; `find_answer` overrides what it finds."""

    refusals: int = 0
    unanswered: int = 0
    lost_answers: bool = True
    web_api: bool = False
    find_answer: ClaimPosts | None = None
    posted: list[Posted] = field(default_factory=list)
    finds: list[str] = field(default_factory=list)

    @property
    def channel(self) -> str | None:
        return CHANNEL if self.web_api else None

    @property
    def threads(self) -> bool:
        return self.web_api

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [post.message for post in self.posted]

    def post(self, message, seconds_left, *, mark=None, thread_ts=None) -> PostOutcome:
        if self.refusals:
            self.refusals -= 1
            return PostOutcome(delivered=False, status=429, retry_after=7.0)
        ts = f"{1_763_900_000 + len(self.posted)}.000100"
        if self.unanswered:
            self.unanswered -= 1
            if self.lost_answers:
                self.posted.append(Posted(message, mark, thread_ts, ts))
            return PostOutcome(delivered=False, detail="ReadTimeout", unsure=True)
        self.posted.append(Posted(message, mark, thread_ts, ts))
        if not self.web_api:
            return PostOutcome(delivered=True, status=200)
        return PostOutcome(delivered=True, status=200, ts=ts, channel=CHANNEL)

    def find(self, claim_id, window, threads, seconds_left) -> ClaimPosts:
        self.finds.append(claim_id)
        if self.find_answer is not None:
            return self.find_answer
        if not self.web_api:
            return ClaimPosts(Seen.UNKNOWN)
        found = {
            post.mark.alert_key: post.ts
            for post in self.posted
            if post.mark is not None and post.mark.claim_id == claim_id
        }
        return ClaimPosts(Seen.ABSENT, found)


@dataclass
class Setup:
    """The moto queue the alerts travel on, and readers of the alerts table."""

    queue_url: str
    queue_arn: str

    def records(self, bodies: list[str]) -> list[SQSRecord]:
        """Send the bodies through the queue and receive them as Lambda's SQS records."""
        sqs = boto3.client("sqs")
        for body in bodies:
            sqs.send_message(QueueUrl=self.queue_url, MessageBody=body)
        received: list[dict[str, Any]] = []
        for _ in range(10 * len(bodies)):
            if len(received) >= len(bodies):
                break
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

    def items(self) -> dict[str, dict[str, Any]]:
        """The alerts table, by alert key."""
        items = boto3.client("dynamodb").scan(TableName=ALERTS_TABLE)["Items"]
        return {item["alertKey"]["S"]: item for item in items}

    def alert_statuses(self) -> dict[str, str]:
        return {key: item["status"]["S"] for key, item in self.items().items()}


def create_resources() -> Setup:
    """The alerts table, the ops failures table and the alerts queue (inside mock_aws)."""
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
    sqs = boto3.client("sqs")
    queue_url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    return Setup(queue_url, arn["Attributes"]["QueueArn"])


def failure_body(number: int, error: str = "OrderInvalid", redrive_count: int = 0) -> str:
    """A FAILED status change of order `number`, its ops failure recorded."""
    event = load_event("ops/execution_failed.json")
    key = f"order-shopify-{number}"
    arn = EXECUTION_PREFIX + key
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
            "redriveCount": {"N": str(redrive_count)},
            "recordedAt": {"S": "2025-11-23T12:00:42.000Z"},
        },
    )
    return json.dumps(event)


def resolution_body(number: int, redrive_count: int = 1) -> str:
    """A SUCCEEDED status change of order `number` after `redrive_count` redrives."""
    event = load_event("ops/execution-redriven-succeeded.json")
    key = f"order-shopify-{number}"
    event["detail"].update(
        executionArn=EXECUTION_PREFIX + key,
        name=key,
        input=json.dumps({"businessKey": key}),
        redriveCount=redrive_count,
    )
    return json.dumps(event)


class Clock:
    """Epoch seconds the ledger reads, moved by the test."""

    def __init__(self, now: float = 1_763_900_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def notifier(
    slack: FakeSlack,
    ledger: AlertLedger | None = None,
    claim_ids: Callable[[], str] | None = None,
) -> Notifier:
    """A notifier on the moto resources, posting to `slack`."""
    extra = {} if claim_ids is None else {"new_claim_id": claim_ids}
    return Notifier(
        slack=slack,  # type: ignore[arg-type]
        ledger=ledger or AlertLedger(),
        lookup=FailureLookup(),
        hider=MessageHider(boto3.client("sqs")),
        digest_threshold=THRESHOLD,
        **extra,
    )


def plenty() -> float:
    """Seconds left in an invocation that has all the time it needs."""
    return 60.0
