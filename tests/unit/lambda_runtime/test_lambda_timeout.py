"""Timeouts: Lambda's timeout error, an interrupted handler, a slot held until it stops, init."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from sluice.lambda_runtime import TooManyRequestsException
from tests.unit.lambda_runtime.support import eventually, function, invoke_while_advancing


def _runaway(key):
    """A sleep event that runs 5 real seconds unless interrupted, noting how it ended."""
    return {"seconds": 5, "key": key}


def test_given_a_handler_past_its_timeout_then_invoke_returns_sandbox_timedout(
    virtual_runtime, virtual_clock, probe
):
    virtual_runtime.deploy(function("sleepy", "sleep", timeout_seconds=3))

    result = invoke_while_advancing(virtual_runtime, virtual_clock, "sleepy", _runaway("error"))

    assert eventually(lambda: virtual_runtime.running("sleepy") == 0)
    assert result.status_code == 200
    assert result.function_error == "Unhandled"
    assert result.payload == {
        "errorMessage": f"RequestId: {result.request_id} Error: Task timed out after 3.00 seconds",
        "errorType": "Sandbox.Timedout",
    }


def test_given_a_timed_out_handler_then_its_thread_is_interrupted_long_before_it_would_end(
    virtual_runtime, virtual_clock, probe
):
    virtual_runtime.deploy(function("sleepy", "sleep", timeout_seconds=3))

    invoke_while_advancing(virtual_runtime, virtual_clock, "sleepy", _runaway("interrupt"))

    assert probe.event("interrupt").wait(2)
    assert probe.notes("interrupt") == ["interrupted"]
    assert eventually(lambda: virtual_runtime.running("sleepy") == 0)


def test_given_a_timed_out_invocation_then_its_record_says_timeout(
    virtual_runtime, virtual_clock, probe
):
    virtual_runtime.deploy(function("sleepy", "sleep", timeout_seconds=1))

    invoke_while_advancing(virtual_runtime, virtual_clock, "sleepy", _runaway("record"))

    assert eventually(lambda: virtual_runtime.running("sleepy") == 0)
    [record] = virtual_runtime.records("sleepy")
    assert (record.outcome, record.error_type) == ("Timeout", "Sandbox.Timedout")
    assert record.duration_ms >= 1000
    assert virtual_runtime.metrics("sleepy").timeouts == 1


def test_given_a_handler_that_finishes_in_time_then_it_is_not_interrupted(runtime, probe):
    runtime.deploy(function("sleepy", "sleep", timeout_seconds=10))

    result = runtime.invoke("sleepy", {"seconds": 0.01, "key": "in-time"})

    assert result.payload == {"slept": 0.01}
    assert probe.notes("in-time") == ["finished"]


def test_given_a_handler_that_swallows_the_interrupt_then_its_slot_stays_taken_until_it_ends(
    virtual_runtime, virtual_clock, probe
):
    config = function("stubborn", "stubborn", timeout_seconds=1, reserved_concurrency=1)
    virtual_runtime.deploy(config)

    timed_out = invoke_while_advancing(
        virtual_runtime, virtual_clock, "stubborn", {"key": "release"}
    )
    assert eventually(lambda: "swallowed" in probe.notes("release"))
    with pytest.raises(TooManyRequestsException):
        virtual_runtime.invoke("stubborn", {"key": "release"})
    probe.event("release").set()

    assert timed_out.payload["errorType"] == "Sandbox.Timedout"
    assert eventually(lambda: virtual_runtime.running("stubborn") == 0)
    assert virtual_runtime.invoke("stubborn", {"key": "release"}).payload == {"released": True}


def test_given_a_cold_start_longer_than_the_timeout_but_within_10_s_then_the_invoke_succeeds(
    virtual_runtime, virtual_clock, probe
):
    settings = {"SLOW_INIT_GATE": "init"}
    virtual_runtime.deploy(function("slow", "slow_init", timeout_seconds=1, environment=settings))

    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(virtual_runtime.invoke, "slow", {"ok": True})
        assert eventually(lambda: probe.notes("init") == ["init started"])
        virtual_clock.advance(5)
        probe.event("init").set()
        result = pending.result(timeout=5)

    assert result.function_error is None
    assert result.payload == {"ok": True}


def test_given_a_cold_start_longer_than_10_s_then_the_invoke_times_out(
    virtual_runtime, virtual_clock, probe
):
    settings = {"SLOW_INIT_GATE": "init"}
    virtual_runtime.deploy(function("slow", "slow_init", timeout_seconds=3, environment=settings))

    result = invoke_while_advancing(virtual_runtime, virtual_clock, "slow", {})

    assert result.payload["errorType"] == "Sandbox.Timedout"
    assert virtual_clock.monotonic() >= 10
    assert eventually(lambda: virtual_runtime.running("slow") == 0)
