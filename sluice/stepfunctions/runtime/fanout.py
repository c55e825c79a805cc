"""Running Map iterations and Parallel branches on a bounded set of worker threads."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.runtime.control import Cancellation, ExecutionStopped
from sluice.stepfunctions.runtime.workers import ENGINE_WORKERS

# The most threads one Map or Parallel state uses when its MaxConcurrency is 0 (unbounded).
DEFAULT_WORKERS = 40

T = TypeVar("T")


def fan_out(
    jobs: Iterable[tuple[int, T]],
    work: Callable[[int, T, Cancellation], Any],
    parent: Cancellation,
    max_concurrency: int = 0,
    stop_on_error: bool = True,
    size: int | None = None,
) -> dict[int, Any]:
    """Run `work(index, item, cancellation)` for every job, at most `max_concurrency` at once.

    The calling thread works too, helped by pooled worker threads. Jobs are pulled lazily, so a
    streamed source is never read ahead of the workers. With `stop_on_error` the first
    StatesError cancels the remaining jobs and is raised; otherwise errors are returned in place
    of results. `size`, when known, bounds the thread count.
    """
    group = parent.child()
    iterator = iter(jobs)
    source_lock = threading.Lock()
    results: dict[int, Any] = {}
    first_error: list[BaseException] = []

    def next_job() -> tuple[int, T] | None:
        with source_lock:
            if group.cancelled:
                return None
            return next(iterator, None)

    def worker() -> None:
        while (job := next_job()) is not None:
            index, item = job
            try:
                results[index] = work(index, item, group)
            except StatesError as error:
                if stop_on_error:
                    _fail(error)
                    return
                results[index] = error
            except BaseException as error:
                _fail(error)
                return

    def _fail(error: BaseException) -> None:
        with source_lock:
            if not first_error:
                first_error.append(error)
        group.cancel()

    workers = max_concurrency if max_concurrency > 0 else DEFAULT_WORKERS
    if size is not None:
        workers = max(1, min(workers, size))
    helpers_done = _Countdown(workers - 1)
    for _ in range(workers - 1):
        ENGINE_WORKERS.submit(lambda: _run_then(worker, helpers_done))
    worker()
    helpers_done.wait()
    parent.check()
    if first_error:
        error = first_error[0]
        if isinstance(error, ExecutionStopped) and not parent.cancelled:
            raise StatesError("States.Runtime", "A branch was stopped")
        raise error
    return results


class _Countdown:
    """Becomes done once `count` helpers have finished."""

    def __init__(self, count: int) -> None:
        self._count = count
        self._lock = threading.Lock()
        self._done = threading.Event()
        if count <= 0:
            self._done.set()

    def finished(self) -> None:
        """Record that one helper has finished."""
        with self._lock:
            self._count -= 1
            if self._count == 0:
                self._done.set()

    def wait(self) -> None:
        """Block until every helper has finished."""
        self._done.wait()


def _run_then(work: Callable[[], None], countdown: _Countdown) -> None:
    try:
        work()
    finally:
        countdown.finished()
