"""Fixtures for the entry point tests: moto on loopback, SQS, a recording invoke."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.unit.entrypoints.support import RecordingInvoke


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """An in-process moto server on loopback."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def sqs(moto_url: str) -> Any:
    """A boto3 SQS client for the moto server."""
    return boto3.client("sqs", endpoint_url=moto_url, region_name="us-east-1")


@pytest.fixture
def invoke() -> RecordingInvoke:
    """An invoke that records its calls and answers 202."""
    return RecordingInvoke()


class Queue:
    """A moto queue: its ARN, URL, and a way to read what arrived."""

    def __init__(self, sqs: Any, name: str) -> None:
        self.sqs = sqs
        self.url = sqs.create_queue(QueueName=name)["QueueUrl"]
        self.arn = sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]

    def receive(self) -> list[dict[str, Any]]:
        """Every message now on the queue (with its attributes)."""
        response = self.sqs.receive_message(
            QueueUrl=self.url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        )
        return response.get("Messages", [])

    def bodies(self) -> list[Any]:
        """The JSON bodies now on the queue."""
        return [json.loads(message["Body"]) for message in self.receive()]


@pytest.fixture
def make_queue(sqs: Any, request: pytest.FixtureRequest) -> Any:
    """Create a uniquely named queue."""
    counter = iter(range(100))

    def make(stem: str) -> Queue:
        return Queue(sqs, f"{request.node.name[:50]}-{stem}-{next(counter)}")

    return make
