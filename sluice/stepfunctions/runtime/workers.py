"""Reusable worker threads for executions, Map iterations, Parallel branches and timed tasks.

A job goes to an idle worker when there is one and to a new thread otherwise, so every job
starts at once (a Map iteration waiting on a task never delays its siblings, nested Maps
cannot starve each other) while the cost of creating a thread is paid only when the number
of jobs running at the same time grows. Workers left idle for `IDLE_SECONDS` of real time
exit, and at interpreter exit the idle workers are retired on their own threads, so what
they hold per thread (compiled JSONata expressions, which must be dropped on the thread that
made them) is released there.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable

LOG = logging.getLogger(__name__)

# Real seconds an idle worker waits for another job before its thread exits.
IDLE_SECONDS = 30.0
# Real seconds interpreter exit waits for the retired idle workers to finish.
RETIRE_SECONDS = 2.0
# Real seconds one execution runs on the draining thread before waiting ones get another.
SLICE_SECONDS = 0.02

Job = Callable[[], None]


class _Worker:
    """One thread of the pool and its inbox."""

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool
        self.inbox: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self.run, name=pool.name, daemon=True)

    def run(self) -> None:
        """Run jobs until the pool retires this worker."""
        next_job = self.inbox.get()
        while next_job is not None:
            try:
                next_job()
            except BaseException:
                LOG.exception("a job on an engine worker thread failed")
            next_job = self.pool.park(self)


class WorkerPool:
    """Threads that run submitted jobs and are kept for the next ones while they are idle."""

    def __init__(self, name: str, idle_seconds: float = IDLE_SECONDS) -> None:
        self.name = name
        self._idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []

    def submit(self, job: Job) -> None:
        """Run `job` on an idle worker, or on a new thread when none is idle."""
        with self._lock:
            worker = self._idle.pop() if self._idle else None
        if worker is not None:
            worker.inbox.put(job)
            return
        worker = _Worker(self)
        worker.inbox.put(job)
        worker.thread.start()

    def park(self, worker: _Worker) -> Job | None:
        """Wait idle for the worker's next job; None once it waited `idle_seconds` for nothing."""
        with self._lock:
            self._idle.append(worker)
        try:
            return worker.inbox.get(timeout=self._idle_seconds)
        except queue.Empty:
            with self._lock:
                if worker in self._idle:
                    self._idle.remove(worker)
                    return None
            return worker.inbox.get()

    def retire_idle(self, timeout: float = RETIRE_SECONDS) -> None:
        """Make every idle worker exit, waiting up to `timeout` seconds in all for them."""
        with self._lock:
            retired, self._idle = self._idle, []
        for worker in retired:
            worker.inbox.put(None)
        deadline = time.monotonic() + timeout
        for worker in retired:
            worker.thread.join(max(deadline - time.monotonic(), 0.0))

    @property
    def idle_workers(self) -> int:
        """How many workers are waiting for a job."""
        with self._lock:
            return len(self._idle)


# The engine's threads: shared by every execution of every service in this process.
ENGINE_WORKERS = WorkerPool("sfn-worker")
atexit.register(ENGINE_WORKERS.retire_idle)


class ExecutionQueue:
    """Runs started executions one after another on one draining thread at a time.

    A single thread working through computing executions pays no GIL hand-offs between them.
    Whenever the draining thread is about to block (`before_blocking` calls `relinquish`) or
    has run one execution for `SLICE_SECONDS` while others wait (`share_time`), it stops
    draining once its execution ends and a new draining thread takes over the queue, so no
    execution waits behind one that blocks or runs long.
    """

    def __init__(self, pool: WorkerPool, slice_seconds: float = SLICE_SECONDS) -> None:
        self._pool = pool
        self._slice_seconds = slice_seconds
        self._lock = threading.Lock()
        self._pending: deque[Job] = deque()
        self._drainers = 0
        self._local = _Draining()

    def submit(self, job: Job) -> None:
        """Queue `job`; start a draining thread if none is draining."""
        with self._lock:
            self._pending.append(job)
            start = self._drainers == 0
            if start:
                self._drainers += 1
        if start:
            self._pool.submit(self._drain)

    def _drain(self) -> None:
        local = self._local
        local.draining = True
        while True:
            with self._lock:
                if not self._pending:
                    self._drainers -= 1
                    local.draining = False
                    return
                job = self._pending.popleft()
            local.since = time.monotonic()
            try:
                job()
            except BaseException:
                LOG.exception("an execution failed on an engine thread")
            if not local.draining:
                return

    def relinquish(self) -> None:
        """If this thread is draining, hand the queue to a new draining thread."""
        local = self._local
        if not local.draining:
            return
        local.draining = False
        with self._lock:
            self._drainers -= 1
            start = bool(self._pending) and self._drainers == 0
            if start:
                self._drainers += 1
        if start:
            self._pool.submit(self._drain)

    def share_time(self) -> None:
        """Hand the queue on if this thread's execution has run a slice while others wait."""
        local = self._local
        if (
            self._pending
            and local.draining
            and time.monotonic() - local.since > self._slice_seconds
        ):
            self.relinquish()


class _Draining(threading.local):
    """Whether the current thread drains the execution queue, and since when it runs its job."""

    def __init__(self) -> None:
        self.draining = False
        self.since = 0.0


EXECUTIONS = ExecutionQueue(ENGINE_WORKERS)
