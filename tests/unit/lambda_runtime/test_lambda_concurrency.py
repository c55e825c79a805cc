"""Reserved and account concurrency: throttles, never more instances than allowed."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sluice.clock import RealClock
from sluice.lambda_runtime import LambdaRuntime, TooManyRequestsException
from tests.unit.lambda_runtime.support import eventually, function

BURST = 40


def _invoke_all(runtime, name, count, payload):
    """Invoke `name` `count` times at once; return the results and the throttles."""
    start = threading.Barrier(count, timeout=5)

    def one(_):
        start.wait()
        try:
            return runtime.invoke(name, payload)
        except TooManyRequestsException as throttle:
            return throttle

    pool = ThreadPoolExecutor(max_workers=count)
    return pool, [pool.submit(one, index) for index in range(count)]


def test_given_reserved_concurrency_5_when_40_invokes_burst_then_5_run_and_35_are_throttled(
    runtime, probe
):
    runtime.deploy(function("hold", "hold", timeout_seconds=900, reserved_concurrency=5))

    pool, futures = _invoke_all(runtime, "hold", BURST, {"gate": "open"})
    assert eventually(lambda: runtime.metrics("hold").throttles == BURST - 5)
    assert eventually(lambda: probe.peak("hold") == 5)
    probe.event("open").set()
    outcomes = [future.result(timeout=5) for future in futures]
    pool.shutdown()

    throttles = [o for o in outcomes if isinstance(o, TooManyRequestsException)]
    assert len(throttles) == BURST - 5
    assert {t.reason for t in throttles} == {"ReservedFunctionConcurrentInvocationLimitExceeded"}
    assert {(t.status_code, t.message) for t in throttles} == {(429, "Rate Exceeded.")}
    assert probe.peak("hold") == 5
    assert runtime.metrics("hold").peak_concurrency == 5


def test_given_reserved_concurrency_0_then_every_invocation_is_throttled(runtime):
    runtime.deploy(function("off", "echo", reserved_concurrency=0))

    with pytest.raises(TooManyRequestsException):
        runtime.invoke("off", {})

    assert runtime.metrics("off").throttles == 1
    assert runtime.metrics("off").invocations == 0


def test_given_an_account_limit_then_unreserved_functions_share_what_is_not_reserved(probe):
    runtime = LambdaRuntime(clock=RealClock(), account_concurrency=4)
    runtime.deploy(function("reserved", "hold", timeout_seconds=60, reserved_concurrency=1))
    runtime.deploy(function("first", "hold", timeout_seconds=60))
    runtime.deploy(function("second", "hold", timeout_seconds=60))
    pool = ThreadPoolExecutor(max_workers=4)
    held = [pool.submit(runtime.invoke, name, {}) for name in ("first", "first", "second")]
    assert eventually(lambda: probe.peak("first") == 2 and probe.peak("second") == 1)

    with pytest.raises(TooManyRequestsException) as throttled:
        runtime.invoke("second", {})
    reserved = pool.submit(runtime.invoke, "reserved", {})
    assert eventually(lambda: probe.peak("reserved") == 1)
    probe.event("gate").set()

    assert throttled.value.reason == "ConcurrentInvocationLimitExceeded"
    assert all(f.result(timeout=5).payload == {"held": True} for f in [*held, reserved])
    pool.shutdown()
    runtime.close()


def test_given_reservations_above_the_account_limit_then_deploy_refuses():
    small = LambdaRuntime(account_concurrency=10)
    small.deploy(function("a", "echo", reserved_concurrency=6))

    with pytest.raises(ValueError, match="exceeds the account limit"):
        small.deploy(function("b", "echo", reserved_concurrency=5))
    small.close()
