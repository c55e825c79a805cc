"""StartExecution idempotency and names, StopExecution, redrive, Parallel and inline Map."""

from __future__ import annotations

import json
import threading

import pytest

from sluice.stepfunctions.errors import (
    ExecutionAlreadyExists,
    ExecutionNotRedrivable,
    InvalidExecutionInput,
    InvalidName,
)
from sluice.stepfunctions.integrations import Integrations, LambdaFunctionError
from sluice.stepfunctions.service import StepFunctionsService

INVOKE = "arn:aws:states:::lambda:invoke"
WAITING = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": True}}}


def _task(function: str, **extra):
    return {
        "Type": "Task",
        "Resource": INVOKE,
        "OutputPath": "$.Payload",
        "Parameters": {"FunctionName": function, "Payload.$": "$"},
        **extra,
    }


def _blocking_machine(harness, lambdas):
    release = threading.Event()
    lambdas.add("block", lambda payload: release.wait(5) and payload)
    machine = harness.create({"StartAt": "T", "States": {"T": _task("block", End=True)}})
    return machine, release


def test_same_name_and_input_while_running_returns_the_same_execution(harness, lambdas):
    machine, release = _blocking_machine(harness, lambdas)
    request = {"stateMachineArn": machine, "name": "order-shop-1", "input": '{"a":1}'}
    first = harness.service.start_execution(request)
    second = harness.service.start_execution(request)
    release.set()
    assert first == second


def test_same_name_with_other_input_is_rejected(harness, lambdas):
    machine, release = _blocking_machine(harness, lambdas)
    harness.service.start_execution({"stateMachineArn": machine, "name": "n1", "input": "{}"})
    with pytest.raises(ExecutionAlreadyExists):
        harness.service.start_execution({"stateMachineArn": machine, "name": "n1", "input": "[]"})
    release.set()


def test_same_name_after_the_execution_closed_is_rejected(harness):
    machine = harness.create({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    harness.wait(harness.start(machine, name="done-1"))
    with pytest.raises(ExecutionAlreadyExists):
        harness.start(machine, name="done-1")


@pytest.mark.parametrize("name", ["order:shop:1", "a b", "x" * 81, "", "a/b"])
def test_invalid_execution_names_are_rejected(harness, name):
    machine = harness.create(WAITING)
    with pytest.raises(InvalidName):
        harness.service.start_execution({"stateMachineArn": machine, "name": name})


def test_invalid_input_json_is_rejected(harness):
    machine = harness.create(WAITING)
    with pytest.raises(InvalidExecutionInput):
        harness.service.start_execution({"stateMachineArn": machine, "input": "{nope"})


def test_stop_execution_aborts_with_error_and_cause(harness, lambdas):
    machine, release = _blocking_machine(harness, lambdas)
    execution = harness.start(machine)
    harness.service.stop_execution({"executionArn": execution, "error": "Ops", "cause": "manual"})
    release.set()
    done = harness.wait(execution)
    assert (done["status"], done["error"], done["cause"]) == ("ABORTED", "Ops", "manual")
    assert harness.types(execution)[-1] == "ExecutionAborted"


def test_parallel_runs_every_branch_and_collects_outputs_in_order(harness):
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "End": True,
                "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "a", "End": True}}},
                    {
                        "StartAt": "B",
                        "States": {
                            "B": {"Type": "Wait", "Seconds": 5, "Next": "C"},
                            "C": {"Type": "Pass", "Result": "b", "End": True},
                        },
                    },
                ],
            }
        },
    }
    execution = harness.start(harness.create(definition))
    assert json.loads(harness.wait(execution)["output"]) == ["a", "b"]
    assert "ParallelStateSucceeded" in harness.types(execution)


def test_a_failed_branch_fails_the_parallel_state(harness, failing, lambdas):
    lambdas.add("bad", failing("Broken"))
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "End": True,
                "Branches": [{"StartAt": "A", "States": {"A": _task("bad", End=True)}}],
            }
        },
    }
    execution = harness.start(harness.create(definition))
    assert harness.wait(execution)["error"] == "Broken"
    assert "ParallelStateFailed" in harness.types(execution)


def test_map_runs_each_item_with_its_index_from_the_item_selector(harness):
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrency": 2,
                "End": True,
                "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value"},
                "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
            }
        },
    }
    execution = harness.start(harness.create(definition), {"items": ["x", "y", "z"]})
    output = json.loads(harness.wait(execution)["output"])
    assert output == [{"i": 0, "v": "x"}, {"i": 1, "v": "y"}, {"i": 2, "v": "z"}]
    assert harness.types(execution).count("MapIterationSucceeded") == 3


