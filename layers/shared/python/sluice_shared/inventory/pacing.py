"""Keep a dispatcher invocation to its share of the storefront's rate limit.

Concurrency alone does not bound a rate: B x R connections with fast answers can make
hundreds of requests a second. So each invocation starts its requests at least
`R / rate limit` seconds apart (its share: rate limit / R per second) and, before returning,
waits out the interval after its last request. At most R invocations run at once
(MaximumConcurrency), so together they never start more than `rate limit` requests per
second, plus at most R within any instant (R must fit the storefront's burst).
"""

import contextlib
import threading
from collections.abc import Callable, Iterator

from sluice_shared import clock as shared_clock
from sluice_shared.providers.client import ProviderRequest, RequestGuard

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class Pacer:
    """Spaces request starts at least `interval_seconds` apart; safe across threads."""

    def __init__(
        self,
        interval_seconds: float,
        clock: Clock = shared_clock.monotonic,
        sleep: Sleep = shared_clock.sleep,
    ) -> None:
        if interval_seconds < 0:
            raise ValueError("interval_seconds must not be negative")
        self.interval_seconds = interval_seconds
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_start: float | None = None

    @classmethod
    def for_share(
        cls,
        rate_limit_per_second: float,
        concurrency: int,
        clock: Clock = shared_clock.monotonic,
        sleep: Sleep = shared_clock.sleep,
    ) -> "Pacer":
        """A pacer for one of `concurrency` invocations sharing `rate_limit_per_second`."""
        if rate_limit_per_second <= 0 or concurrency < 1:
            raise ValueError("the rate limit must be positive and the concurrency at least 1")
        return cls(concurrency / rate_limit_per_second, clock, sleep)

    def wait(self) -> None:
        """Block until this caller's turn to start a request, and claim it."""
        with self._lock:
            now = self._clock()
            start = now if self._next_start is None else max(now, self._next_start)
            self._next_start = start + self.interval_seconds
        if start > now:
            self._sleep(start - now)

    def drain(self) -> None:
        """Block until the interval after the last claimed start has passed."""
        with self._lock:
            remaining = 0.0 if self._next_start is None else self._next_start - self._clock()
        if remaining > 0:
            self._sleep(remaining)

    def guard(self, inner: RequestGuard) -> RequestGuard:
        """`inner` (e.g. the governor's backoff gate), then a wait for the turn, per request."""

        @contextlib.contextmanager
        def paced(request: ProviderRequest) -> Iterator[None]:
            with inner(request):
                self.wait()
                yield

        return paced
