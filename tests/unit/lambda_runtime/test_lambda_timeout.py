"""Timeouts: Lambda's timeout error, an interrupted handler, a slot held until it stops."""

import pytest

from sluice.lambda_runtime import TooManyRequestsException
from tests.unit.lambda_runtime.support import eventually, function


def test_given_a_handler_past_its_timeout_then_invoke_returns_sandbox_timedout(runtime, probe):
    runtime.deploy(function("sleepy", "sleep", timeout_seconds=3))

    result = runtime.invoke("sleepy", {"seconds": 5, "key": "run"})

    assert result.status_code == 200
    assert result.function_error == "Unhandled"
    assert result.payload == {
        "errorMessage": f"RequestId: {result.request_id} Error: Task timed out after 3.00 seconds",
        "errorType": "Sandbox.Timedout",
    }


def test_given_a_timed_out_handler_then_its_thread_is_interrupted_long_before_it_would_end(
    runtime, probe
):
    runtime.deploy(function("sleepy", "sleep", timeout_seconds=3))

    runtime.invoke("sleepy", {"seconds": 5, "key": "run"})

    assert probe.event("run").wait(2)
    assert probe.notes("run") == ["interrupted"]
    assert eventually(lambda: runtime.running("sleepy") == 0)


def test_given_a_timed_out_invocation_then_its_record_says_timeout(runtime, probe):
    runtime.deploy(function("sleepy", "sleep", timeout_seconds=1))

    runtime.invoke("sleepy", {"seconds": 5, "key": "run"})

    [record] = runtime.records("sleepy")
    assert (record.outcome, record.error_type) == ("Timeout", "Sandbox.Timedout")
    assert record.duration_ms >= 1000
    assert runtime.metrics("sleepy").timeouts == 1


def test_given_a_handler_that_finishes_in_time_then_it_is_not_interrupted(runtime, probe):
    runtime.deploy(function("sleepy", "sleep", timeout_seconds=10))

    result = runtime.invoke("sleepy", {"seconds": 0.01, "key": "run"})

    assert result.payload == {"slept": 0.01}
    assert probe.notes("run") == ["finished"]


def test_given_a_handler_that_swallows_the_interrupt_then_its_slot_stays_taken_until_it_ends(
    runtime, probe
):
    runtime.deploy(function("stubborn", "stubborn", timeout_seconds=1, reserved_concurrency=1))

    timed_out = runtime.invoke("stubborn", {"key": "release"})
    assert eventually(lambda: "swallowed" in probe.notes("release"))
    with pytest.raises(TooManyRequestsException):
        runtime.invoke("stubborn", {"key": "release"})
    probe.event("release").set()

    assert timed_out.payload["errorType"] == "Sandbox.Timedout"
    assert eventually(lambda: runtime.running("stubborn") == 0)
    assert runtime.invoke("stubborn", {"key": "release"}).payload == {"released": True}


def test_given_a_cold_start_longer_than_the_timeout_but_within_10_s_then_the_invoke_succeeds(
    runtime,
):
    settings = {"SLOW_INIT_SECONDS": "0.03"}
    runtime.deploy(function("slow", "slow_init", timeout_seconds=1, environment=settings))

    result = runtime.invoke("slow", {"ok": True})

    assert result.function_error is None
    assert result.payload == {"ok": True}


def test_given_a_cold_start_longer_than_10_s_then_the_invoke_times_out(runtime):
    settings = {"SLOW_INIT_SECONDS": "0.3"}
    runtime.deploy(function("slow", "slow_init", timeout_seconds=3, environment=settings))

    result = runtime.invoke("slow", {})

    assert result.payload["errorType"] == "Sandbox.Timedout"
    assert eventually(lambda: runtime.running("slow") == 0)