def test_map_max_concurrency_bounds_running_iterations(harness, lambdas):
    running, peak, lock = [0], [0], threading.Lock()

    def work(payload):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        threading.Event().wait(0.01)
        with lock:
            running[0] -= 1
        return payload

    lambdas.add("work", work)
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "MaxConcurrency": 2,
                "End": True,
                "ItemProcessor": {"StartAt": "T", "States": {"T": _task("work", End=True)}},
            }
        },
    }
    assert harness.run(definition, list(range(8)))["status"] == "SUCCEEDED"
    assert peak[0] == 2


def test_jsonata_map_uses_items_and_item_selector(harness):
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "Items": "{% $states.input.xs %}",
                "End": True,
                "ItemSelector": {"double": "{% $states.context.Map.Item.Value * 2 %}"},
                "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
            }
        },
    }
    assert json.loads(harness.run(definition, {"xs": [1, 2]})["output"]) == [
        {"double": 2},
        {"double": 4},
    ]


def test_redrive_resumes_at_the_failed_state_without_rerunning_earlier_ones(harness, lambdas):
    broken = [True]
    lambdas.add("first", lambda payload: {**payload, "first": True})

    def second(payload):
        if broken[0]:
            raise LambdaFunctionError("ProviderUnavailable", "down")
        return {**payload, "second": True}

    lambdas.add("second", second)
    definition = {
        "StartAt": "One",
        "States": {"One": _task("first", Next="Two"), "Two": _task("second", End=True)},
    }
    execution = harness.start(harness.create(definition), {"id": 1})
    assert harness.wait(execution)["status"] == "FAILED"
    broken[0] = False
    harness.service.redrive_execution({"executionArn": execution})
    done = harness.wait(execution)
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["output"]) == {"id": 1, "first": True, "second": True}
    assert (lambdas.count("first"), lambdas.count("second")) == (1, 2)
    assert done["redriveCount"] == 1 and "ExecutionRedriven" in harness.types(execution)


def test_redrive_inside_a_map_reruns_only_the_failed_iterations(harness, lambdas):
    broken = {2}

    def work(payload):
        if payload in broken:
            raise LambdaFunctionError("Bad", "item")
        return payload * 10

    lambdas.add("work", work)
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "MaxConcurrency": 1,
                "End": True,
                "ItemProcessor": {"StartAt": "T", "States": {"T": _task("work", End=True)}},
            }
        },
    }
    execution = harness.start(harness.create(definition), [1, 2, 3])
    assert harness.wait(execution)["status"] == "FAILED"
    calls_before = len(lambdas.calls)
    broken.clear()
    harness.service.redrive_execution({"executionArn": execution})
    done = harness.wait(execution)
    assert json.loads(done["output"]) == [10, 20, 30]
    assert [payload for _, payload in lambdas.calls[calls_before:]] == [2, 3]


def test_a_succeeded_execution_is_not_redrivable(harness):
    machine = harness.create({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    execution = harness.start(machine)
    described = harness.wait(execution)
    assert described["redriveStatus"] == "NOT_REDRIVABLE"
    with pytest.raises(ExecutionNotRedrivable):
        harness.service.redrive_execution({"executionArn": execution})


def test_an_execution_stopped_over_14_days_ago_is_not_redrivable(harness):
    execution = harness.start(
        harness.create({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}})
    )
    harness.wait(execution)
    harness.clock.advance(15 * 86400)
    with pytest.raises(ExecutionNotRedrivable):
        harness.service.redrive_execution({"executionArn": execution})


def test_status_changes_reach_the_listener(lambdas, clock):
    seen = []
    service = StepFunctionsService(
        clock=clock,
        integrations=Integrations(lambdas.invoke),
        on_status_change=lambda d: seen.append(d["status"]),
    )
    machine = service.create_state_machine(
        {
            "name": "m",
            "roleArn": "arn:aws:iam::1:role/r",
            "definition": json.dumps(
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}
            ),
        }
    )
    execution = service.start_execution({"stateMachineArn": machine["stateMachineArn"]})
    service.wait_for_execution(execution["executionArn"], 5)
    assert seen == ["RUNNING", "FAILED"]
