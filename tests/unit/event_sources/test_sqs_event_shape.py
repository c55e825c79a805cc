"""The Lambda record built from a ReceiveMessage message (FIFO attributes, list values)."""

from sluice.event_sources.sqs_event import sqs_event

ARN = "arn:aws:sqs:us-east-1:123456789012:orders.fifo"


def _message(**extra):
    return {
        "MessageId": "m1",
        "ReceiptHandle": "r1",
        "MD5OfBody": "d41d8cd98f00b204e9800998ecf8427e",
        "Body": "",
        **extra,
    }


def test_given_a_fifo_message_then_its_group_sequence_and_dedup_attributes_are_kept():
    attributes = {
        "ApproximateReceiveCount": "1",
        "SentTimestamp": "1",
        "SenderId": "A",
        "ApproximateFirstReceiveTimestamp": "2",
        "SequenceNumber": "18849496460467696128",
        "MessageGroupId": "order-1",
        "MessageDeduplicationId": "abc",
        "SqsManagedSseEnabled": "true",
    }

    [record] = sqs_event([_message(Attributes=attributes)], ARN, "us-east-1")["Records"]

    assert record["attributes"] == {
        key: value for key, value in attributes.items() if key != "SqsManagedSseEnabled"
    }


def test_given_no_message_attributes_then_the_record_has_an_empty_map_and_no_md5_of_them():
    [record] = sqs_event([_message()], ARN, "us-east-1")["Records"]

    assert record["messageAttributes"] == {}
    assert "md5OfMessageAttributes" not in record
    assert record["attributes"] == {}
