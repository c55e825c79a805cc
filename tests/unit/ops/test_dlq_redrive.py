"""DLQ redrive of a request queue on moto's server (which lacks StartMessageMoveTask)."""

import json
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from sluice.cli import main
from sluice.redrive import NoDeadLetterQueue, redrive_dead_letters

QUEUE = "sluice-dev-erp-requests"
DLQ = "sluice-dev-erp-requests-dlq"


@pytest.fixture
def sqs() -> Iterator[object]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    client = boto3.client(
        "sqs",
        endpoint_url=f"http://{host}:{port}",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}),
    )
    dlq_url = client.create_queue(QueueName=DLQ)["QueueUrl"]
    dlq_arn = client.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    client.create_queue(
        QueueName=QUEUE,
        Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5})
        },
    )
    yield client
    server.stop()


def url(sqs, name: str) -> str:
    return sqs.get_queue_url(QueueName=name)["QueueUrl"]


def bodies(sqs, name: str) -> list[str]:
    found = []
    while True:
        messages = sqs.receive_message(
            QueueUrl=url(sqs, name), MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        ).get("Messages", [])
        if not messages:
            return sorted(found)
        found += [message["Body"] for message in messages]


def dead_letters(sqs, count: int) -> list[str]:
    sent = [json.dumps({"idempotencyKey": f"order-{n}-customer-update"}) for n in range(count)]
    for body in sent:
        sqs.send_message(
            QueueUrl=url(sqs, DLQ),
            MessageBody=body,
            MessageAttributes={"provider": {"DataType": "String", "StringValue": "erp"}},
        )
    return sorted(sent)


def test_every_dead_letter_goes_back_to_its_queue_once(sqs):
    sent = dead_letters(sqs, 23)

    move = redrive_dead_letters(sqs, QUEUE, dry_run=False)

    assert (move.moved, move.method) == (23, "receive, send, delete")
    assert bodies(sqs, QUEUE) == sent
    assert bodies(sqs, DLQ) == []


def test_the_dlq_itself_can_be_named(sqs):
    sent = dead_letters(sqs, 2)

    move = redrive_dead_letters(sqs, DLQ, dry_run=False)

    assert move.queue_url == url(sqs, QUEUE)
    assert bodies(sqs, QUEUE) == sent


def test_a_dry_run_counts_and_moves_nothing(sqs):
    sent = dead_letters(sqs, 3)

    move = redrive_dead_letters(sqs, QUEUE, dry_run=True)

    assert (move.waiting, move.moved) == (3, 0)
    assert bodies(sqs, DLQ) == sent


def test_a_queue_without_a_dlq_is_refused(sqs):
    sqs.create_queue(QueueName="lonely")
    with pytest.raises(NoDeadLetterQueue):
        redrive_dead_letters(sqs, "lonely", dry_run=False)


def test_the_cli_moves_the_dead_letters_back(sqs, capsys):
    sent = dead_letters(sqs, 4)

    status = main(["dlq-redrive", "--queue", QUEUE, "--endpoint-url", sqs.meta.endpoint_url])

    assert status == 0
    assert "moved 4 messages back" in capsys.readouterr().out
    assert bodies(sqs, QUEUE) == sent
