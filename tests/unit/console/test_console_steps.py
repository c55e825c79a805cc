"""Steps from a history: entered/exited states, attempts, caught errors and the failed step."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sluice.console.steps import Outcome, timeline

START = datetime(2024, 11, 29, 8, 0, tzinfo=UTC)
DETAILS = {
    "ExecutionStarted": "executionStartedEventDetails",
    "ExecutionFailed": "executionFailedEventDetails",
    "ExecutionSucceeded": "executionSucceededEventDetails",
    "ExecutionRedriven": "executionRedrivenEventDetails",
    "ExecutionAborted": "executionAbortedEventDetails",
    "TaskFailed": "taskFailedEventDetails",
    "TaskTimedOut": "taskTimedOutEventDetails",
    "TaskSucceeded": "taskSucceededEventDetails",
    "TaskScheduled": "taskScheduledEventDetails",
    "TaskStarted": "taskStartedEventDetails",
}


def history(*specs: tuple[Any, ...]) -> list[dict[str, Any]]:
    """Events from (type, previous id, details) tuples; ids count from 1, a second apart."""
    events = []
    for number, (kind, previous, details) in enumerate(specs, start=1):
        key = DETAILS.get(kind) or ("stateEnteredEventDetails" if "Entered" in kind else None)
        key = key or ("stateExitedEventDetails" if "Exited" in kind else "details")
        events.append(
            {
                "id": number,
                "previousEventId": previous,
                "type": kind,
                "timestamp": START + timedelta(seconds=number),
                key: details,
            }
        )
    return events


def lambda_cause(message: str) -> str:
    return json.dumps({"errorMessage": message, "errorType": "X", "stackTrace": []})


def task(
    name: str, entered_id: int, outcomes: list[tuple[str, str] | None], exits: bool
) -> list[tuple[Any, ...]]:
    """A Task state's events, entered as event `entered_id`: an attempt per outcome (None:
    success), then its exit when `exits`."""
    specs: list[tuple[Any, ...]] = [("TaskStateEntered", entered_id - 1, {"name": name})]
    previous = entered_id
    for outcome in outcomes:
        specs.append(("TaskScheduled", previous, {}))
        specs.append(("TaskStarted", previous + 1, {}))
        if outcome is None:
            specs.append(("TaskSucceeded", previous + 2, {"output": "{}"}))
        else:
            error, message = outcome
            specs.append(("TaskFailed", previous + 2, {"error": error, "cause": message}))
        previous += 3
    if exits:
        specs.append(("TaskStateExited", previous, {"name": name, "output": '{"ok":true}'}))
    return specs


UNAVAILABLE = ("ProviderUnavailable", lambda_cause("erp: service unavailable (HTTP 503)"))


def failed_at_upsert() -> list[tuple[Any, ...]]:
    """Validate succeeds, UpsertCustomer fails three times and the execution fails there."""
    specs: list[tuple[Any, ...]] = [("ExecutionStarted", 0, {"input": "{}"})]
    specs += task("ValidateOrder", 2, [None], exits=True)
    specs += task("UpsertCustomer", len(specs) + 1, [UNAVAILABLE] * 3, exits=False)
    specs.append(
        ("ExecutionFailed", len(specs), {"error": UNAVAILABLE[0], "cause": UNAVAILABLE[1]})
    )
    return specs


def test_given_a_task_that_outlasted_its_retries_then_it_is_the_failed_step():
    steps = timeline(history(*failed_at_upsert()))

    assert [(s.name, s.outcome) for s in steps.steps] == [
        ("ValidateOrder", Outcome.SUCCEEDED),
        ("UpsertCustomer", Outcome.FAILED),
    ]
    failed = steps.failed_step()
    assert failed is not None and failed.name == "UpsertCustomer"
    assert failed.attempts == 3
    assert [f.error for f in failed.failures] == ["ProviderUnavailable"] * 3
    assert failed.failures[-1].cause.message == "erp: service unavailable (HTTP 503)"


def test_given_a_step_that_succeeded_after_a_retry_then_it_succeeded_with_its_failure_kept():
    specs = [("ExecutionStarted", 0, {})]
    specs += task("CreateSalesOrder", 2, [UNAVAILABLE, None], exits=True)
    specs.append(("ExecutionSucceeded", len(specs), {"output": "{}"}))

    (step,) = timeline(history(*specs)).steps

    assert (step.outcome, step.attempts, len(step.failures)) == (Outcome.SUCCEEDED, 2, 1)
    assert step.output == '{"ok":true}'


def test_given_a_caught_data_error_then_the_task_is_caught_and_the_fail_state_failed():
    invalid = ("OrderInvalid", lambda_cause("order order-shopify-7 is invalid: total 1.00"))
    specs = [("ExecutionStarted", 0, {})]
    specs += task("ValidateOrder", 2, [invalid], exits=True)
    specs.append(("FailStateEntered", len(specs), {"name": "OrderFailed", "input": "{}"}))
    specs.append(("ExecutionFailed", len(specs), {"error": "OrderInvalid", "cause": "bad"}))

    steps = timeline(history(*specs))

    assert [(s.name, s.outcome) for s in steps.steps] == [
        ("ValidateOrder", Outcome.CAUGHT),
        ("OrderFailed", Outcome.FAILED),
    ]
    fail = steps.failed_step()
    assert fail is not None and fail.state_type == "Fail"
    assert [(f.error, f.cause.message) for f in fail.failures] == [("OrderInvalid", "bad")]


def test_given_a_redriven_execution_then_the_new_run_is_numbered_and_resumes_at_the_step():
    specs = failed_at_upsert()
    redriven_id = len(specs) + 1
    specs.append(("ExecutionRedriven", len(specs), {"redriveCount": 1}))
    specs += task("UpsertCustomer", redriven_id + 1, [None], exits=True)
    specs.append(("ExecutionSucceeded", len(specs), {"output": "{}"}))

    steps = timeline(history(*specs))

    assert [(s.name, s.run, s.outcome) for s in steps.steps] == [
        ("ValidateOrder", 0, Outcome.SUCCEEDED),
        ("UpsertCustomer", 0, Outcome.FAILED),
        ("UpsertCustomer", 1, Outcome.SUCCEEDED),
    ]
    assert steps.redrives == {1: START + timedelta(seconds=redriven_id)}
    assert steps.failed_step() is None


def test_given_a_running_execution_then_the_open_step_is_running():
    specs = [("ExecutionStarted", 0, {})]
    specs += task("CreateFulfilment", 2, [], exits=False)

    (step,) = timeline(history(*specs)).steps

    assert (step.outcome, step.exited) == (Outcome.RUNNING, None)


def test_given_an_aborted_execution_then_the_open_step_is_stopped_not_failed():
    specs = [("ExecutionStarted", 0, {})]
    specs += task("CreateFulfilment", 2, [], exits=False)
    specs.append(("ExecutionAborted", len(specs), {"error": "Stopped", "cause": "by staff"}))

    steps = timeline(history(*specs))

    assert [s.outcome for s in steps.steps] == [Outcome.STOPPED]
    assert steps.failed_step() is None
