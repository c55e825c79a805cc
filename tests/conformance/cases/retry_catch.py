"""Retry (every field) and Catch (ResultPath, order), which errors States.ALL does not match,
TimeoutSeconds and HeartbeatSeconds."""

from __future__ import annotations

from ..case import Case, Divergence, Expected, Resources, function_arn, queue_url
from ..lambdas import echo, fails_first, hangs, raises, returns
from ..matchers import Contains, InRange, LambdaErrorCause, Undocumented
from ..workers import goes_silent

_ERRORS = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html"
_TASK = "https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html"
_CALLBACK = (
    "https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html"
    "#connect-wait-token"
)
_QUOTAS = "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html"


def _task(retry: list | None = None, catch: list | None = None, **fields: object) -> dict:
    """A machine whose Task `Call` invokes function `work`, with an optional `Caught` state."""
    call: dict = {"Type": "Task", "Resource": function_arn("work"), "End": True, **fields}
    if retry is not None:
        call["Retry"] = retry
    if catch is not None:
        call["Catch"] = catch
    return {
        "StartAt": "Call",
        "States": {
            "Call": call,
            "Caught": {"Type": "Pass", "End": True},
        },
    }


def _flaky(times: int, error: str = "ProviderUnavailable") -> dict:
    """The function `work`, failing its first `times` calls with `error`."""
    return {"work": fails_first(times, error, "try later", echo())}


def _failed(error: str, message: str, **fields: object) -> Expected:
    """The run FAILED with the function's `error` and its `message` as the cause."""
    return Expected(status="FAILED", error=error, cause=LambdaErrorCause(error, message), **fields)


def _caught(error: str, message: str) -> dict:
    """The error output a Catch passes on for the function's `error` and `message`."""
    return {"Error": error, "Cause": LambdaErrorCause(error, message)}


