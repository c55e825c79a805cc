"""Test helpers for the dispatcher: a moto request queue, SQS events, a fake Step Functions,
a frozen clock."""

import json
import threading
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError

from tests.fixtures.events import load_event

REQUEST_QUEUE_NAME = "sluice-test-erp-requests"
# Where the `frozen_time` fixture's clock starts.
NOW = 1_700_000_000.0


def envelope(event_file: str = "dispatcher/record-order.json", **changes: Any) -> dict[str, Any]:
    """The request envelope of a sample event, with top-level fields replaced."""
    body = json.loads(load_event(event_file)["Records"][0]["body"])
    body.update(changes)
    return body


class RequestQueue:
    """A mocked request queue; messages are received as Lambda would pass them on.

    `visibility_changes` lists the VisibilityTimeout of every ChangeMessageVisibility made
    through `client` (the dispatcher's), oldest first.
    """

    def __init__(self, name: str = REQUEST_QUEUE_NAME) -> None:
        self.client = boto3.client("sqs")
        self.visibility_changes: list[int] = []
        self.client.meta.events.register(
            "provide-client-params.sqs.ChangeMessageVisibility", self._record_visibility_change
        )
        self._own_client = boto3.client("sqs")
        # Visibility 0: a record the dispatcher leaves alone is visible again at once, so a
        # receive shows exactly the messages it did not defer.
        self.url = self.client.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "0"})[
            "QueueUrl"
        ]
        self.arn = self.client.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]

    def send(self, *bodies: dict[str, Any] | str) -> None:
        """Enqueue each body (a dict is sent as JSON)."""
        for body in bodies:
            text = body if isinstance(body, str) else json.dumps(body)
            self.client.send_message(QueueUrl=self.url, MessageBody=text)

    def receive_event(self, count: int) -> dict[str, Any]:
        """Receive `count` messages and shape them as the SQS event Lambda gets."""
        received: list[dict[str, Any]] = []
        while len(received) < count:
            answer = self.client.receive_message(
                QueueUrl=self.url,
                MaxNumberOfMessages=count - len(received),
                AttributeNames=["All"],
            )
            messages = answer.get("Messages", [])
            if not messages:
                raise AssertionError(f"expected {count} messages, got {len(received)}")
            received += messages
        return {"Records": [self._record(message) for message in received]}

    def show_again(self, event: dict[str, Any]) -> None:
        """Make the event's messages visible at once, as if the time they were hidden passed."""
        for record in event["Records"]:
            self._own_client.change_message_visibility(
                QueueUrl=self.url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0
            )

    def visible_bodies(self) -> list[dict[str, Any]]:
        """The bodies of the messages a receive returns right now."""
        answer = self.client.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10)
        return [json.loads(message["Body"]) for message in answer.get("Messages", [])]

    def _record_visibility_change(self, params: dict[str, Any], **_: Any) -> None:
        """botocore hook: note the visibility timeout a ChangeMessageVisibility asks for."""
        self.visibility_changes.append(params["VisibilityTimeout"])

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        """One SQS event record."""
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message["Attributes"],
            "messageAttributes": {},
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": self.arn,
            "awsRegion": "us-east-1",
        }


@dataclass
class FakeStepFunctions:
    """Records task-token calls; `gone` makes every call answer TaskTimedOut."""

    gone: bool = False
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    heartbeat_seen: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send_task_success(self, **arguments: Any) -> dict[str, Any]:
        """SendTaskSuccess."""
        return self._call("SendTaskSuccess", arguments)

    def send_task_failure(self, **arguments: Any) -> dict[str, Any]:
        """SendTaskFailure."""
        return self._call("SendTaskFailure", arguments)

    def send_task_heartbeat(self, **arguments: Any) -> dict[str, Any]:
        """SendTaskHeartbeat."""
        answer = self._call("SendTaskHeartbeat", arguments)
        self.heartbeat_seen.set()
        return answer

    def named(self, action: str) -> list[dict[str, Any]]:
        """The arguments of every call of `action`."""
        with self._lock:
            return [arguments for name, arguments in self.calls if name == action]

    def _call(self, action: str, arguments: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.calls.append((action, arguments))
        if self.gone:
            raise ClientError(
                {"Error": {"Code": "TaskTimedOut", "Message": "Task Timed Out"}}, action
            )
        return {}
