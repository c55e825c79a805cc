"""moto's SQS follows the injected clock while the patch is installed, and only then."""

from datetime import UTC, datetime

import pytest
from moto.core import utils as moto_utils
from moto.sqs import models as sqs_models

from sluice.clock import VirtualClock
from sluice.event_sources import SqsClockPatch
from tests.unit.event_sources.support import make_queue, send

START = datetime(2024, 1, 1, tzinfo=UTC)


def _receive(sqs, url):
    response = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, AttributeNames=["All"]
    )
    return response.get("Messages", [])


def test_given_the_patch_then_timestamps_come_from_the_clock(sqs):
    clock = VirtualClock(START)
    with SqsClockPatch(clock):
        queue = make_queue(sqs, visibility_timeout=30)
        send(sqs, queue["url"], [{"n": 1}])
        clock.advance(2)

        [message] = _receive(sqs, queue["url"])

    assert message["Attributes"]["SentTimestamp"] == "1704067200000"
    assert message["Attributes"]["ApproximateFirstReceiveTimestamp"] == "1704067202000"


def test_given_the_patch_then_a_visibility_timeout_ends_when_the_clock_passes_it(sqs):
    clock = VirtualClock(START)
    with SqsClockPatch(clock):
        queue = make_queue(sqs, visibility_timeout=30)
        send(sqs, queue["url"], [{"n": 1}])
        _receive(sqs, queue["url"])
        clock.advance(29)
        hidden = _receive(sqs, queue["url"])
        clock.advance(2)

        [again] = _receive(sqs, queue["url"])

    assert hidden == []
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"


def test_given_the_patch_then_a_message_reaches_the_dlq_after_max_receive_count(sqs):
    clock = VirtualClock(START)
    with SqsClockPatch(clock):
        queue = make_queue(sqs, visibility_timeout=30, max_receive_count=2)
        send(sqs, queue["url"], [{"n": 1}])
        for _ in range(2):
            assert len(_receive(sqs, queue["url"])) == 1
            clock.advance(31)

        assert _receive(sqs, queue["url"]) == []
        assert len(_receive(sqs, queue["dlq_url"])) == 1


def test_given_the_patch_removed_then_moto_reads_its_own_time_again(sqs):
    with SqsClockPatch(VirtualClock(START)):
        assert sqs_models.unix_time is not moto_utils.unix_time

    assert sqs_models.unix_time is moto_utils.unix_time
    assert sqs_models.unix_time_millis is moto_utils.unix_time_millis


def test_given_a_patch_installed_then_a_second_one_is_refused():
    with SqsClockPatch(VirtualClock(START)), pytest.raises(RuntimeError):
        SqsClockPatch(VirtualClock(START)).install()