CASES = (
    Case(
        name="retry_defaults_then_success",
        doc=_ERRORS,
        definition=_task(retry=[{"ErrorEquals": ["ProviderUnavailable"]}]),
        input={"id": 1},
        lambdas=_flaky(3),
        expected=Expected(output={"id": 1}, calls={"work": 4}, waited_seconds=1 + 2 + 4),
    ),
    Case(
        name="retry_exhausted_fails_with_the_function_error",
        doc=_ERRORS,
        definition=_task(
            retry=[{"ErrorEquals": ["ProviderUnavailable"], "IntervalSeconds": 3, "MaxAttempts": 2}]
        ),
        lambdas=_flaky(5),
        expected=_failed(
            "ProviderUnavailable", "try later", calls={"work": 3}, waited_seconds=3 + 6
        ),
    ),
    Case(
        name="retry_backoff_rate_capped_by_max_delay_seconds",
        doc=_ERRORS,
        definition=_task(
            retry=[
                {
                    "ErrorEquals": ["ProviderUnavailable"],
                    "IntervalSeconds": 2,
                    "BackoffRate": 3,
                    "MaxDelaySeconds": 10,
                    "MaxAttempts": 4,
                    "JitterStrategy": "NONE",
                }
            ]
        ),
        input={"id": 2},
        lambdas=_flaky(4),
        expected=Expected(output={"id": 2}, calls={"work": 5}, waited_seconds=2 + 6 + 10 + 10),
    ),
    Case(
        name="retry_jitter_full_waits_at_most_the_backoff",
        doc=_ERRORS,
        definition=_task(
            retry=[
                {
                    "ErrorEquals": ["ProviderUnavailable"],
                    "IntervalSeconds": 4,
                    "MaxAttempts": 3,
                    "JitterStrategy": "FULL",
                }
            ]
        ),
        input={"id": 3},
        lambdas=_flaky(3),
        expected=Expected(
            output={"id": 3}, calls={"work": 4}, waited_seconds=InRange(0, 4 + 8 + 16)
        ),
    ),
    Case(
        name="retry_max_attempts_zero_never_retries",
        doc=_ERRORS,
        definition=_task(retry=[{"ErrorEquals": ["ProviderUnavailable"], "MaxAttempts": 0}]),
        lambdas=_flaky(1),
        expected=_failed("ProviderUnavailable", "try later", calls={"work": 1}, waited_seconds=0),
    ),
    Case(
        name="retry_first_matching_retrier_applies",
        doc=_ERRORS,
        definition=_task(
            retry=[
                {"ErrorEquals": ["ProviderThrottled"], "MaxAttempts": 5},
                {"ErrorEquals": ["ProviderUnavailable"], "MaxAttempts": 1, "IntervalSeconds": 7},
                {"ErrorEquals": ["States.ALL"], "MaxAttempts": 9},
            ]
        ),
        lambdas=_flaky(3),
        expected=_failed("ProviderUnavailable", "try later", calls={"work": 2}, waited_seconds=7),
    ),
    Case(
        name="retry_states_task_failed_matches_function_errors",
        doc=_ERRORS,
        definition=_task(retry=[{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2}]),
        input={"id": 4},
        lambdas=_flaky(1, "SomethingOdd"),
        expected=Expected(output={"id": 4}, calls={"work": 2}, waited_seconds=2),
    ),
    Case(
        name="catch_default_result_path_replaces_input_with_error",
        doc=_ERRORS,
        definition=_task(catch=[{"ErrorEquals": ["ProviderRejected"], "Next": "Caught"}]),
        input={"id": 5},
        lambdas={"work": raises("ProviderRejected", "bad sku")},
        expected=Expected(output=_caught("ProviderRejected", "bad sku")),
    ),
    Case(
        name="catch_result_path_keeps_input",
        doc=_ERRORS,
        definition=_task(
            catch=[{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}]
        ),
        input={"id": 6},
        lambdas={"work": raises("ProviderRejected", "bad sku")},
        expected=Expected(
            output={
                "id": 6,
                "error": _caught("ProviderRejected", "bad sku"),
            }
        ),
    ),
    Case(
        name="catch_after_retries_are_exhausted",
        doc=_ERRORS,
        definition=_task(
            retry=[{"ErrorEquals": ["ProviderUnavailable"], "MaxAttempts": 2}],
            catch=[
                {"ErrorEquals": ["ProviderRejected"], "ResultPath": "$.wrong", "Next": "Caught"},
                {"ErrorEquals": ["ProviderUnavailable"], "ResultPath": "$.err", "Next": "Caught"},
            ],
        ),
        input={"id": 7},
        lambdas=_flaky(9),
        expected=Expected(
            output={
                "id": 7,
                "err": _caught("ProviderUnavailable", "try later"),
            },
            calls={"work": 3},
            waited_seconds=1 + 2,
        ),
    ),
    Case(
        name="uncaught_error_not_in_error_equals_fails",
        doc=_ERRORS,
        definition=_task(
            retry=[{"ErrorEquals": ["ProviderUnavailable"]}],
            catch=[{"ErrorEquals": ["ProviderRejected"], "Next": "Caught"}],
        ),
        lambdas={"work": raises("OrderInvalid", "no lines")},
        expected=_failed("OrderInvalid", "no lines", calls={"work": 1}),
    ),
    Case(
        name="states_all_does_not_catch_states_runtime",
        doc=_ERRORS,
        definition={
            "StartAt": "Call",
            "States": {
                "Call": {
                    "Type": "Task",
                    "Resource": function_arn("work"),
                    "Parameters": {"id.$": "$.missing"},
                    "Retry": [{"ErrorEquals": ["States.ALL"]}],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                    "End": True,
                },
                "Caught": {"Type": "Pass", "End": True},
            },
        },
        input={"id": 8},
        lambdas={"work": echo()},
        expected=Expected(
            status="FAILED",
            error="States.Runtime",
            cause=Contains("$.missing"),
            calls={"work": 0},
        ),
        divergence=Divergence(
            reason=(
                "moto's parser names a Task's Parameters path failure 'Exception' (not "
                "States.Runtime), so States.ALL retries and catches it"
            ),
            doc=_ERRORS,
            moto=Expected(
                output={
                    "Error": "Exception",
                    "Cause": Contains("The JSONPath '$.missing' could not be found in the input"),
                },
                calls={"work": 0},
            ),
        ),
    ),
    Case(
        name="states_all_does_not_catch_states_data_limit_exceeded",
        doc=_ERRORS + "#error-data-limit-exceed",
        definition=_task(catch=[{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]),
        lambdas={"work": returns("x" * 300_000)},
        expected=Expected(status="FAILED", error="States.DataLimitExceeded", cause=Undocumented()),
        divergence=Divergence(
            reason="moto's parser lets States.ALL catch States.DataLimitExceeded",
            doc=_ERRORS + "#error-data-limit-exceed",
            moto=Expected(
                output={
                    "Error": "States.DataLimitExceeded",
                    "Cause": Contains("exceeding the maximum number of bytes service limit"),
                }
            ),
        ),
    ),
    Case(
        name="task_timeout_seconds_fails_states_timeout",
        doc=_TASK,
        definition=_task(TimeoutSeconds=1),
        lambdas={"work": hangs(5)},
        expected=Expected(status="FAILED", error="States.Timeout", cause=Undocumented()),
    ),
    Case(
        name="task_timeout_seconds_path_caught_by_states_all",
        doc=_TASK,
        definition={
            "StartAt": "Call",
            "States": {
                "Call": {
                    "Type": "Task",
                    "Resource": function_arn("work"),
                    "TimeoutSecondsPath": "$.timeout",
                    "Catch": [
                        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Caught"}
                    ],
                    "End": True,
                },
                "Caught": {
                    "Type": "Pass",
                    "Parameters": {"timeout.$": "$.timeout", "error.$": "$.err.Error"},
                    "End": True,
                },
            },
        },
        input={"timeout": 1},
        lambdas={"work": hangs(5)},
        expected=Expected(output={"timeout": 1, "error": "States.Timeout"}),
    ),
    Case(
        name="heartbeat_seconds_without_heartbeat_fails_heartbeat_timeout",
        doc=_CALLBACK,
        definition={
            "StartAt": "Request",
            "States": {
                "Request": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {
                        "QueueUrl": queue_url("requests"),
                        "MessageBody": {"taskToken.$": "$$.Task.Token"},
                    },
                    "HeartbeatSeconds": 1,
                    "End": True,
                }
            },
        },
        resources=Resources(queues=("requests",)),
        worker=goes_silent("requests", 5),
        expected=Expected(status="FAILED", error="States.HeartbeatTimeout", cause=Undocumented()),
        divergence=Divergence(
            reason="moto's parser reports a missed heartbeat as States.Timeout",
            doc=_CALLBACK,
            moto=Expected(status="FAILED", error="States.Timeout", cause=None),
        ),
    ),
)
