"""Latency models of simulated providers: fixed, lognormal by percentiles, long-tail mixtures."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Protocol

# The 0.99 quantile of the standard normal distribution: p99 = p50 * exp(sigma * _Z_99).
_Z_99 = 2.3263478740408408


class LatencyModel(Protocol):
    """Draws how long a simulated provider takes to answer one request."""

    def sample(self, rng: random.Random) -> float:
        """Return a latency in clock seconds (a time scale compresses it)."""
        ...


@dataclass(frozen=True)
class FixedLatency:
    """Every request takes the same time."""

    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.seconds < 0:
            raise ValueError("latency cannot be negative")

    def sample(self, rng: random.Random) -> float:
        """Return the fixed latency."""
        return self.seconds


@dataclass(frozen=True)
class LognormalLatency:
    """Lognormal latency given by its median and 99th percentile, optionally capped."""

    p50: float
    p99: float
    ceiling: float | None = None

    def __post_init__(self) -> None:
        if not 0 < self.p50 <= self.p99:
            raise ValueError("need 0 < p50 <= p99")
        if self.ceiling is not None and self.ceiling < self.p50:
            raise ValueError("ceiling must be at least p50")

    def sample(self, rng: random.Random) -> float:
        """Draw one latency from the distribution."""
        sigma = (math.log(self.p99) - math.log(self.p50)) / _Z_99
        value = rng.lognormvariate(math.log(self.p50), sigma)
        return value if self.ceiling is None else min(value, self.ceiling)


@dataclass(frozen=True)
class MixtureLatency:
    """A mixture such as "97% around 2 s, 3% around a minute": each part picked by weight."""

    parts: tuple[tuple[float, LatencyModel], ...]

    def __post_init__(self) -> None:
        if not self.parts or any(weight <= 0 for weight, _ in self.parts):
            raise ValueError("a mixture needs parts with positive weights")

    def sample(self, rng: random.Random) -> float:
        """Pick a part by weight, then draw from it."""
        pick = rng.random() * sum(weight for weight, _ in self.parts)
        for weight, model in self.parts:
            pick -= weight
            if pick < 0:
                return model.sample(rng)
        return self.parts[-1][1].sample(rng)


NO_LATENCY = FixedLatency(0.0)
