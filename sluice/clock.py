"""Injectable clocks: real time, scaled time and virtual time for the local cloud and tests."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

_VIRTUAL_POLL_SECONDS = 0.002


class Clock(Protocol):
    """What the engine needs from time: the date, a monotonic counter, sleeps and timed waits."""

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        ...

    def monotonic(self) -> float:
        """Return seconds on a counter that never goes back (in this clock's time)."""
        ...

    def sleep(self, seconds: float, interrupt: threading.Event | None = None) -> None:
        """Let `seconds` pass, returning early when `interrupt` is set."""
        ...

    def wait(self, event: threading.Event, timeout: float | None) -> bool:
        """Wait until `event` is set or `timeout` seconds pass; return whether it is set."""
        ...

    def wait_until(self, event: threading.Event, deadline: float) -> bool:
        """Wait until `event` is set or `monotonic()` reaches `deadline`; return whether set."""
        ...


class ScaledClock:
    """Real time run `scale` times faster: a 60 s wait takes 0.6 s of wall time at scale 100."""

    def __init__(self, scale: float = 1.0) -> None:
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = scale
        self._origin_date = datetime.now(UTC)
        self._origin_monotonic = time.monotonic()

    def now(self) -> datetime:
        """Return the scaled current time."""
        elapsed = (time.monotonic() - self._origin_monotonic) * self.scale
        return self._origin_date + timedelta(seconds=elapsed)

    def monotonic(self) -> float:
        """Return scaled seconds since this clock was made."""
        return (time.monotonic() - self._origin_monotonic) * self.scale

    def sleep(self, seconds: float, interrupt: threading.Event | None = None) -> None:
        """Sleep `seconds` of scaled time, or until `interrupt` is set."""
        real = max(seconds, 0.0) / self.scale
        if interrupt is None:
            time.sleep(real)
        else:
            interrupt.wait(real)

    def wait(self, event: threading.Event, timeout: float | None) -> bool:
        """Wait for `event` up to `timeout` seconds of scaled time."""
        return event.wait(None if timeout is None else max(timeout, 0.0) / self.scale)

    def wait_until(self, event: threading.Event, deadline: float) -> bool:
        """Wait for `event` until this clock's monotonic time reaches `deadline`."""
        return self.wait(event, deadline - self.monotonic())


class RealClock(ScaledClock):
    """Wall-clock time."""

    def __init__(self) -> None:
        super().__init__(1.0)

    def now(self) -> datetime:
        """Return the wall-clock time in UTC."""
        return datetime.now(UTC)


class VirtualClock:
    """Time that moves only when told: sleeps return at once and advance it, waits block on it.

    `sleep` (Wait states, retry intervals) advances the virtual time and returns immediately.
    `wait` blocks until the event is set or until the virtual time reaches the deadline, which
    happens when some thread sleeps or a test calls `advance`.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or datetime(2024, 1, 1, tzinfo=UTC)
        self._elapsed = 0.0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the virtual time."""
        return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        """Return virtual seconds since the start."""
        return self._elapsed

    def advance(self, seconds: float) -> None:
        """Move the virtual time forward by `seconds`."""
        with self._lock:
            self._elapsed += max(seconds, 0.0)

    def sleep(self, seconds: float, interrupt: threading.Event | None = None) -> None:
        """Advance the virtual time by `seconds` unless `interrupt` is already set."""
        if interrupt is None or not interrupt.is_set():
            self.advance(seconds)

    def wait(self, event: threading.Event, timeout: float | None) -> bool:
        """Block until `event` is set or the virtual time passes `timeout` from now."""
        if timeout is None:
            event.wait()
            return True
        return self.wait_until(event, self._elapsed + max(timeout, 0.0))

    def wait_until(self, event: threading.Event, deadline: float) -> bool:
        """Block until `event` is set or the virtual time reaches `deadline`."""
        while not event.is_set():
            if self._elapsed >= deadline:
                return False
            event.wait(_VIRTUAL_POLL_SECONDS)
        return True
