"""The time the shared layer runs by: the real clock on AWS, the local cloud's when it runs us.

Handler code that waits or stamps a time (the governor's leases and backoff, the storefront
pacer, the Slack notifier's pacing) reads it through `time()`, `monotonic()` and `sleep()`
here. On Lambda these are the `time` module's. The local cloud runs handlers in its own process
on a scaled clock (simulated seconds pass faster than wall seconds) and installs that clock
with `install`, so a handler's 30 s backoff lasts 30 simulated seconds, like the queues'
visibility timeouts, the state machines' retries and the simulators' rate limits around it.
"""

import time as _time
from typing import Protocol


class TimeSource(Protocol):
    """Where the time comes from."""

    def time(self) -> float:
        """Seconds since the epoch."""
        ...

    def monotonic(self) -> float:
        """Seconds on a counter that never goes back."""
        ...

    def sleep(self, seconds: float) -> None:
        """Let `seconds` pass."""
        ...


class RealTime:
    """The `time` module's clock."""

    def time(self) -> float:
        """Seconds since the epoch."""
        return _time.time()

    def monotonic(self) -> float:
        """Seconds on the process's monotonic counter."""
        return _time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Sleep `seconds`."""
        _time.sleep(max(seconds, 0.0))


REAL_TIME = RealTime()
_source: TimeSource = REAL_TIME


def install(source: TimeSource) -> TimeSource:
    """Run the shared layer on `source` from now on; return the one it replaces."""
    global _source
    previous, _source = _source, source
    return previous


def time() -> float:
    """Seconds since the epoch on the installed clock."""
    return _source.time()


def monotonic() -> float:
    """Seconds on the installed clock's monotonic counter."""
    return _source.monotonic()


def sleep(seconds: float) -> None:
    """Let `seconds` pass on the installed clock."""
    _source.sleep(seconds)
