"""The 256 KiB data limit: execution input, task payloads and results, state input."""

from __future__ import annotations

import json

import pytest

from sluice.stepfunctions.errors import ValidationException

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:work"
# Half the limit: one copy fits, two copies in one payload do not.
HALF_LIMIT = "x" * (128 * 1024 + 1)


def _task(**fields: object) -> dict:
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": FUNCTION, **fields}}}


def test_an_execution_input_over_256_kib_is_refused(harness):
    """GIVEN an input of 256 KiB + 1 byte WHEN starting THEN StartExecution refuses it."""
    machine = harness.create({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})

    with pytest.raises(ValidationException, match="262144"):
        harness.service.start_execution(
            {"stateMachineArn": machine, "input": json.dumps("y" * (256 * 1024 - 1))}
        )


def test_a_task_result_over_256_kib_fails_the_task(harness, lambdas):
    """GIVEN a Lambda returning more than 256 KiB WHEN it returns THEN the task fails with
    States.DataLimitExceeded, recorded as the function's failure."""
    lambdas.add("work", lambda payload: HALF_LIMIT + HALF_LIMIT)
    done = harness.run(_task(End=True))

    assert (done["status"], done["error"]) == ("FAILED", "States.DataLimitExceeded")
    events = harness.history(done["executionArn"])
    failed = [e for e in events if e["type"] == "LambdaFunctionFailed"]
    assert failed[0]["lambdaFunctionFailedEventDetails"]["error"] == "States.DataLimitExceeded"


def test_task_parameters_over_256_kib_are_never_sent(harness, lambdas):
    """GIVEN Parameters that double a 128 KiB input WHEN the task runs THEN it fails with
    States.DataLimitExceeded before calling the function."""
    lambdas.add("work", lambda payload: "done")
    definition = _task(Parameters={"a.$": "$.s", "b.$": "$.s"}, End=True)
    done = harness.run(definition, {"s": HALF_LIMIT})

    assert done["error"] == "States.DataLimitExceeded"
    assert lambdas.count("work") == 0


def test_an_iteration_input_over_256_kib_fails_the_map(harness):
    """GIVEN an ItemSelector that doubles a 128 KiB string WHEN the iteration is entered THEN
    the Map fails with States.DataLimitExceeded."""
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {"a.$": "$.s", "b.$": "$.s"},
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                "End": True,
            }
        },
    }
    done = harness.run(definition, {"items": [1], "s": HALF_LIMIT})

    assert (done["status"], done["error"]) == ("FAILED", "States.DataLimitExceeded")
