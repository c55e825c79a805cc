"""SQS event source mapping: the event Lambda delivers, deletes, retries, DLQ, disabling."""

import hashlib
import json

import pytest

from sluice.event_sources import REPORT_BATCH_ITEM_FAILURES, SqsEventSourceConfig
from tests.unit.event_sources.support import (
    consumer,
    depth,
    dlq_bodies,
    make_queue,
    seen_records,
    send,
)
from tests.unit.lambda_runtime.support import eventually

PARTIAL = (REPORT_BATCH_ITEM_FAILURES,)


def test_given_a_message_then_the_function_gets_the_record_lambda_delivers(
    sqs, runtime, probe, mapping_factory
):
    queue = make_queue(sqs)
    runtime.deploy(consumer("consumer"))
    sent = sqs.send_message(
        QueueUrl=queue["url"],
        MessageBody='{"action": "ok"}',
        MessageAttributes={
            "provider": {"DataType": "String", "StringValue": "erp"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    mapping = mapping_factory(SqsEventSourceConfig("consumer", queue["arn"]))

    mapping.start()

    assert eventually(lambda: mapping.metrics().deleted == 1)
    [record] = seen_records(probe, "consumer")
    assert list(record) == [
        "messageId",
        "receiptHandle",
        "body",
        "attributes",
        "messageAttributes",
        "md5OfMessageAttributes",
        "md5OfBody",
        "eventSource",
        "eventSourceARN",
        "awsRegion",
    ]
    assert record["messageId"] == sent["MessageId"]
    assert record["body"] == '{"action": "ok"}'
    assert record["md5OfBody"] == hashlib.md5(b'{"action": "ok"}').hexdigest()
    assert record["md5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert list(record["attributes"]) == [
        "ApproximateReceiveCount",
        "SentTimestamp",
        "SenderId",
        "ApproximateFirstReceiveTimestamp",
    ]
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"] == {
        "provider": {
            "stringValue": "erp",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        },
        "blob": {
            "binaryValue": "AAE=",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Binary",
        },
    }
    assert (record["eventSource"], record["eventSourceARN"], record["awsRegion"]) == (
        "aws:sqs",
        queue["arn"],
        "us-east-1",
    )


def test_given_successful_batches_then_every_message_is_deleted_in_batches_of_at_most_10(
    sqs, runtime, probe, mapping_factory
):
    queue = make_queue(sqs)
    runtime.deploy(consumer("consumer"))
    send(sqs, queue["url"], [{"n": n} for n in range(25)])
    mapping = mapping_factory(SqsEventSourceConfig("consumer", queue["arn"]))

    mapping.start()

    assert eventually(lambda: mapping.metrics().deleted == 25)
    assert depth(sqs, queue["url"]) == (0, 0)
    assert max(int(size) for size in probe.notes("consumer:batches")) <= 10
    assert mapping.metrics().messages == 25


def test_given_a_reported_item_failure_then_only_it_returns_until_the_dlq_takes_it(
    sqs, runtime, probe, mapping_factory
):
    queue = make_queue(sqs, visibility_timeout=40, max_receive_count=2)
    runtime.deploy(consumer("consumer"))
    good, bad = send(sqs, queue["url"], [{"action": "ok"}, {"action": "fail", "id": "poison"}])
    config = SqsEventSourceConfig("consumer", queue["arn"], function_response_types=PARTIAL)
    mapping = mapping_factory(config)

    mapping.start()

    assert eventually(lambda: dlq_bodies(sqs, queue["dlq_url"]) != [])
    seen = seen_records(probe, "consumer")
    counts = [r["attributes"]["ApproximateReceiveCount"] for r in seen if r["messageId"] == bad]
    assert counts == ["1", "2"]
    assert [r["messageId"] for r in seen].count(good) == 1
    assert dlq_bodies(sqs, queue["dlq_url"]) == [{"action": "fail", "id": "poison"}]
    assert mapping.metrics().deleted == 1
    assert mapping.metrics().failed_messages == 2


def test_given_no_report_batch_item_failures_then_a_returned_failure_list_is_ignored(
    sqs, runtime, probe, mapping_factory
):
    queue = make_queue(sqs)
    runtime.deploy(consumer("consumer"))
    send(sqs, queue["url"], [{"action": "fail"}, {"action": "ok"}])
    mapping = mapping_factory(SqsEventSourceConfig("consumer", queue["arn"]))

    mapping.start()

    assert eventually(lambda: mapping.metrics().deleted == 2)
    assert mapping.metrics().failed_messages == 0


@pytest.mark.parametrize(
    "failing_action",
    [
        pytest.param("raise", id="function-error"),
        pytest.param("bad-id", id="empty-item-identifier"),
    ],
)
def test_given_a_failure_not_naming_a_message_then_the_whole_batch_comes_back(
    sqs, runtime, probe, mapping_factory, failing_action
):
    queue = make_queue(sqs, visibility_timeout=20, max_receive_count=1)
    runtime.deploy(consumer("consumer"))
    send(sqs, queue["url"], [{"action": "ok"}, {"action": failing_action}])
    config = SqsEventSourceConfig(
        "consumer", queue["arn"], batch_size=2, function_response_types=PARTIAL
    )
    mapping = mapping_factory(config)

    mapping.start()

    assert eventually(lambda: len(dlq_bodies(sqs, queue["dlq_url"])) == 2)
    assert probe.notes("consumer:batches") == ["2"]
    assert mapping.metrics().deleted == 0
    assert mapping.metrics().failed_batches == 1


def test_given_a_disabled_mapping_then_nothing_is_read_until_it_is_enabled(
    sqs, runtime, probe, mapping_factory
):
    queue = make_queue(sqs)
    runtime.deploy(consumer("consumer"))
    send(sqs, queue["url"], [{"action": "ok"}])
    mapping = mapping_factory(SqsEventSourceConfig("consumer", queue["arn"], enabled=False))

    mapping.start()
    assert not mapping.running
    assert depth(sqs, queue["url"]) == (1, 0)
    mapping.set_enabled(True)

    assert eventually(lambda: mapping.metrics().deleted == 1)


def test_given_a_running_mapping_when_stopped_then_its_pollers_end(
    sqs, runtime, probe, mapping_factory
):
    queue = make_queue(sqs)
    runtime.deploy(consumer("consumer"))
    mapping = mapping_factory(SqsEventSourceConfig("consumer", queue["arn"]))
    mapping.start()

    stopped = mapping.stop(5)

    assert stopped
    assert not mapping.running


def test_given_a_batch_gathered_but_not_invoked_when_stopped_then_its_messages_are_visible_again(
    sqs, runtime, probe, mapping_factory
):
    queue = make_queue(sqs, visibility_timeout=600)
    runtime.deploy(consumer("consumer"))
    send(sqs, queue["url"], [{"action": "ok"}])
    config = SqsEventSourceConfig(
        "consumer", queue["arn"], batch_size=20, maximum_batching_window_seconds=300
    )
    mapping = mapping_factory(config, default_concurrency=1)
    mapping.start()
    assert eventually(lambda: depth(sqs, queue["url"]) == (0, 1))

    mapping.stop(5)

    assert depth(sqs, queue["url"]) == (1, 0)
    assert probe.notes("consumer:batches") == []


def test_given_a_unicode_body_then_the_handler_gets_it_as_sent(
    sqs, runtime, probe, mapping_factory
):
    queue = make_queue(sqs)
    runtime.deploy(consumer("consumer"))
    send(sqs, queue["url"], [{"action": "ok", "text": "ä €"}])
    mapping = mapping_factory(SqsEventSourceConfig("consumer", queue["arn"]))

    mapping.start()

    assert eventually(lambda: mapping.metrics().deleted == 1)
    [record] = seen_records(probe, "consumer")
    assert json.loads(record["body"]) == {"action": "ok", "text": "ä €"}
