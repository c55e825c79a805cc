"""Parallel states: branch outputs in order, failures, Catch and Retry on the whole state."""

from __future__ import annotations

from ..case import Case, Expected, function_arn
from ..lambdas import computes, fails_first, raises
from ..matchers import LambdaErrorCause

_PARALLEL = "https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html"


def _branch(name: str, state: dict) -> dict:
    """A one-state branch (state names are unique across the whole machine, branches included)."""
    terminal = state["Type"] in ("Fail", "Succeed")
    return {"StartAt": name, "States": {name: state if terminal else {**state, "End": True}}}


def _parallel(*branches: dict, then: dict | None = None, **fields: object) -> dict:
    """A machine whose Parallel state `Both` runs `branches`; `then` adds states after it."""
    both = {"Type": "Parallel", "Branches": list(branches), **fields, "End": True}
    return {"StartAt": "Both", "States": {"Both": both, **(then or {})}}


CASES = (
    Case(
        name="parallel_outputs_in_branch_order",
        doc=_PARALLEL,
        definition=_parallel(
            _branch("Double", {"Type": "Task", "Resource": function_arn("double")}),
            _branch("Name", {"Type": "Pass", "InputPath": "$.name"}),
            _branch("Hold", {"Type": "Wait", "Seconds": 3}),
            ResultSelector={"doubled.$": "$[0]", "name.$": "$[1]", "waited.$": "$[2]"},
            ResultPath="$.results",
        ),
        input={"n": 21, "name": "x"},
        lambdas={"double": computes(lambda event: event["n"] * 2)},
        expected=Expected(
            output={
                "n": 21,
                "name": "x",
                "results": {"doubled": 42, "name": "x", "waited": {"n": 21, "name": "x"}},
            },
            waited_seconds=3,
        ),
    ),
    Case(
        name="parallel_branch_failure_fails_the_state_with_its_error",
        doc=_PARALLEL,
        definition=_parallel(
            _branch("Fine", {"Type": "Pass"}),
            _branch("Reject", {"Type": "Task", "Resource": function_arn("reject")}),
        ),
        lambdas={"reject": raises("ProviderRejected", "no")},
        expected=Expected(
            status="FAILED",
            error="ProviderRejected",
            cause=LambdaErrorCause("ProviderRejected", "no"),
        ),
    ),
    Case(
        name="parallel_branch_fail_state_caught_on_parallel",
        doc=_PARALLEL,
        definition=_parallel(
            _branch("Fine", {"Type": "Pass"}),
            _branch("Break", {"Type": "Fail", "Error": "BranchBroke", "Cause": "by design"}),
            Catch=[{"ErrorEquals": ["BranchBroke"], "ResultPath": "$.err", "Next": "Caught"}],
            then={"Caught": {"Type": "Pass", "End": True}},
        ),
        input={"id": 1},
        expected=Expected(output={"id": 1, "err": {"Error": "BranchBroke", "Cause": "by design"}}),
    ),
    Case(
        name="parallel_retry_reruns_every_branch",
        doc=_PARALLEL,
        definition=_parallel(
            _branch("Steady", {"Type": "Task", "Resource": function_arn("steady")}),
            _branch("Flaky", {"Type": "Task", "Resource": function_arn("flaky")}),
            Retry=[{"ErrorEquals": ["ProviderUnavailable"], "IntervalSeconds": 5}],
        ),
        input={"v": 1},
        lambdas={
            "steady": computes(lambda event: "steady"),
            "flaky": fails_first(1, "ProviderUnavailable", "later", computes(lambda e: "flaky")),
        },
        expected=Expected(
            output=["steady", "flaky"], calls={"steady": 2, "flaky": 2}, waited_seconds=5
        ),
    ),
)
