"""StopExecution records the abort events of the states still running, innermost first."""

from __future__ import annotations

import json
import threading
from typing import Any

from sluice.clock import RealClock
from sluice.stepfunctions.integrations import Integrations, LambdaFunctionError
from sluice.stepfunctions.service import StepFunctionsService

from .conftest import ROLE, FakeLambdas, Harness

WAIT_SECONDS = 5.0
POLL_SECONDS = 0.005


class _Blocker:
    """A Lambda that reports it was called and blocks until released."""

    def __init__(self) -> None:
        self.called = threading.Event()
        self.release = threading.Event()

    def __call__(self, payload: Any) -> Any:
        self.called.set()
        self.release.wait(WAIT_SECONDS)
        return payload


def _task(function: str = "block") -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": f"arn:aws:lambda:us-east-1:123456789012:function:{function}",
    }


def _stop_while_blocked(harness: Harness, lambdas: FakeLambdas, definition: dict) -> list[str]:
    """Run `definition` until the blocking Lambda is called, stop it, return its event types."""
    blocker = _Blocker()
    lambdas.add("block", blocker)
    execution = harness.start(harness.create(definition))
    assert blocker.called.wait(WAIT_SECONDS)
    harness.service.stop_execution({"executionArn": execution})
    blocker.release.set()
    assert harness.wait(execution)["status"] == "ABORTED"
    return harness.types(execution)


def test_a_running_task_records_task_state_aborted_before_execution_aborted(harness, lambdas):
    """GIVEN a Task waiting on its Lambda WHEN the execution is stopped THEN the history ends
    with TaskStateAborted then ExecutionAborted."""
    definition = {"StartAt": "T", "States": {"T": {**_task(), "End": True}}}

    types = _stop_while_blocked(harness, lambdas, definition)

    assert types[-2:] == ["TaskStateAborted", "ExecutionAborted"]


def test_a_stopped_parallel_records_its_branch_state_then_itself(harness, lambdas):
    """GIVEN a Parallel whose branch Task is running WHEN stopped THEN TaskStateAborted,
    ParallelStateAborted and ExecutionAborted close the history, in that order."""
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "End": True,
                "Branches": [{"StartAt": "T", "States": {"T": {**_task(), "End": True}}}],
            }
        },
    }

    types = _stop_while_blocked(harness, lambdas, definition)

    assert types[-3:] == ["TaskStateAborted", "ParallelStateAborted", "ExecutionAborted"]


def test_a_stopped_inline_map_records_its_iteration_then_itself(harness, lambdas):
    """GIVEN an inline Map whose only iteration runs a Task WHEN stopped THEN the Task, the
    iteration and the Map are recorded as aborted before the execution."""
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "End": True,
                "ItemProcessor": {"StartAt": "T", "States": {"T": {**_task(), "End": True}}},
            }
        },
    }
    blocker = _Blocker()
    lambdas.add("block", blocker)
    execution = harness.start(harness.create(definition), [1])
    assert blocker.called.wait(WAIT_SECONDS)
    harness.service.stop_execution({"executionArn": execution})
    blocker.release.set()
    harness.wait(execution)

    events = harness.history(execution)
    assert [event["type"] for event in events[-4:]] == [
        "TaskStateAborted",
        "MapIterationAborted",
        "MapStateAborted",
        "ExecutionAborted",
    ]
    assert events[-3]["mapIterationAbortedEventDetails"] == {"name": "M", "index": 0}


def test_a_failed_branch_aborts_the_state_running_in_its_sibling(harness, lambdas):
    """GIVEN a Parallel whose second branch fails while the first waits on a Lambda (with a
    timeout, so the wait can be cut short) WHEN it fails THEN the first branch's Task is
    recorded as aborted before ParallelStateFailed."""
    blocker = _Blocker()
    lambdas.add("block", blocker)

    def fail_once_blocked(payload: Any) -> Any:
        assert blocker.called.wait(WAIT_SECONDS)
        raise LambdaFunctionError("Broken", "boom")

    lambdas.add("fail", fail_once_blocked)
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "End": True,
                "Branches": [
                    {
                        "StartAt": "A",
                        "States": {"A": {**_task(), "TimeoutSeconds": 100, "End": True}},
                    },
                    {"StartAt": "B", "States": {"B": {**_task("fail"), "End": True}}},
                ],
            }
        },
    }
    execution = harness.start(harness.create(definition))
    done = harness.wait(execution)
    blocker.release.set()

    types = harness.types(execution)
    assert done["status"] == "FAILED"
    assert types.index("TaskStateAborted") < types.index("ParallelStateFailed")


def test_a_stopped_wait_state_records_wait_state_aborted():
    """GIVEN a 1000 s Wait on the real clock WHEN the execution is stopped THEN it wakes at once
    and records WaitStateAborted then ExecutionAborted."""
    service = StepFunctionsService(clock=RealClock(), integrations=Integrations())
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1000, "End": True}}}
    machine = service.create_state_machine(
        {"name": "waits", "definition": json.dumps(definition), "roleArn": ROLE}
    )["stateMachineArn"]
    execution = service.start_execution({"stateMachineArn": machine})["executionArn"]
    _await_event(service, execution, "WaitStateEntered")

    service.stop_execution({"executionArn": execution})

    events = service.get_execution_history({"executionArn": execution})["events"]
    assert [event["type"] for event in events[-2:]] == ["WaitStateAborted", "ExecutionAborted"]


def _await_event(service: StepFunctionsService, execution: str, event_type: str) -> None:
    """Wait (bounded) until the execution's history has an event of `event_type`."""
    polled = threading.Event()
    for _ in range(int(WAIT_SECONDS / POLL_SECONDS)):
        events = service.get_execution_history({"executionArn": execution})["events"]
        if any(event["type"] == event_type for event in events):
            return
        polled.wait(POLL_SECONDS)
    raise AssertionError(f"no {event_type} in {execution}")
