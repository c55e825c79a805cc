"""Latency models: fixed, lognormal by percentiles, mixtures."""

import random
import statistics

import pytest

from sluice.simulators import FixedLatency, LognormalLatency, MixtureLatency

SAMPLES = 4000


def _quantile(values: list[float], fraction: float) -> float:
    """The empirical quantile of `values`."""
    ordered = sorted(values)
    return ordered[int(fraction * (len(ordered) - 1))]


def test_fixed_latency_always_returns_its_seconds():
    """GIVEN a fixed latency WHEN sampled THEN every draw is the configured value."""
    rng = random.Random(1)
    assert {FixedLatency(0.25).sample(rng) for _ in range(10)} == {0.25}


def test_lognormal_latency_matches_its_median_and_99th_percentile():
    """GIVEN p50=2, p99=10 WHEN sampled many times THEN the quantiles land near them."""
    rng = random.Random(7)
    model = LognormalLatency(p50=2.0, p99=10.0)
    values = [model.sample(rng) for _ in range(SAMPLES)]
    assert statistics.median(values) == pytest.approx(2.0, rel=0.1)
    assert _quantile(values, 0.99) == pytest.approx(10.0, rel=0.25)


def test_lognormal_latency_never_exceeds_its_ceiling():
    """GIVEN a ceiling WHEN sampled THEN no draw is above it."""
    rng = random.Random(3)
    model = LognormalLatency(p50=1.0, p99=50.0, ceiling=5.0)
    assert max(model.sample(rng) for _ in range(SAMPLES)) == 5.0


def test_mixture_draws_its_long_tail_with_the_tail_weight():
    """GIVEN 95% fast, 5% slow WHEN sampled THEN about 5% of draws are slow."""
    rng = random.Random(11)
    model = MixtureLatency(((0.95, FixedLatency(0.1)), (0.05, FixedLatency(60.0))))
    slow = sum(model.sample(rng) == 60.0 for _ in range(SAMPLES))
    assert slow / SAMPLES == pytest.approx(0.05, abs=0.015)


@pytest.mark.parametrize(
    "build",
    [
        lambda: FixedLatency(-1.0),
        lambda: LognormalLatency(p50=5.0, p99=1.0),
        lambda: LognormalLatency(p50=0.0, p99=1.0),
        lambda: MixtureLatency(()),
        lambda: MixtureLatency(((0.0, FixedLatency(1.0)),)),
    ],
)
def test_impossible_latency_settings_are_refused(build):
    """GIVEN nonsensical parameters WHEN a model is built THEN ValueError."""
    with pytest.raises(ValueError):
        build()
