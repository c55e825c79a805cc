"""Event invocations: queued, retried after 1 and 2 minutes, then handed to on-failure."""

import itertools
import threading

from sluice.clock import ScaledClock
from sluice.lambda_runtime import AsyncInvokeConfig, LambdaRuntime
from tests.unit.lambda_runtime.support import function


class Failures:
    """Collects invocation records handed to on-failure."""

    def __init__(self):
        self.records = []
        self.arrived = threading.Event()

    def __call__(self, record):
        self.records.append(record)
        self.arrived.set()


def _runtime():
    return LambdaRuntime(clock=ScaledClock(400))


def test_given_an_event_invocation_then_it_returns_202_and_the_function_runs_later(probe):
    runtime = _runtime()
    runtime.deploy(function("echo", "echo"))

    result = runtime.invoke("echo", {"a": 1}, invocation_type="Event")

    assert result.status_code == 202
    assert runtime.wait_for_async(60)
    [record] = runtime.records("echo")
    assert (record.request_id, record.invocation_type) == (result.request_id, "Event")
    runtime.close()


def test_given_a_failing_function_then_it_runs_3_times_1_then_2_minutes_apart(probe):
    runtime = _runtime()
    failures = Failures()
    runtime.deploy(function("fail", "fail", async_config=AsyncInvokeConfig(on_failure=failures)))

    result = runtime.invoke("fail", {"message": "down"}, invocation_type="Event")

    assert failures.arrived.wait(5)
    starts = [record.start for record in runtime.records("fail")]
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(starts)]
    assert len(starts) == 3
    assert 60 <= gaps[0] < 120
    assert 120 <= gaps[1] < 240
    assert {record.request_id for record in runtime.records("fail")} == {result.request_id}
    runtime.close()


def test_given_retries_exhausted_then_on_failure_gets_lambdas_invocation_record(probe):
    runtime = _runtime()
    failures = Failures()
    config = AsyncInvokeConfig(maximum_retry_attempts=1, on_failure=failures)
    runtime.deploy(function("fail", "fail", async_config=config))

    result = runtime.invoke("fail", {"message": "down"}, invocation_type="Event")

    assert failures.arrived.wait(5)
    [record] = failures.records
    assert record["version"] == "1.0"
    assert record["requestContext"] == {
        "requestId": result.request_id,
        "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:fail:$LATEST",
        "condition": "RetriesExhausted",
        "approximateInvokeCount": 2,
    }
    assert record["requestPayload"] == {"message": "down"}
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert record["responsePayload"]["errorType"] == "ProviderThrottled"
    runtime.close()


def test_given_a_function_that_is_always_throttled_then_the_event_expires_by_age(probe):
    runtime = _runtime()
    failures = Failures()
    config = AsyncInvokeConfig(maximum_event_age_seconds=60, on_failure=failures)
    runtime.deploy(function("off", "echo", reserved_concurrency=0, async_config=config))

    runtime.invoke("off", {}, invocation_type="Event")

    assert failures.arrived.wait(5)
    [record] = failures.records
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert runtime.metrics("off").throttles >= 5
    assert runtime.records("off") == []
    runtime.close()


def test_given_a_function_that_succeeds_then_on_failure_is_never_called(probe):
    runtime = _runtime()
    failures = Failures()
    runtime.deploy(function("echo", "echo", async_config=AsyncInvokeConfig(on_failure=failures)))

    runtime.invoke("echo", {}, invocation_type="Event")

    assert runtime.wait_for_async(600)
    assert failures.records == []
    runtime.close()
