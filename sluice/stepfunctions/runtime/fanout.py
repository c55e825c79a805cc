"""Running Map iterations and Parallel branches: the calling thread, plus helpers when it blocks.

The thread that reaches a Map or Parallel state runs its iterations or branches itself, one
after another, for as long as they only compute. Whenever a thread is about to block (a task
call, a Wait state, a retry interval, a task token, a child execution) it calls
`before_blocking`, and every fan-out it is working for that still has jobs waiting gets one
more worker thread from the engine's pool, up to its concurrency. So a branch that waits never
holds its siblings back, and states that only compute pay no thread hand-offs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.runtime.control import Cancellation, ExecutionStopped
from sluice.stepfunctions.runtime.workers import ENGINE_WORKERS, EXECUTIONS

# The most threads one Map or Parallel state uses when its MaxConcurrency is 0 (unbounded).
DEFAULT_WORKERS = 40

T = TypeVar("T")


class _Working(threading.local):
    """The fan-outs the current thread is running jobs for, innermost last."""

    def __init__(self) -> None:
        self.groups: list[_FanOut[Any]] = []


_working = _Working()


def before_blocking() -> None:
    """Let every fan-out this thread works for start another worker while this one waits, and
    let queued executions go on on another thread."""
    EXECUTIONS.relinquish()
    for group in _working.groups:
        group.add_worker()


class _FanOut(Generic[T]):
    """The jobs of one Map or Parallel state and the threads working through them."""

    def __init__(
        self,
        jobs: Iterator[tuple[int, T]],
        work: Callable[[int, T, Cancellation], Any],
        cancellation: Cancellation,
        max_workers: int,
    ) -> None:
        self._jobs = jobs
        self._work = work
        self.cancellation = cancellation
        self._max_workers = max_workers
        self._lock = threading.Lock()
        self._workers = 1
        self._exhausted = False
        self._helpers_done = threading.Event()
        self._helpers_done.set()
        self._helpers = 0
        self.results: dict[int, Any] = {}
        self.first_error: BaseException | None = None

    def _next_job(self) -> tuple[int, T] | None:
        with self._lock:
            if self._exhausted or self.cancellation.cancelled:
                return None
            job = next(self._jobs, None)
            if job is None:
                self._exhausted = True
            return job

    def add_worker(self) -> None:
        """Start a helper thread if jobs are waiting and the concurrency allows one more."""
        with self._lock:
            if self._exhausted or self.cancellation.cancelled or self._workers >= self._max_workers:
                return
            self._workers += 1
            self._helpers += 1
            self._helpers_done.clear()
        ENGINE_WORKERS.submit(self._help)

    def _help(self) -> None:
        try:
            self.work_through()
        finally:
            with self._lock:
                self._workers -= 1
                self._helpers -= 1
                if self._helpers == 0:
                    self._helpers_done.set()

    def work_through(self) -> None:
        """Run jobs on this thread until none are left (or the fan-out was cancelled)."""
        _working.groups.append(self)
        try:
            while True:
                try:
                    job = self._next_job()
                    if job is None:
                        return
                    index, item = job
                    self.results[index] = self._work(index, item, self.cancellation)
                except BaseException as error:
                    self._fail(error)
                    return
        finally:
            _working.groups.remove(self)

    def _fail(self, error: BaseException) -> None:
        with self._lock:
            if self.first_error is None:
                self.first_error = error
        self.cancellation.cancel()

    def wait_for_helpers(self) -> None:
        """Block until every helper thread has finished its last job."""
        if not self._helpers_done.is_set():
            before_blocking()
            self._helpers_done.wait()


def fan_out(
    jobs: Iterable[tuple[int, T]],
    work: Callable[[int, T, Cancellation], Any],
    parent: Cancellation,
    max_concurrency: int = 0,
    size: int | None = None,
) -> dict[int, Any]:
    """Run `work(index, item, cancellation)` for every job, at most `max_concurrency` at once.

    Jobs are pulled lazily, so a streamed source is never read ahead of the workers. The first
    error cancels the remaining jobs and is raised. `size`, when known, bounds the threads.
    """
    workers = max_concurrency if max_concurrency > 0 else DEFAULT_WORKERS
    if size is not None:
        workers = max(1, min(workers, size))
    group = _FanOut(iter(jobs), work, parent.child(), workers)
    group.work_through()
    group.wait_for_helpers()
    parent.check()
    error = group.first_error
    if error is not None:
        if isinstance(error, ExecutionStopped) and not parent.cancelled:
            raise StatesError("States.Runtime", "A branch was stopped")
        raise error
    return group.results
