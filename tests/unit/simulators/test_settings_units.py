"""Fault selection, settings validation and the token bucket, without HTTP."""

import pytest

from sluice.clock import VirtualClock
from sluice.simulators import Fault, Faults, RateLimit, SimulatorSettings
from sluice.simulators.ratelimit import TokenBucket


@pytest.mark.parametrize(
    ("draw", "expected"),
    [
        (0.05, Fault.ERROR_500),
        (0.15, Fault.ERROR_503),
        (0.25, Fault.RESET),
        (0.35, Fault.SLOW),
        (0.45, None),
    ],
)
def test_a_draw_selects_the_fault_whose_band_it_falls_in(draw, expected):
    """GIVEN 10% bands per fault WHEN a draw is made THEN its band's fault is chosen."""
    faults = Faults(error_500=0.1, error_503=0.1, reset=0.1, slow=0.1)
    assert faults.choose(draw) == expected


@pytest.mark.parametrize(
    "changes", [{"error_500": 1.5}, {"reset": -0.1}, {"error_500": 0.6, "slow": 0.6}]
)
def test_fault_rates_outside_a_probability_are_refused(changes):
    """GIVEN a rate below 0, above 1, or rates summing over 1 THEN ValueError."""
    with pytest.raises(ValueError):
        Faults(**changes)


def test_a_cap_below_one_is_refused():
    """GIVEN a concurrency cap of 0 THEN ValueError."""
    with pytest.raises(ValueError):
        SimulatorSettings(concurrency_cap=0)


def test_token_bucket_admits_a_burst_then_reports_the_wait():
    """GIVEN 2 per second, burst 3 WHEN 4 taken at once THEN the 4th waits half a second."""
    bucket = TokenBucket(RateLimit(per_second=2.0, burst=3), VirtualClock())
    assert [bucket.take() for _ in range(3)] == [None, None, None]
    assert bucket.take() == pytest.approx(0.5)


def test_token_bucket_refills_as_clock_time_passes():
    """GIVEN an empty bucket WHEN the clock moves one token's worth THEN one more is admitted."""
    clock = VirtualClock()
    bucket = TokenBucket(RateLimit(per_second=4.0, burst=1), clock)
    assert bucket.take() is None
    clock.advance(0.25)
    assert bucket.take() is None
    assert bucket.take() is not None
