"""Helpers for the event source tests: queues on moto, messages, what the consumer saw."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sluice.lambda_runtime import FunctionConfig
from tests.unit.lambda_runtime.support import PROBE_LAYER

CONSUMER = Path(__file__).parent / "handlers" / "consumer"


def consumer(name: str, **settings: Any) -> FunctionConfig:
    """The consumer function under `name`."""
    return FunctionConfig(name=name, code_dir=CONSUMER, layer_dirs=(PROBE_LAYER,), **settings)


def make_queue(
    sqs: Any, visibility_timeout: int = 60, max_receive_count: int = 3
) -> dict[str, str]:
    """A queue with a DLQ; returns their URLs and the queue's ARN."""
    name = f"requests-{uuid.uuid4().hex[:8]}"
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count}
    url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": str(visibility_timeout),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return {"url": url, "arn": arn, "dlq_url": dlq_url}


def send(sqs: Any, url: str, bodies: list[dict[str, Any]]) -> list[str]:
    """Send each body as JSON (in SendMessageBatch calls); return the message ids in order."""
    ids: list[str] = []
    for start in range(0, len(bodies), 10):
        entries = [
            {"Id": str(index), "MessageBody": json.dumps(body)}
            for index, body in enumerate(bodies[start : start + 10])
        ]
        response = sqs.send_message_batch(QueueUrl=url, Entries=entries)
        by_entry = {item["Id"]: item["MessageId"] for item in response["Successful"]}
        ids.extend(by_entry[entry["Id"]] for entry in entries)
    return ids


def depth(sqs: Any, url: str) -> tuple[int, int]:
    """(visible, in flight) message counts."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


def dlq_bodies(sqs: Any, dlq_url: str) -> list[dict[str, Any]]:
    """The bodies waiting in a DLQ (received with a zero visibility timeout)."""
    response = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    return [json.loads(message["Body"]) for message in response.get("Messages", [])]


def seen_records(probe: Any, name: str) -> list[dict[str, Any]]:
    """Every record the consumer `name` received, in order."""
    return [json.loads(text) for text in probe.notes(f"{name}:records")]
