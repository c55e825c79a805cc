"""The local EventBridge: pattern matching, delivery to Lambda/SQS/Step Functions, retries, DLQ."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

import pytest

from sluice.clock import ScaledClock
from sluice.entrypoints.delivery import DEAD_LETTERED, DELIVERED, DROPPED, retry_delay
from sluice.entrypoints.eventbridge import EventRouter, Rule
from sluice.entrypoints.targets import RetryPolicy, Target
from tests.unit.entrypoints.support import (
    Call,
    FakeResult,
    FunctionMissing,
    RecordingInvoke,
    Throttled,
)

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:RecordFailure"
ORDERS_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:sluice-dev-orders"
FAILED_PATTERN = {
    "source": ["aws.states"],
    "detail-type": ["Step Functions Execution Status Change"],
    "detail": {"status": ["FAILED", "TIMED_OUT", "ABORTED"], "stateMachineArn": [ORDERS_MACHINE]},
}


@pytest.fixture
def clock() -> ScaledClock:
    """Time 100,000 times faster: a day of retries passes in under a second."""
    return ScaledClock(100_000)


def make_router(invoke: RecordingInvoke, sqs: Any, clock: ScaledClock) -> EventRouter:
    started: list[tuple[str, str]] = []
    events = EventRouter(
        invoke=invoke,
        sqs_client=sqs,
        start_execution=lambda arn, payload: started.append((arn, payload)),
        clock=clock,
        rng=random.Random(7),
    )
    events.started = started  # type: ignore[attr-defined]
    return events


@pytest.fixture
def router(invoke: RecordingInvoke, sqs: Any, clock: ScaledClock) -> Iterator[EventRouter]:
    """A router with a recording invoke and moto's SQS."""
    events = make_router(invoke, sqs, clock)
    yield events
    events.close()


def status_entry(status: str, machine: str = ORDERS_MACHINE) -> dict[str, Any]:
    return {
        "Source": "aws.states",
        "DetailType": "Step Functions Execution Status Change",
        "Detail": json.dumps({"status": status, "stateMachineArn": machine}),
    }


def test_given_a_pattern_rule_when_a_matching_event_is_put_then_lambda_gets_it_async(
    router, invoke
):
    router.put_rule(Rule("ExecutionStopped", (Target("1", FUNCTION_ARN),), FAILED_PATTERN))

    answer = router.put_events([status_entry("FAILED")])
    assert router.wait_until_idle(60_000)

    assert answer["FailedEntryCount"] == 0
    [call] = invoke.calls
    assert call.function_name == FUNCTION_ARN
    assert call.invocation_type == "Event"
    assert call.payload["id"] == answer["Entries"][0]["EventId"]
    assert call.payload["source"] == "aws.states"
    assert call.payload["detail"]["status"] == "FAILED"
    assert call.payload["account"] == "123456789012"
    assert call.payload["time"].endswith("Z")
    assert [record.outcome for record in router.records()] == [DELIVERED]


def test_given_a_pattern_rule_when_a_non_matching_event_is_put_then_nothing_is_delivered(
    router, invoke
):
    router.put_rule(Rule("ExecutionStopped", (Target("1", FUNCTION_ARN),), FAILED_PATTERN))

    router.put_events([status_entry("SUCCEEDED"), status_entry("FAILED", machine="other")])
    assert router.wait_until_idle(60_000)

    assert invoke.calls == []


def test_given_a_disabled_rule_when_a_matching_event_is_put_then_nothing_is_delivered(
    router, invoke
):
    router.put_rule(Rule("Off", (Target("1", FUNCTION_ARN),), FAILED_PATTERN, state="DISABLED"))

    router.put_events([status_entry("FAILED")])
    assert router.wait_until_idle(60_000)

    assert invoke.calls == []


def test_given_invalid_entries_when_putting_then_each_gets_its_error(router):
    answer = router.put_events(
        [
            {"Source": "a", "DetailType": "b"},
            {"Source": "a", "DetailType": "b", "Detail": "not json"},
            {"Source": "a", "DetailType": "b", "Detail": "{}"},
        ]
    )

    assert answer["FailedEntryCount"] == 2
    assert answer["Entries"][0]["ErrorCode"] == "InvalidArgument"
    assert answer["Entries"][1]["ErrorCode"] == "MalformedDetail"
    assert "EventId" in answer["Entries"][2]


