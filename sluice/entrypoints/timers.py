"""Delayed work on the injected clock: jobs run on a few threads once their due time comes.

Retries, asynchronous deliveries and schedules all go through here, so a ScaledClock
compresses them and a VirtualClock makes them wait for `advance`.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sluice.clock import Clock

DEFAULT_WORKERS = 4

logger = logging.getLogger(__name__)


class Timers:
    """A heap of (due time, job) served by one dispatcher thread and a small worker pool."""

    def __init__(self, clock: Clock, workers: int = DEFAULT_WORKERS, name: str = "timers") -> None:
        self.clock = clock
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = itertools.count()
        self._lock = threading.Lock()
        self._wakeup = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._busy = 0
        self._closed = False
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._dispatcher = threading.Thread(target=self._dispatch, name=f"{name}-due", daemon=True)
        self._dispatcher.start()

    def call_later(self, delay_seconds: float, job: Callable[[], None]) -> None:
        """Run `job` once `delay_seconds` of clock time have passed (0: as soon as possible)."""
        self.call_at(self.clock.monotonic() + max(delay_seconds, 0.0), job)

    def call_at(self, due: float, job: Callable[[], None]) -> None:
        """Run `job` when the clock's monotonic time reaches `due`."""
        with self._lock:
            if self._closed:
                return
            heapq.heappush(self._heap, (due, next(self._sequence), job))
            self._busy += 1
            self._idle.clear()
        self._wakeup.set()

    def pending(self) -> int:
        """Jobs waiting for their time or running now."""
        with self._lock:
            return self._busy

    def wait_until_idle(self, timeout: float) -> bool:
        """Wait up to `timeout` clock seconds until no job is waiting or running."""
        return self.clock.wait(self._idle, timeout)

    def close(self) -> None:
        """Stop: jobs not yet due are dropped, running ones finish on their own."""
        with self._lock:
            self._closed = True
            self._heap.clear()
        self._wakeup.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _dispatch(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                due_jobs = []
                now = self.clock.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    due_jobs.append(heapq.heappop(self._heap)[2])
                next_due = self._heap[0][0] if self._heap else None
                self._wakeup.clear()
            try:
                for job in due_jobs:
                    self._pool.submit(self._run, job)
            except RuntimeError:
                return  # closed between taking the jobs and submitting them
            if due_jobs:
                continue
            if next_due is None:
                self.clock.wait(self._wakeup, None)
            else:
                self.clock.wait_until(self._wakeup, next_due)

    def _run(self, job: Callable[[], None]) -> None:
        try:
            job()
        except Exception:
            logger.exception("timer job failed")
        finally:
            with self._lock:
                self._busy -= 1
                if self._busy == 0:
                    self._idle.set()
