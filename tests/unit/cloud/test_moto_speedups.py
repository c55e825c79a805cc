"""moto with the local cloud's speedups still answers SQS as it did (and as SQS does)."""

import hashlib
import sys
import threading

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import backends, mock_aws
from moto.s3 import models as s3_models

from sluice.cloud.moto_speedups import install_moto_speedups


@pytest.fixture
def sqs():
    install_moto_speedups()
    with mock_aws():
        yield boto3.client("sqs", region_name="us-east-1")


def _counts(sqs, url: str) -> tuple[int, int]:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


def test_given_received_messages_when_counting_then_they_are_in_flight_until_deleted(sqs):
    url = sqs.create_queue(QueueName="work")["QueueUrl"]
    for number in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=str(number))
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, VisibilityTimeout=60)
    assert [m["Body"] for m in received["Messages"]] == ["0", "1"]
    assert _counts(sqs, url) == (3, 2)
    handle = received["Messages"][0]["ReceiptHandle"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)  # deleting twice is allowed
    assert _counts(sqs, url) == (3, 1)


def test_given_an_unknown_receipt_handle_when_deleting_then_it_is_refused(sqs):
    url = sqs.create_queue(QueueName="work")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="kept")
    with pytest.raises(ClientError, match="ReceiptHandleIsInvalid"):
        sqs.delete_message(QueueUrl=url, ReceiptHandle="not-a-handle")
    assert _counts(sqs, url) == (1, 0)


def test_given_a_delayed_message_when_receiving_then_it_is_counted_delayed_not_visible(sqs):
    url = sqs.create_queue(QueueName="work")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=900)
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessagesDelayed"] == "1"
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_given_a_redrive_policy_when_receives_exceed_it_then_the_message_moves_to_the_dlq(sqs):
    dlq = sqs.create_queue(QueueName="work-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]
    url = sqs.create_queue(
        QueueName="work",
        Attributes={
            "RedrivePolicy": f'{{"deadLetterTargetArn": "{dlq_arn["QueueArn"]}", '
            '"maxReceiveCount": "2"}'
        },
    )["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="poison")
    for _ in range(2):
        received = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)
        assert len(received["Messages"]) == 1
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=dlq)["Messages"]] == ["poison"]


def test_given_a_message_older_than_the_retention_period_when_receiving_then_it_is_not_returned(
    sqs,
):
    url = sqs.create_queue(QueueName="work", Attributes={"MessageRetentionPeriod": "60"})[
        "QueueUrl"
    ]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    [queue] = [
        q
        for backend in backends.get_backend("sqs").values()
        for r in backend.values()
        for q in r.queues.values()
    ]
    queue._messages[0].sent_timestamp -= 120_000
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_given_a_fifo_group_in_flight_when_receiving_then_only_other_groups_are_returned(sqs):
    url = sqs.create_queue(
        QueueName="work.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    for group, body in (("a", "a1"), ("a", "a2"), ("b", "b1")):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
    assert [m["Body"] for m in first] == ["a1"]
    rest = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in rest] == ["b1"]


def test_given_concurrent_readers_when_an_etag_is_computed_then_both_see_the_whole_body():
    install_moto_speedups()
    body = bytes(range(256)) * 400
    key = s3_models.FakeKey(
        "snapshot.csv", body, account_id="123456789012", region_name="us-east-1"
    )
    expected = f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'
    wrong: list[str] = []

    def hash_again() -> None:
        for _ in range(3000):
            key._etag = None
            if key.etag != expected:
                wrong.append("etag")

    def read() -> None:
        for _ in range(3000):
            if key.value != body:
                wrong.append("value")

    threads = [threading.Thread(target=work) for work in (hash_again, read, hash_again, read)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: make the race likely
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        sys.setswitchinterval(interval)
    assert wrong == []
