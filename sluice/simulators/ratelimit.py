"""A thread-safe token bucket that measures time on the injected clock."""

from __future__ import annotations

import threading

from sluice.clock import Clock
from sluice.simulators.settings import RateLimit


class TokenBucket:
    """Admits requests at `limit.per_second`, with bursts of up to `limit.burst`."""

    def __init__(self, limit: RateLimit, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        self._tokens = float(limit.burst)
        self._refilled_at = clock.monotonic()
        self._lock = threading.Lock()

    def take(self) -> float | None:
        """Take a token and return None, or return the seconds until one is available."""
        with self._lock:
            now = self._clock.monotonic()
            elapsed = max(now - self._refilled_at, 0.0)
            self._tokens = min(self.limit.burst, self._tokens + elapsed * self.limit.per_second)
            self._refilled_at = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return None
            return (1.0 - self._tokens) / self.limit.per_second
