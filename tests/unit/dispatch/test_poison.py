"""Poison messages: logged, hidden for the short poison delay, and never sent twice to a provider
that rejected them; SQS's redrive policy takes them to the DLQ."""

import boto3
import pytest

from sluice_shared import settings
from sluice_shared.dispatch.dispatcher import POISON_LINE
from sluice_shared.dispatch.rejections import RejectionMemory
from tests.fixtures.logs import capture_logs
from tests.fixtures.provider_server import ScriptedResponse
from tests.unit.dispatch.support import envelope

RECORD_ORDER_PATH = "/customers/cus-881/orders"
REJECTED = ScriptedResponse(422, {"message": "no such customer"})
MALFORMED = '{"provider": "erp", "operation": '


def failed_ids(response: dict) -> list[str]:
    """The message ids a partial batch response keeps on the queue."""
    return [item["itemIdentifier"] for item in response["batchItemFailures"]]


def poison_lines(logs) -> list[dict]:
    """The dispatcher's poison lines among the captured log lines."""
    return [line for line in logs.lines() if line["message"] == POISON_LINE]


def test_given_a_malformed_body_when_dispatched_then_it_stays_as_poison_with_the_reason_logged(
    world,
):
    """The reason reaches the function's JSON log (stdout), not only a Python logger."""
    logs = capture_logs()
    world.queue.send(MALFORMED)
    event = world.queue.receive_event(1)
    result = world.dispatcher.process_batch(event)
    [poison] = poison_lines(logs)
    assert failed_ids(result.response) == [event["Records"][0]["messageId"]]
    assert result.outcomes == {"poison": 1}
    assert poison["level"] == "ERROR"
    assert poison["messageId"] == event["Records"][0]["messageId"]
    assert poison["receiveCount"] == 1
    assert poison["errorType"] == "RequestInvalid"
    assert "invalid request envelope" in poison["reason"]


def test_given_poison_when_dispatched_then_it_is_hidden_for_the_poison_delay_not_the_queues(
    world,
):
    """30 s by default: ten receives take about 5 minutes, not ten visibility timeouts."""
    logs = capture_logs()
    world.queue.send(MALFORMED)
    world.dispatcher.process_batch(world.queue.receive_event(1))
    [poison] = poison_lines(logs)
    assert world.queue.visibility_changes == [settings.DEFAULT_DISPATCH_POISON_DELAY_SECONDS]
    assert poison["visibleAgainInSeconds"] == settings.DEFAULT_DISPATCH_POISON_DELAY_SECONDS
    assert world.queue.visible_bodies() == []


def test_given_a_poison_delay_argument_when_dispatched_then_the_message_is_hidden_that_long(
    world,
):
    world.queue.send(MALFORMED)
    dispatcher = world.dispatcher_with(poison_delay_seconds=0)
    result = dispatcher.process_batch(world.queue.receive_event(1))
    assert result.outcomes == {"poison": 1}
    assert world.queue.visibility_changes == [0]
    [again] = world.queue.receive_event(1)["Records"]
    assert again["attributes"]["ApproximateReceiveCount"] == "2"


def test_given_the_poison_delay_setting_when_no_argument_then_the_setting_is_used(
    world, monkeypatch
):
    monkeypatch.setenv(settings.DISPATCH_POISON_DELAY_SECONDS, "7")
    world.queue.send(MALFORMED)
    world.dispatcher_with().process_batch(world.queue.receive_event(1))
    assert world.queue.visibility_changes == [7]


@pytest.mark.parametrize("seconds", [-1, 12 * 3600])
def test_given_a_poison_delay_sqs_cannot_set_then_the_dispatcher_is_refused(world, seconds):
    with pytest.raises(ValueError, match="poison delay"):
        world.dispatcher_with(poison_delay_seconds=seconds)


def test_given_the_message_cannot_be_hidden_when_it_is_poison_then_it_is_still_reported(world):
    """It comes back after the queue's visibility timeout instead: later, but not lost."""
    logs = capture_logs()
    world.queue.send(MALFORMED)
    event = world.queue.receive_event(1)
    event["Records"][0]["eventSourceARN"] = "arn:aws:sqs:us-east-1:123456789012:no-such-queue"
    result = world.dispatcher.process_batch(event)
    assert result.outcomes == {"poison": 1}
    [warning] = [line for line in logs.lines() if line["message"].startswith("could not hide")]
    assert warning["level"] == "WARNING"
    assert len(poison_lines(logs)) == 1


def test_given_an_unknown_operation_without_a_token_when_dispatched_then_it_is_poison(world):
    world.queue.send(envelope("dispatcher/unknown-operation.json"))
    result = world.dispatcher.process_batch(world.queue.receive_event(1))
    assert result.outcomes == {"poison": 1}
    assert world.erp.requests == []


def test_given_an_invalid_payload_when_dispatched_then_it_is_poison_and_the_erp_is_not_called(
    world,
):
    world.queue.send(envelope(payload={"customerId": "cus-881"}))
    result = world.dispatcher.process_batch(world.queue.receive_event(1))
    assert result.outcomes == {"poison": 1}
    assert world.erp.requests == []


def test_given_a_rejected_request_without_a_token_when_dispatched_then_it_is_poison(world):
    world.erp.script("POST", RECORD_ORDER_PATH, REJECTED)
    world.queue.send(envelope())
    result = world.dispatcher.process_batch(world.queue.receive_event(1))
    assert result.outcomes == {"poison": 1}


def test_given_a_rejected_message_when_received_again_then_the_erp_is_not_asked_again(world):
    """Its later receives are poison with the first rejection's reason, without a call."""
    world.erp.script("POST", RECORD_ORDER_PATH, REJECTED)
    world.queue.send(envelope())
    first = world.queue.receive_event(1)
    world.dispatcher.process_batch(first)
    world.queue.show_again(first)
    logs = capture_logs()

    again = world.dispatcher.process_batch(world.queue.receive_event(1))

    assert again.outcomes == {"poison": 1}
    assert len(world.erp.requests_to("POST", RECORD_ORDER_PATH)) == 1
    [poison] = poison_lines(logs)
    assert (poison["receiveCount"], poison["rejectedAtReceive"]) == (2, 1)
    assert poison["errorType"] == "ProviderRejected"
    assert "HTTP 422" in poison["reason"]


def test_given_a_rejected_message_when_another_message_repeats_it_then_the_erp_is_asked_again(
    world,
):
    """The memory is the message's: a duplicate, or a message redriven from the DLQ, is new."""
    world.erp.script("POST", RECORD_ORDER_PATH, REJECTED)
    world.queue.send(envelope())
    world.dispatcher.process_batch(world.queue.receive_event(1))
    world.queue.send(envelope())
    result = world.dispatcher.process_batch(world.queue.receive_event(1))
    assert result.outcomes == {"poison": 1}
    assert len(world.erp.requests_to("POST", RECORD_ORDER_PATH)) == 2


def test_given_the_rejection_cannot_be_written_down_then_the_message_is_still_poison(world):
    logs = capture_logs()
    world.erp.script("POST", RECORD_ORDER_PATH, REJECTED)
    world.queue.send(envelope())
    dispatcher = world.dispatcher_with(
        rejections=RejectionMemory("no-such-table", boto3.client("dynamodb"))
    )
    result = dispatcher.process_batch(world.queue.receive_event(1))
    assert result.outcomes == {"poison": 1}
    [warning] = [line for line in logs.lines() if line["message"].startswith("rejection not")]
    assert warning["errorType"] == "ResourceNotFoundException"
    assert len(poison_lines(logs)) == 1