def test_given_a_rule_on_a_custom_bus_when_putting_on_that_bus_then_it_matches(router, invoke):
    router.put_event_bus("orders")
    router.put_rule(
        Rule("OnOrders", (Target("1", FUNCTION_ARN),), {"source": ["shop"]}, bus_name="orders")
    )

    router.put_events([{"Source": "shop", "DetailType": "x", "Detail": "{}"}])
    router.put_events(
        [{"Source": "shop", "DetailType": "x", "Detail": "{}", "EventBusName": "orders"}]
    )
    assert router.wait_until_idle(60_000)

    assert len(invoke.calls) == 1
    assert router.rule_arn("OnOrders", "orders").endswith(":rule/orders/OnOrders")


def test_given_an_sqs_target_when_an_event_matches_then_the_event_is_the_message(
    router, make_queue
):
    queue = make_queue("target")
    router.put_rule(Rule("ToQueue", (Target("q", queue.arn),), {"source": ["shop"]}))

    router.put_events([{"Source": "shop", "DetailType": "OrderCreated", "Detail": '{"id": 7}'}])
    assert router.wait_until_idle(60_000)

    [body] = queue.bodies()
    assert body["detail-type"] == "OrderCreated"
    assert body["detail"] == {"id": 7}


def test_given_a_state_machine_target_when_an_event_matches_then_an_execution_starts(router):
    router.put_rule(Rule("ToMachine", (Target("m", ORDERS_MACHINE),), {"source": ["shop"]}))

    router.put_events([{"Source": "shop", "DetailType": "x", "Detail": '{"id": 1}'}])
    assert router.wait_until_idle(60_000)

    [(arn, payload)] = router.started
    assert arn == ORDERS_MACHINE
    assert json.loads(payload)["detail"] == {"id": 1}


def test_given_target_input_shaping_when_an_event_matches_then_the_target_gets_the_shape(
    router, invoke
):
    targets = (
        Target("constant", FUNCTION_ARN, input='{"fixed": true}'),
        Target("path", FUNCTION_ARN + "2", input_path="$.detail"),
        Target(
            "transform",
            FUNCTION_ARN + "3",
            input_transformer={
                "InputPathsMap": {"status": "$.detail.status"},
                "InputTemplate": '{"state": "<status>"}',
            },
        ),
    )
    router.put_rule(Rule("Shapes", targets, FAILED_PATTERN))

    router.put_events([status_entry("FAILED")])
    assert router.wait_until_idle(60_000)

    payloads = {call.function_name: call.payload for call in invoke.calls}
    assert payloads[FUNCTION_ARN] == {"fixed": True}
    assert payloads[FUNCTION_ARN + "2"] == {"status": "FAILED", "stateMachineArn": ORDERS_MACHINE}
    assert payloads[FUNCTION_ARN + "3"] == {"state": "FAILED"}


def test_given_a_throttled_target_when_delivering_then_it_is_retried_until_accepted(router, invoke):
    def throttle_twice(call: Call) -> FakeResult:
        if len(invoke.calls) <= 2:
            raise Throttled("Rate Exceeded.")
        return FakeResult(status_code=202)

    invoke.respond = throttle_twice
    router.put_rule(Rule("Retry", (Target("1", FUNCTION_ARN),), FAILED_PATTERN))

    router.put_events([status_entry("FAILED")])
    assert router.wait_until_idle(60_000)

    assert len(invoke.calls) == 3
    [record] = router.records()
    assert (record.outcome, record.attempts) == (DELIVERED, 3)


def test_given_a_target_that_keeps_failing_when_retries_run_out_then_the_dlq_gets_the_event(
    router, invoke, make_queue
):
    def refuse(call: Call) -> FakeResult:
        raise Throttled("Rate Exceeded.")

    invoke.respond = refuse
    dlq = make_queue("dlq")
    policy = RetryPolicy(maximum_retry_attempts=2, maximum_event_age_seconds=86_400)
    rule_arn = router.put_rule(
        Rule(
            "Dlq",
            (Target("1", FUNCTION_ARN, retry_policy=policy, dead_letter_arn=dlq.arn),),
            FAILED_PATTERN,
        )
    )

    answer = router.put_events([status_entry("FAILED")])
    assert router.wait_until_idle(60_000)

    assert len(invoke.calls) == 3
    [message] = dlq.receive()
    assert json.loads(message["Body"])["id"] == answer["Entries"][0]["EventId"]
    attributes = {
        name: value["StringValue"] for name, value in message["MessageAttributes"].items()
    }
    assert attributes == {
        "RULE_ARN": rule_arn,
        "TARGET_ARN": FUNCTION_ARN,
        "ERROR_CODE": "THROTTLING",
        "ERROR_MESSAGE": "Rate Exceeded.",
        "RETRY_ATTEMPTS": "2",
        "EXHAUSTED_RETRY_CONDITION": "MaximumRetryAttempts",
    }
    assert router.records()[0].outcome == DEAD_LETTERED


