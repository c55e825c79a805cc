"""The local cloud's CloudWatch metrics: samples by metric, kept in time order, read by window.

A metric is its namespace, name and full set of dimensions, as in CloudWatch: an alarm on
`QueueName=a` does not see a sample published with `QueueName=a, Other=b`. Samples carry
the local cloud's time (epoch seconds on its clock, scaled or not) and an optional unit.
Old samples are dropped by `trim`, so a long `sluice up` keeps only what alarms can read.
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class MetricKey:
    """A metric's identity: namespace, name and dimensions (sorted name/value pairs)."""

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(
        cls, namespace: str, name: str, dimensions: Mapping[str, str] | None = None
    ) -> MetricKey:
        """The key of a metric with these dimensions, in any order."""
        pairs = tuple(sorted((str(k), str(v)) for k, v in (dimensions or {}).items()))
        return cls(namespace, name, pairs)


@dataclass(frozen=True)
class Sample:
    """One published value."""

    timestamp: float
    value: float
    unit: str | None = None


class MetricStore:
    """Thread-safe samples by metric."""

    def __init__(self) -> None:
        self._samples: dict[MetricKey, list[Sample]] = {}
        self._lock = threading.Lock()

    def put(self, key: MetricKey, value: float, timestamp: float, unit: str | None = None) -> None:
        """Record one sample of `key` at `timestamp` (epoch seconds)."""
        sample = Sample(timestamp, float(value), unit)
        with self._lock:
            samples = self._samples.setdefault(key, [])
            if not samples or samples[-1].timestamp <= timestamp:
                samples.append(sample)
            else:
                bisect.insort(samples, sample, key=lambda s: s.timestamp)

    def values(
        self, key: MetricKey, start: float, end: float, unit: str | None = None
    ) -> list[float]:
        """Values of `key` with `start < timestamp <= end` (of `unit` only, when given)."""
        with self._lock:
            samples = self._samples.get(key, [])
            low = bisect.bisect_right(samples, start, key=lambda s: s.timestamp)
            high = bisect.bisect_right(samples, end, key=lambda s: s.timestamp)
            window = samples[low:high]
        return [s.value for s in window if unit is None or s.unit == unit]

    def keys(self) -> list[MetricKey]:
        """Every metric with samples."""
        with self._lock:
            return [key for key, samples in self._samples.items() if samples]

    def trim(self, before: float) -> None:
        """Drop samples older than `before`."""
        with self._lock:
            for key, samples in list(self._samples.items()):
                cut = bisect.bisect_left(samples, before, key=lambda s: s.timestamp)
                if cut == len(samples):
                    del self._samples[key]
                elif cut:
                    del samples[:cut]
