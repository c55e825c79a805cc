"""Task tokens: SendTaskSuccess/Failure/Heartbeat and heartbeat timeouts."""

from __future__ import annotations

import json
import threading

import pytest

from sluice.stepfunctions.errors import InvalidToken, TaskDoesNotExist, TaskTimedOut

WAIT = "arn:aws:states:::lambda:invoke.waitForTaskToken"


def _callback_machine(harness, lambdas, **extra):
    tokens = []
    submitted = threading.Event()

    def worker(payload):
        tokens.append(payload["token"])
        submitted.set()
        return {"accepted": True}

    lambdas.add("worker", worker)
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": WAIT,
                "End": True,
                "Parameters": {"FunctionName": "worker", "Payload": {"token.$": "$$.Task.Token"}},
                **extra,
            }
        },
    }
    execution = harness.start(harness.create(definition))
    assert submitted.wait(5)
    while "TaskSubmitted" not in harness.types(execution):
        threading.Event().wait(0.001)
    return execution, tokens[0]


def test_send_task_success_resumes_the_state_with_the_output(harness, lambdas):
    execution, token = _callback_machine(harness, lambdas)
    harness.service.send_task_success({"taskToken": token, "output": json.dumps({"id": 7})})
    done = harness.wait(execution)
    assert json.loads(done["output"]) == {"id": 7}
    assert harness.types(execution)[-4:] == [
        "TaskSubmitted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]


def test_send_task_failure_fails_the_state(harness, lambdas):
    execution, token = _callback_machine(harness, lambdas)
    harness.service.send_task_failure({"taskToken": token, "error": "Rejected", "cause": "bad"})
    done = harness.wait(execution)
    assert (done["error"], done["cause"]) == ("Rejected", "bad")


def test_a_used_token_no_longer_exists(harness, lambdas):
    execution, token = _callback_machine(harness, lambdas)
    harness.service.send_task_success({"taskToken": token, "output": "{}"})
    harness.wait(execution)
    with pytest.raises(TaskDoesNotExist):
        harness.service.send_task_success({"taskToken": token, "output": "{}"})


def test_an_unknown_token_is_invalid(harness):
    with pytest.raises(InvalidToken):
        harness.service.send_task_heartbeat({"taskToken": "nope"})


def test_missed_heartbeat_fails_with_heartbeat_timeout(harness, lambdas):
    execution, token = _callback_machine(harness, lambdas, HeartbeatSeconds=10, TimeoutSeconds=100)
    harness.clock.advance(11)
    done = harness.wait(execution)
    assert done["error"] == "States.HeartbeatTimeout"
    assert "TaskTimedOut" in harness.types(execution)
    with pytest.raises(TaskTimedOut):
        harness.service.send_task_success({"taskToken": token, "output": "{}"})


def test_heartbeats_keep_the_task_alive(harness, lambdas):
    execution, token = _callback_machine(harness, lambdas, HeartbeatSeconds=10, TimeoutSeconds=100)
    for _ in range(3):
        harness.clock.advance(6)
        harness.service.send_task_heartbeat({"taskToken": token})
    harness.service.send_task_success({"taskToken": token, "output": "1"})
    assert harness.wait(execution)["status"] == "SUCCEEDED"
