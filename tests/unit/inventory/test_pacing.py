"""The pacer keeps one invocation to its share of the storefront's rate limit."""

import contextlib

import pytest

from sluice_shared.inventory.pacing import Pacer
from sluice_shared.providers.client import ProviderRequest


class FakeClock:
    """A clock that only moves when slept on."""

    def __init__(self) -> None:
        self.now = 100.0
        self.starts: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_given_a_share_when_built_then_the_interval_is_concurrency_over_rate():
    assert Pacer.for_share(rate_limit_per_second=2, concurrency=3).interval_seconds == 1.5


def test_given_an_impossible_share_when_built_then_it_is_refused():
    with pytest.raises(ValueError, match="positive"):
        Pacer.for_share(rate_limit_per_second=0, concurrency=2)


def test_given_back_to_back_requests_when_paced_then_starts_are_an_interval_apart():
    clock = FakeClock()
    pacer = Pacer(1.5, clock=lambda: clock.now, sleep=clock.sleep)
    for _ in range(4):
        pacer.wait()
        clock.starts.append(clock.now)
    assert clock.starts == [100.0, 101.5, 103.0, 104.5]


def test_given_slow_requests_when_paced_then_no_extra_wait_is_added():
    clock = FakeClock()
    pacer = Pacer(1.0, clock=lambda: clock.now, sleep=clock.sleep)
    pacer.wait()
    clock.now += 3.0
    pacer.wait()
    assert clock.now == 103.0


def test_given_a_last_request_when_drained_then_the_invocation_holds_its_interval():
    clock = FakeClock()
    pacer = Pacer(2.0, clock=lambda: clock.now, sleep=clock.sleep)
    pacer.wait()
    clock.now += 0.5
    pacer.drain()
    assert clock.now == 102.0


def test_given_no_request_when_drained_then_nothing_waits():
    clock = FakeClock()
    Pacer(2.0, clock=lambda: clock.now, sleep=clock.sleep).drain()
    assert clock.now == 100.0


def test_given_an_inner_guard_when_guarded_then_the_gate_runs_before_the_turn_is_taken():
    clock = FakeClock()
    pacer = Pacer(1.0, clock=lambda: clock.now, sleep=clock.sleep)
    order: list[str] = []

    @contextlib.contextmanager
    def inner(request: ProviderRequest):
        order.append("gate")
        yield
        order.append("outcome")

    request = ProviderRequest("storefront", "POST", "/inventory-levels", "k")
    with pacer.guard(inner)(request):
        order.append(f"request at {clock.now}")
    with pacer.guard(inner)(request):
        order.append(f"request at {clock.now}")
    assert order == [
        "gate",
        "request at 100.0",
        "outcome",
        "gate",
        "request at 101.0",
        "outcome",
    ]
