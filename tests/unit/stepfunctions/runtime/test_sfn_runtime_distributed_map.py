"""Distributed Map runs: item count, tolerated failures and their output, early failure, abort."""

from __future__ import annotations

import json
import threading
from typing import Any

from sluice.stepfunctions.integrations import LambdaFunctionError

WAIT_SECONDS = 5.0
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:process"


def _distributed(**fields: Any) -> dict[str, Any]:
    """A machine whose distributed Map calls `process` on every item of `$.skus`."""
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.skus",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Item",
                    "States": {"Item": {"Type": "Task", "Resource": FUNCTION, "End": True}},
                },
                **fields,
                "End": True,
            }
        },
    }


def _process(sku: str) -> str:
    if sku.startswith("bad"):
        raise LambdaFunctionError("ProviderRejected", f"{sku} was rejected")
    return sku.upper()


def test_map_state_started_reports_the_number_of_items(harness, lambdas):
    """GIVEN three items WHEN the distributed Map starts THEN MapStateStarted has length 3."""
    lambdas.add("process", _process)
    execution = harness.start(harness.create(_distributed()), {"skus": ["a", "b", "c"]})
    harness.wait(execution)

    started = [e for e in harness.history(execution) if e["type"] == "MapStateStarted"]
    assert started[0]["mapStateStartedEventDetails"] == {"length": 3}


def test_a_tolerated_failure_appears_in_the_output_as_its_execution_result(harness, lambdas):
    """GIVEN one tolerated failure WHEN the Map succeeds THEN the failed item's place holds the
    child's result: status, error, cause, input and ARN in ResultWriter's NONE shape."""
    lambdas.add("process", _process)
    machine = harness.create(_distributed(ToleratedFailureCount=1))
    done = harness.wait(harness.start(machine, {"skus": ["ok", "bad-1"]}))

    output = json.loads(done["output"])
    assert done["status"] == "SUCCEEDED"
    assert output[0] == "OK"
    failed = output[1]
    assert (failed["Status"], failed["Error"], failed["Cause"]) == (
        "FAILED",
        "ProviderRejected",
        '{"errorMessage":"bad-1 was rejected","errorType":"ProviderRejected","stackTrace":[]}',
    )
    assert failed["Input"] == '"bad-1"'
    assert failed["ExecutionArn"].startswith("arn:aws:states:us-east-1:123456789012:execution:")
    assert failed["InputDetails"] == {"Included": True}
    assert failed["StopDate"].endswith("Z")


def test_the_map_run_fails_at_the_first_failure_past_the_default_threshold(harness, lambdas):
    """GIVEN no tolerance and one item at a time WHEN the first item fails THEN the map run
    fails at once and the other items never run."""
    lambdas.add("process", _process)
    machine = harness.create(_distributed(MaxConcurrency=1))
    done = harness.wait(harness.start(machine, {"skus": ["bad-1", "ok-1", "ok-2"]}))

    assert done["error"] == "States.ExceedToleratedFailureThreshold"
    assert lambdas.count("process") == 1


def test_the_map_run_fails_once_the_failed_percentage_of_all_items_is_exceeded(harness, lambdas):
    """GIVEN 30 % tolerated over five items run one at a time WHEN the second item fails
    (40 % of all items) THEN the map run fails without running the last three."""
    lambdas.add("process", _process)
    machine = harness.create(_distributed(MaxConcurrency=1, ToleratedFailurePercentage=30))
    items = ["bad-1", "bad-2", "ok-1", "ok-2", "ok-3"]
    done = harness.wait(harness.start(machine, {"skus": items}))

    assert done["error"] == "States.ExceedToleratedFailureThreshold"
    assert lambdas.count("process") == 2


def test_stopping_the_parent_aborts_the_map_run_and_its_children(harness, lambdas):
    """GIVEN a child execution blocked in its Lambda WHEN the parent is stopped THEN the
    history ends with MapRunAborted, MapStateAborted and ExecutionAborted, and the map run
    and the child are ABORTED."""
    called, release = threading.Event(), threading.Event()

    def block(sku: str) -> str:
        called.set()
        release.wait(WAIT_SECONDS)
        return sku

    lambdas.add("process", block)
    execution = harness.start(harness.create(_distributed()), {"skus": ["a"]})
    assert called.wait(WAIT_SECONDS)
    harness.service.stop_execution({"executionArn": execution})
    release.set()
    harness.wait(execution)

    assert harness.types(execution)[-3:] == ["MapRunAborted", "MapStateAborted", "ExecutionAborted"]
    map_run = harness.service.list_map_runs({"executionArn": execution})["mapRuns"][0]
    child = _await_closed_child(harness, map_run["mapRunArn"])
    assert child["status"] == "ABORTED"
    run = harness.service.describe_map_run({"mapRunArn": map_run["mapRunArn"]})
    assert run["status"] == "ABORTED"


def _await_closed_child(harness: Any, map_run_arn: str) -> dict[str, Any]:
    """Wait (bounded) for the map run's only child to close; return it from ListExecutions."""
    polled = threading.Event()
    for _ in range(1000):
        children = harness.service.list_executions({"mapRunArn": map_run_arn})["executions"]
        if children and children[0]["status"] != "RUNNING":
            return children[0]
        polled.wait(WAIT_SECONDS / 1000)
    raise AssertionError("the child execution never closed")
