"""Transient failures (5xx, read timeout): the message stays on the queue, hidden for a backoff
that doubles with its receives instead of the queue's 720 s visibility timeout."""

import pytest

from sluice_shared.dispatch.deferral import ANSWERED_FIRST_RETRY_SECONDS, FIRST_DEFERRAL_SECONDS
from sluice_shared.dispatch.dispatcher import RETRIED
from tests.fixtures.logs import capture_logs
from tests.fixtures.provider_server import ScriptedResponse
from tests.unit.dispatch.support import envelope

RECORD_ORDER_PATH = "/customers/cus-881/orders"
NOT_DONE_LINE = "request not done; the message stays on the queue"
UNAVAILABLE = ScriptedResponse(503, {"message": "down"})


def failed_ids(response: dict) -> list[str]:
    """The message ids a partial batch response keeps on the queue."""
    return [item["itemIdentifier"] for item in response["batchItemFailures"]]


def not_done_lines(logs) -> list[dict]:
    """The dispatcher's "not done" lines among the captured log lines."""
    return [line for line in logs.lines() if line["message"] == NOT_DONE_LINE]


@pytest.mark.parametrize(
    ("answer", "error_type", "first_delay"),
    [
        (
            ScriptedResponse(500, {"message": "boom"}),
            "ProviderUnavailable",
            ANSWERED_FIRST_RETRY_SECONDS,
        ),
        (
            ScriptedResponse(201, {"id": "late"}, hold=True),
            "ProviderTimeout",
            FIRST_DEFERRAL_SECONDS,
        ),
    ],
    ids=["500", "read-timeout"],
)
def test_given_a_transient_failure_then_the_message_is_hidden_for_the_first_delay(
    world, answer, error_type, first_delay
):
    """A 5xx was answered (the provider holds nothing for it): retried after 5 s. After a read
    timeout the provider may still be at work: 30 s."""
    logs = capture_logs()
    world.erp.script("POST", RECORD_ORDER_PATH, answer)
    world.queue.send(envelope())
    event = world.queue.receive_event(1)

    result = world.dispatcher.process_batch(event)
    world.erp.release()

    assert result.outcomes == {RETRIED: 1}
    assert failed_ids(result.response) == [event["Records"][0]["messageId"]]
    assert world.queue.visibility_changes == [first_delay]
    assert world.queue.visible_bodies() == []
    [line] = not_done_lines(logs)
    assert line["errorType"] == "MessageRetried"
    assert line["visibleAgainInSeconds"] == first_delay
    assert line["reason"].startswith(error_type)


def test_given_a_503_without_retry_after_at_each_receive_then_the_delay_doubles_each_time(world):
    """The first receive is hidden for 5 s, the later ones on the throttle schedule (the third
    for 30 s x 2^2): maxReceiveCount keeps its span. The governor tolerates two errors in a
    row, so the third call is still made."""
    world.erp.script("POST", RECORD_ORDER_PATH, UNAVAILABLE)
    world.queue.send(envelope())
    for _ in range(3):
        event = world.queue.receive_event(1)
        result = world.dispatcher.process_batch(event)
        world.queue.show_again(event)

    assert event["Records"][0]["attributes"]["ApproximateReceiveCount"] == "3"
    assert result.outcomes == {RETRIED: 1}
    assert len(world.erp.requests_to("POST", RECORD_ORDER_PATH)) == 3
    assert world.queue.visibility_changes == [ANSWERED_FIRST_RETRY_SECONDS, 60, 120]


def test_given_the_message_cannot_be_hidden_when_it_failed_then_it_is_still_reported(world):
    """It comes back after the queue's visibility timeout instead: later, but not lost."""
    logs = capture_logs()
    world.erp.script("POST", RECORD_ORDER_PATH, UNAVAILABLE)
    world.queue.send(envelope())
    event = world.queue.receive_event(1)
    event["Records"][0]["eventSourceARN"] = "arn:aws:sqs:us-east-1:123456789012:no-such-queue"

    result = world.dispatcher.process_batch(event)

    assert result.outcomes == {RETRIED: 1}
    assert failed_ids(result.response) == [event["Records"][0]["messageId"]]
    [warning] = [line for line in logs.lines() if line["message"].startswith("could not hide")]
    assert warning["level"] == "WARNING"
    [line] = not_done_lines(logs)
    assert "visibleAgainInSeconds" not in line
    assert line["reason"].endswith("visible again after the queue's visibility timeout")