def test_given_a_short_event_age_when_retries_would_outlive_it_then_delivery_stops_on_age(
    invoke, sqs, make_queue
):
    def refuse(call: Call) -> FakeResult:
        raise Throttled("Rate Exceeded.")

    invoke.respond = refuse
    dlq = make_queue("dlq")
    policy = RetryPolicy(maximum_retry_attempts=185, maximum_event_age_seconds=60)
    router = make_router(invoke, sqs, ScaledClock(1000))
    try:
        router.put_rule(
            Rule(
                "Age",
                (Target("1", FUNCTION_ARN, retry_policy=policy, dead_letter_arn=dlq.arn),),
                FAILED_PATTERN,
            )
        )
        router.put_events([status_entry("FAILED")])
        assert router.wait_until_idle(600)
    finally:
        router.close()

    [message] = dlq.receive()
    condition = message["MessageAttributes"]["EXHAUSTED_RETRY_CONDITION"]["StringValue"]
    assert condition == "MaximumEventAgeInSeconds"
    # Backoffs of 0.5-1, 1-2, 2-4, 4-8, 8-16 s fit in 60 s; a 7th retry (32-64 s more) never does.
    assert 5 <= len(invoke.calls) <= 7


def test_given_a_missing_target_when_delivering_then_it_goes_to_the_dlq_without_retry(
    router, invoke, make_queue
):
    def missing(call: Call) -> FakeResult:
        raise FunctionMissing("Function not found")

    invoke.respond = missing
    dlq = make_queue("dlq")
    router.put_rule(
        Rule("Gone", (Target("1", FUNCTION_ARN, dead_letter_arn=dlq.arn),), FAILED_PATTERN)
    )

    router.put_events([status_entry("FAILED")])
    assert router.wait_until_idle(60_000)

    assert len(invoke.calls) == 1
    [message] = dlq.receive()
    attributes = message["MessageAttributes"]
    assert attributes["ERROR_CODE"]["StringValue"] == "NO_RESOURCE"
    assert attributes["RETRY_ATTEMPTS"]["StringValue"] == "0"
    assert "EXHAUSTED_RETRY_CONDITION" not in attributes


def test_given_no_dlq_when_retries_run_out_then_the_event_is_dropped(router, invoke):
    def refuse(call: Call) -> FakeResult:
        raise Throttled("Rate Exceeded.")

    invoke.respond = refuse
    policy = RetryPolicy(maximum_retry_attempts=0)
    router.put_rule(Rule("Drop", (Target("1", FUNCTION_ARN, retry_policy=policy),), FAILED_PATTERN))

    router.put_events([status_entry("FAILED")])
    assert router.wait_until_idle(60_000)

    assert len(invoke.calls) == 1
    assert router.records()[0].outcome == DROPPED


def test_given_retry_numbers_then_delays_grow_exponentially_and_stay_capped():
    rng = random.Random(1)

    delays = [retry_delay(retry, rng) for retry in (1, 2, 3, 20)]

    assert 0.5 <= delays[0] <= 1
    assert 1 <= delays[1] <= 2
    assert 2 <= delays[2] <= 4
    assert 150 <= delays[3] <= 300


def test_given_a_target_with_an_unsupported_service_then_it_is_rejected():
    with pytest.raises(ValueError, match="unsupported target"):
        Target("sns", "arn:aws:sns:us-east-1:123456789012:topic")


def test_given_a_target_input_that_is_not_json_then_it_is_rejected():
    with pytest.raises(ValueError, match="valid JSON"):
        Target("bad", FUNCTION_ARN, input="not json")


def test_given_a_rule_with_neither_pattern_nor_schedule_then_it_is_rejected():
    with pytest.raises(ValueError, match="event pattern or a schedule"):
        Rule("Nothing", (Target("1", FUNCTION_ARN),))
