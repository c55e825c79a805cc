"""API Gateway stage throttling: a token bucket refilled on the injected clock.

https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
`ThrottlingBurstLimit` is the bucket's size, `ThrottlingRateLimit` the tokens added per
second; a request that finds the bucket empty gets 429 `{"message":"Too Many Requests"}`.
"""

from __future__ import annotations

import threading

from sluice.clock import Clock


class TokenBucket:
    """`burst` tokens at most, refilled at `rate` per clock second."""

    def __init__(self, clock: Clock, rate: float, burst: int) -> None:
        if rate < 0 or burst < 0:
            raise ValueError("rate and burst must not be negative")
        self._clock = clock
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._updated = clock.monotonic()
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Take one token; False when none is left (the request is throttled)."""
        with self._lock:
            now = self._clock.monotonic()
            self._tokens = min(self._burst, self._tokens + (now - self._updated) * self._rate)
            self._updated = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True
