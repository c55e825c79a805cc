"""Retry (backoff, caps, jitter), Catch, States.ALL exclusions, timeouts and heartbeats."""

from __future__ import annotations

import itertools
import json
import random
import threading

from sluice.stepfunctions.runtime.retry import backoff_delay, choose_retry, error_matches

INVOKE = "arn:aws:states:::lambda:invoke"


def _task(function: str, **extra):
    return {
        "Type": "Task",
        "Resource": INVOKE,
        "Parameters": {"FunctionName": function, "Payload.$": "$"},
        **extra,
    }


def test_backoff_grows_by_the_rate_and_stops_at_max_delay():
    retrier = {"ErrorEquals": ["E"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxDelaySeconds": 20}
    delays = [backoff_delay(retrier, attempt, random.Random(1)) for attempt in range(4)]
    assert delays == [2.0, 6.0, 18.0, 20.0]


def test_full_jitter_picks_between_zero_and_the_delay_from_the_seeded_random():
    retrier = {"ErrorEquals": ["E"], "IntervalSeconds": 10, "JitterStrategy": "FULL"}
    expected = random.Random(3).uniform(0, 20.0)
    assert backoff_delay(retrier, 1, random.Random(3)) == expected


def test_defaults_are_one_second_rate_two_and_three_attempts():
    retriers = [{"ErrorEquals": ["E"]}]
    assert choose_retry(retriers, "E", [0], random.Random()).delay_seconds == 1.0
    assert choose_retry(retriers, "E", [2], random.Random()).delay_seconds == 4.0
    assert choose_retry(retriers, "E", [3], random.Random()) is None


def test_max_attempts_zero_never_retries():
    assert (
        choose_retry([{"ErrorEquals": ["E"], "MaxAttempts": 0}], "E", [0], random.Random()) is None
    )


def test_first_matching_retrier_decides_even_when_exhausted():
    retriers = [{"ErrorEquals": ["E"], "MaxAttempts": 1}, {"ErrorEquals": ["States.ALL"]}]
    assert choose_retry(retriers, "E", [1, 0], random.Random()) is None


def test_states_all_does_not_match_runtime_or_data_limit_errors():
    assert error_matches(["States.ALL"], "Custom")
    assert not error_matches(["States.ALL"], "States.Runtime")
    assert not error_matches(["States.ALL"], "States.DataLimitExceeded")


def test_task_failed_matches_task_errors_but_not_timeouts():
    assert error_matches(["States.TaskFailed"], "Lambda.ServiceException")
    assert not error_matches(["States.TaskFailed"], "States.Timeout")


def test_retry_waits_on_the_virtual_clock_and_then_succeeds(harness, lambdas, failing):
    attempts = []

    def flaky(payload):
        attempts.append(harness.clock.monotonic())
        if len(attempts) < 3:
            raise failing("ProviderUnavailable")(payload)
        return "ok"

    lambdas.add("flaky", flaky)
    definition = {
        "StartAt": "T",
        "States": {
            "T": _task(
                "flaky",
                End=True,
                Retry=[
                    {"ErrorEquals": ["ProviderUnavailable"], "IntervalSeconds": 5, "BackoffRate": 2}
                ],
            )
        },
    }
    done = harness.run(definition)
    assert done["status"] == "SUCCEEDED"
    assert [b - a for a, b in itertools.pairwise(attempts)] == [5.0, 10.0]


def test_catch_default_result_path_replaces_the_input_with_the_error(harness, lambdas, failing):
    lambdas.add("bad", failing("ProviderRejected", "no"))
    definition = {
        "StartAt": "T",
        "States": {
            "T": _task(
                "bad", Next="Ok", Catch=[{"ErrorEquals": ["ProviderRejected"], "Next": "Caught"}]
            ),
            "Ok": {"Type": "Succeed"},
            "Caught": {"Type": "Pass", "End": True},
        },
    }
    output = json.loads(harness.run(definition, {"keep": 1})["output"])
    assert output["Error"] == "ProviderRejected"
    assert json.loads(output["Cause"])["errorMessage"] == "no"
    assert "keep" not in output


def test_catch_result_path_keeps_the_input(harness, lambdas, failing):
    lambdas.add("bad", failing("ProviderRejected"))
    definition = {
        "StartAt": "T",
        "States": {
            "T": _task(
                "bad",
                End=True,
                Catch=[{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}],
            ),
            "Caught": {"Type": "Pass", "End": True},
        },
    }
    output = json.loads(harness.run(definition, {"keep": 1})["output"])
    assert output["keep"] == 1 and output["error"]["Error"] == "ProviderRejected"


def test_jsonata_catch_output_and_assign_see_the_error_output(harness, lambdas, failing):
    lambdas.add("bad", failing("ProviderRejected"))
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": INVOKE,
                "Arguments": {"FunctionName": "bad"},
                "End": True,
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Next": "Caught",
                        "Assign": {"err": "{% $states.errorOutput.Error %}"},
                        "Output": {"e": "{% $states.errorOutput.Error %}"},
                    }
                ],
            },
            "Caught": {
                "Type": "Pass",
                "Output": {"e": "{% $states.input.e %}", "v": "{% $err %}"},
                "End": True,
            },
        },
    }
    output = json.loads(harness.run(definition)["output"])
    assert output == {"e": "ProviderRejected", "v": "ProviderRejected"}


def test_uncaught_task_error_fails_the_execution_with_task_failed_event(harness, lambdas, failing):
    lambdas.add("bad", failing("Boom"))
    definition = {"StartAt": "T", "States": {"T": _task("bad", End=True)}}
    execution = harness.start(harness.create(definition))
    done = harness.wait(execution)
    assert (done["status"], done["error"]) == ("FAILED", "Boom")
    assert harness.types(execution)[-2:] == ["TaskFailed", "ExecutionFailed"]


def test_task_timeout_fails_with_states_timeout(harness, lambdas, failing):
    release = threading.Event()
    lambdas.add("slow", lambda payload: release.wait(5) and "late")
    definition = {"StartAt": "T", "States": {"T": _task("slow", End=True, TimeoutSeconds=30)}}
    execution = harness.start(harness.create(definition))
    while "TaskStarted" not in harness.types(execution):
        threading.Event().wait(0.001)
    harness.clock.advance(31)
    done = harness.wait(execution)
    release.set()
    assert (done["status"], done["error"]) == ("FAILED", "States.Timeout")
    assert "TaskTimedOut" in harness.types(execution)


def test_execution_timeout_closes_as_timed_out(harness):
    definition = {
        "TimeoutSeconds": 60,
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}},
    }
    execution = harness.start(harness.create(definition))
    done = harness.wait(execution)
    assert done["status"] == "TIMED_OUT"
    assert harness.types(execution)[-1] == "ExecutionTimedOut"
