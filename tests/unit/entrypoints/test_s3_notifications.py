"""S3 notifications: configurations, the records S3 sends, and objects put through moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from sluice.clock import ScaledClock
from sluice.entrypoints.moto_hooks import MotoS3Hook
from sluice.entrypoints.s3_notifications import (
    S3Notification,
    S3NotificationRouter,
    S3Object,
    notification_from_sam_event,
    notifications_from_configuration,
)
from tests.unit.entrypoints.support import RecordingInvoke, eventually

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:IngestInventory"


@pytest.fixture
def router(invoke: RecordingInvoke, sqs: Any) -> Iterator[S3NotificationRouter]:
    """A notification router on a fast clock."""
    notifications = S3NotificationRouter(invoke=invoke, sqs_client=sqs, clock=ScaledClock(1000))
    yield notifications
    notifications.close()


@pytest.fixture
def s3(moto_url: str) -> Any:
    """A boto3 S3 client for the moto server."""
    return boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")


def test_given_a_created_object_then_lambda_gets_the_s3_record_asynchronously(router, invoke):
    router.add(S3Notification("drops", FUNCTION_ARN, ("s3:ObjectCreated:*",), prefix="inventory/"))

    matched = router.object_event(
        "s3:ObjectCreated:Put", "drops", S3Object("inventory/stock 1.csv", 42, "abc123")
    )
    assert router.wait_until_idle(60)

    assert matched == 1
    [call] = invoke.calls
    assert (call.function_name, call.invocation_type) == (FUNCTION_ARN, "Event")
    [record] = call.payload["Records"]
    assert record["eventSource"] == "aws:s3"
    assert record["eventVersion"] == "2.1"
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["awsRegion"] == "us-east-1"
    assert record["eventTime"].endswith("Z")
    assert record["s3"]["bucket"]["name"] == "drops"
    assert record["s3"]["bucket"]["arn"] == "arn:aws:s3:::drops"
    assert record["s3"]["object"]["key"] == "inventory/stock+1.csv"
    assert record["s3"]["object"]["size"] == 42
    assert record["s3"]["object"]["eTag"] == "abc123"
    assert len(record["s3"]["object"]["sequencer"]) == 16


def test_given_a_key_outside_the_filter_then_nothing_is_delivered(router, invoke):
    router.add(S3Notification("drops", FUNCTION_ARN, ("s3:ObjectCreated:*",), "inventory/", ".csv"))

    matched = [
        router.object_event("s3:ObjectCreated:Put", "drops", S3Object(key, 1, "e"))
        for key in ("other/a.csv", "inventory/a.json")
    ]
    matched.append(
        router.object_event("s3:ObjectRemoved:Delete", "drops", S3Object("inventory/a.csv"))
    )

    assert matched == [0, 0, 0]
    assert router.wait_until_idle(60)
    assert invoke.calls == []


def test_given_a_removed_object_then_the_record_has_no_size_or_etag(router, invoke):
    router.add(S3Notification("drops", FUNCTION_ARN, ("s3:ObjectRemoved:*",)))

    router.object_event("s3:ObjectRemoved:Delete", "drops", S3Object("a.csv"))
    assert router.wait_until_idle(60)

    record = invoke.calls[0].payload["Records"][0]
    assert record["eventName"] == "ObjectRemoved:Delete"
    assert set(record["s3"]["object"]) == {"key", "sequencer"}


def test_given_two_events_then_sequencers_increase(router, invoke):
    router.add(S3Notification("drops", FUNCTION_ARN, ("s3:ObjectCreated:*",)))

    router.object_event("s3:ObjectCreated:Put", "drops", S3Object("a", 1, "e"))
    router.object_event("s3:ObjectCreated:Put", "drops", S3Object("a", 2, "f"))
    assert router.wait_until_idle(60)

    sequencers = sorted(
        call.payload["Records"][0]["s3"]["object"]["sequencer"] for call in invoke.calls
    )
    assert sequencers[0] < sequencers[1]


def test_given_a_queue_destination_then_the_record_is_the_message_body(router, make_queue):
    queue = make_queue("drops")
    router.add(S3Notification("drops", queue.arn, ("s3:ObjectCreated:Put",)))

    router.object_event("s3:ObjectCreated:Put", "drops", S3Object("a.csv", 3, "e"))
    assert router.wait_until_idle(60)

    [body] = queue.bodies()
    assert body["Records"][0]["s3"]["object"]["key"] == "a.csv"


def test_given_a_cloudformation_notification_configuration_then_it_is_read():
    configuration = {
        "LambdaConfigurations": [
            {
                "Event": "s3:ObjectCreated:*",
                "Function": FUNCTION_ARN,
                "Filter": {
                    "S3Key": {
                        "Rules": [
                            {"Name": "prefix", "Value": "in/"},
                            {"Name": "suffix", "Value": ".csv"},
                        ]
                    }
                },
            }
        ],
        "QueueConfigurations": [
            {"Event": "s3:ObjectRemoved:*", "Queue": "arn:aws:sqs:us-east-1:123456789012:q"}
        ],
    }

    lambda_notification, queue_notification = notifications_from_configuration("b", configuration)

    assert (lambda_notification.prefix, lambda_notification.suffix) == ("in/", ".csv")
    assert lambda_notification.matches("s3:ObjectCreated:Copy", "in/x.csv")
    assert queue_notification.target_arn.endswith(":q")
    assert not queue_notification.matches("s3:ObjectCreated:Put", "x")


def test_given_a_sam_s3_event_then_it_is_read():
    notification = notification_from_sam_event(
        "b",
        FUNCTION_ARN,
        {"Bucket": "b", "Events": ["s3:ObjectCreated:Put", "s3:ObjectRemoved:*"]},
    )

    assert notification.events == ("s3:ObjectCreated:Put", "s3:ObjectRemoved:*")
    assert notification.matches("s3:ObjectRemoved:Delete", "anything")


def test_given_the_moto_hook_when_a_handler_puts_an_object_then_lambda_is_notified(
    router, invoke, s3
):
    s3.create_bucket(Bucket="hooked-drops")
    router.add(S3Notification("hooked-drops", FUNCTION_ARN, ("s3:ObjectCreated:*",)))

    with MotoS3Hook(router):
        put = s3.put_object(Bucket="hooked-drops", Key="inventory/2024 01.csv", Body=b"sku,qty\n")
    s3.put_object(Bucket="hooked-drops", Key="after-the-hook.csv", Body=b"x")

    assert eventually(lambda: len(invoke.calls) == 1)
    assert router.wait_until_idle(60)
    assert len(invoke.calls) == 1
    record = invoke.calls[0].payload["Records"][0]
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["object"]["key"] == "inventory/2024+01.csv"
    assert record["s3"]["object"]["size"] == 8
    assert record["s3"]["object"]["eTag"] == json.loads(put["ETag"])
