"""Step Functions status-change events: their shape, and their way to EventBridge rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sluice.clock import ScaledClock
from sluice.entrypoints.eventbridge import EventRouter, Rule
from sluice.entrypoints.status_events import (
    MAX_INCLUDED_BYTES,
    StatusEventPublisher,
    status_change_event,
)
from sluice.entrypoints.targets import Target
from sluice.stepfunctions import StepFunctionsService
from tests.unit.entrypoints.support import RecordingInvoke, eventually

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:sluice-dev-orders"
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:sluice-dev-orders:order-shop-1"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:RecordFailure"
NOW = datetime(2024, 3, 1, 12, 0, 5, tzinfo=UTC)


def failed_description(**overrides: object) -> dict[str, object]:
    description: dict[str, object] = {
        "executionArn": EXECUTION,
        "stateMachineArn": MACHINE,
        "name": "order-shop-1",
        "status": "FAILED",
        "startDate": datetime(2024, 3, 1, 12, 0, 0, 123000, tzinfo=UTC),
        "stopDate": datetime(2024, 3, 1, 12, 0, 4, tzinfo=UTC),
        "input": '{"orderId": "1"}',
        "inputDetails": {"included": True},
        "error": "ProviderRejected",
        "cause": "ERP said no",
        "redriveCount": 0,
        "redriveStatus": "REDRIVABLE",
    }
    description.update(overrides)
    return description


def test_given_a_failed_execution_then_the_event_is_shaped_as_step_functions_sends_it():
    event = status_change_event(failed_description(), "123456789012", "us-east-1", NOW)

    assert event["source"] == "aws.states"
    assert event["detail-type"] == "Step Functions Execution Status Change"
    assert event["resources"] == [EXECUTION]
    assert event["time"] == "2024-03-01T12:00:05Z"
    assert event["account"] == "123456789012"
    assert event["region"] == "us-east-1"
    assert event["version"] == "0"
    assert event["detail"] == {
        "executionArn": EXECUTION,
        "stateMachineArn": MACHINE,
        "name": "order-shop-1",
        "status": "FAILED",
        "startDate": 1709294400123,
        "stopDate": 1709294404000,
        "input": '{"orderId": "1"}',
        "output": None,
        "inputDetails": {"included": True},
        "outputDetails": None,
        "error": "ProviderRejected",
        "cause": "ERP said no",
        "redriveCount": 0,
        "redriveDate": None,
        "redriveStatus": "REDRIVABLE",
        "redriveStatusReason": None,
    }


def test_given_a_running_execution_then_stop_date_and_output_are_null():
    description = failed_description(status="RUNNING", stopDate=None, error=None, cause=None)
    description["redriveStatus"] = "NOT_REDRIVABLE"
    description["redriveStatusReason"] = "Execution is RUNNING and cannot be redriven"

    detail = status_change_event(description, "123456789012", "us-east-1", NOW)["detail"]

    assert detail["stopDate"] is None
    assert detail["output"] is None
    assert detail["redriveStatusReason"] == "Execution is RUNNING and cannot be redriven"


def test_given_a_redriven_execution_then_redrive_count_and_date_are_carried():
    description = failed_description(
        status="RUNNING", redriveCount=1, redriveDate=datetime(2024, 3, 2, tzinfo=UTC)
    )

    detail = status_change_event(description, "123456789012", "us-east-1", NOW)["detail"]

    assert detail["redriveCount"] == 1
    assert detail["redriveDate"] == 1709337600000


def test_given_an_output_too_large_for_an_event_then_it_is_left_out():
    big = json.dumps({"blob": "x" * MAX_INCLUDED_BYTES})
    description = failed_description(status="SUCCEEDED", output=big, error=None, cause=None)

    detail = status_change_event(description, "123456789012", "us-east-1", NOW)["detail"]

    assert detail["output"] is None
    assert detail["outputDetails"] == {"included": False}


def test_given_the_engine_with_the_publisher_when_an_execution_fails_then_the_rule_fires():
    invoke = RecordingInvoke()
    clock = ScaledClock(1000)
    router = EventRouter(invoke=invoke, clock=clock)
    pattern = {
        "source": ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        "detail": {"status": ["FAILED", "TIMED_OUT", "ABORTED"]},
    }
    router.put_rule(Rule("ExecutionStopped", (Target("1", FUNCTION_ARN),), pattern))
    engine = StepFunctionsService(
        clock=clock,
        on_status_change=StatusEventPublisher(router, "123456789012", "us-east-1", clock),
    )
    definition = {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "OrderInvalid"}}}
    try:
        machine = engine.create_state_machine(
            {
                "name": "orders",
                "definition": json.dumps(definition),
                "roleArn": "arn:aws:iam::123456789012:role/r",
            }
        )["stateMachineArn"]
        execution = engine.start_execution(
            {"stateMachineArn": machine, "name": "order-1", "input": "{}"}
        )["executionArn"]
        engine.wait_for_execution(execution, 5)

        assert eventually(lambda: len(invoke.calls) == 1)
    finally:
        router.close()

    event = invoke.calls[0].payload
    assert event["resources"] == [execution]
    assert event["detail"]["status"] == "FAILED"
    assert event["detail"]["error"] == "OrderInvalid"
    assert event["detail"]["stateMachineArn"] == machine
    assert isinstance(event["detail"]["startDate"], int)
