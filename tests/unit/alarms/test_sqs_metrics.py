"""AWS/SQS metrics are sampled from moto's queues on the local cloud's clock."""

from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from sluice.alarms import MetricKey, MetricStore
from sluice.alarms.sqs_metrics import QueueRef, SqsMetricsSampler
from sluice.clock import VirtualClock
from sluice.event_sources import SqsClockPatch

START = datetime(2024, 5, 3, 10, 0, tzinfo=UTC)
QUEUE = "sluice-dev-erp-requests-dlq"
ARN = f"arn:aws:sqs:us-east-1:123456789012:{QUEUE}"


@pytest.fixture
def clock() -> Iterator[VirtualClock]:
    """A virtual clock moto's SQS follows."""
    virtual = VirtualClock(START)
    with mock_aws(), SqsClockPatch(virtual):
        yield virtual


@pytest.fixture
def queue_url(clock) -> str:
    sqs = boto3.client("sqs", region_name="us-east-1")
    return sqs.create_queue(QueueName=QUEUE, Attributes={"VisibilityTimeout": "30"})["QueueUrl"]


def _metric(name: str) -> MetricKey:
    return MetricKey.of("AWS/SQS", name, {"QueueName": QUEUE})


def _sample(clock: VirtualClock) -> dict[str, float]:
    store = MetricStore()
    now = clock.now().timestamp()
    SqsMetricsSampler([QueueRef.from_arn(ARN)], store).sample(now)
    names = (
        "ApproximateNumberOfMessagesVisible",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
        "ApproximateAgeOfOldestMessage",
    )
    return {name: store.values(_metric(name), now - 1, now)[0] for name in names}


def test_an_empty_queue_reports_zeros(clock, queue_url):
    assert set(_sample(clock).values()) == {0.0}


def test_waiting_messages_are_visible_and_the_oldest_ages_on_the_clock(clock, queue_url):
    sqs = boto3.client("sqs", region_name="us-east-1")
    sqs.send_message(QueueUrl=queue_url, MessageBody="first")
    clock.advance(30)
    sqs.send_message(QueueUrl=queue_url, MessageBody="second")
    sqs.send_message(QueueUrl=queue_url, MessageBody="later", DelaySeconds=300)
    clock.advance(70)

    sample = _sample(clock)

    assert sample["ApproximateNumberOfMessagesVisible"] == 2
    assert sample["ApproximateNumberOfMessagesDelayed"] == 1
    assert sample["ApproximateAgeOfOldestMessage"] == 100


def test_a_received_message_is_not_visible_until_its_timeout_ends(clock, queue_url):
    sqs = boto3.client("sqs", region_name="us-east-1")
    sqs.send_message(QueueUrl=queue_url, MessageBody="first")
    sqs.receive_message(QueueUrl=queue_url)
    clock.advance(10)

    hidden = _sample(clock)
    clock.advance(30)
    again = _sample(clock)

    assert (
        hidden["ApproximateNumberOfMessagesVisible"],
        hidden["ApproximateNumberOfMessagesNotVisible"],
    ) == (0, 1)
    assert (
        again["ApproximateNumberOfMessagesVisible"],
        again["ApproximateNumberOfMessagesNotVisible"],
    ) == (1, 0)


def test_a_message_received_three_times_is_no_longer_the_oldest(clock, queue_url):
    sqs = boto3.client("sqs", region_name="us-east-1")
    sqs.send_message(QueueUrl=queue_url, MessageBody="poison")
    for _ in range(3):
        sqs.receive_message(QueueUrl=queue_url)
        clock.advance(31)
    sqs.send_message(QueueUrl=queue_url, MessageBody="fresh")
    clock.advance(7)

    assert _sample(clock)["ApproximateAgeOfOldestMessage"] == 7


def test_a_queue_that_does_not_exist_is_skipped(clock):
    store = MetricStore()

    SqsMetricsSampler([QueueRef.from_arn(ARN)], store).sample(clock.now().timestamp())

    assert store.keys() == []
