"""Fan-out of Map iterations and Parallel branches, the engine's threads and its queue."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.runtime.control import Cancellation
from sluice.stepfunctions.runtime.fanout import before_blocking, fan_out
from sluice.stepfunctions.runtime.workers import ExecutionQueue, WorkerPool

WAIT_SECONDS = 5.0


def test_jobs_that_only_compute_run_on_the_calling_thread():
    """GIVEN jobs that never block WHEN fanned out THEN the caller runs them all, in order."""
    threads: list[int] = []

    def work(index: int, item: str, cancellation: Cancellation) -> str:
        threads.append(threading.get_ident())
        return item.upper()

    results = fan_out(enumerate("abc"), work, Cancellation(), size=3)

    assert results == {0: "A", 1: "B", 2: "C"}
    assert set(threads) == {threading.get_ident()}


def test_a_blocking_job_lets_its_siblings_run_meanwhile():
    """GIVEN job 0 waits for job 1 WHEN fanned out THEN a helper runs job 1 (no deadlock)."""
    released = threading.Event()

    def work(index: int, item: Any, cancellation: Cancellation) -> bool:
        if index == 0:
            before_blocking()
            return released.wait(WAIT_SECONDS)
        released.set()
        return True

    assert fan_out(enumerate([None, None]), work, Cancellation(), size=2) == {0: True, 1: True}


def test_blocking_jobs_never_exceed_the_maximum_concurrency():
    """GIVEN six jobs that block WHEN fanned out with MaxConcurrency 2 THEN two run at once."""
    lock = threading.Lock()
    running = [0]
    peak = [0]
    gate = threading.Barrier(2, timeout=WAIT_SECONDS)

    def work(index: int, item: Any, cancellation: Cancellation) -> int:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        before_blocking()
        gate.wait()
        with lock:
            running[0] -= 1
        return index

    results = fan_out(enumerate(range(6)), work, Cancellation(), max_concurrency=2, size=6)

    assert sorted(results) == list(range(6))
    assert peak[0] == 2


def test_the_first_error_cancels_the_remaining_jobs_and_is_raised():
    """GIVEN job 1 fails WHEN fanned out THEN its error is raised and later jobs never run."""
    ran: list[int] = []

    def work(index: int, item: Any, cancellation: Cancellation) -> None:
        ran.append(index)
        if index == 1:
            raise StatesError("Boom", "job 1")

    with pytest.raises(StatesError, match="job 1"):
        fan_out(enumerate(range(5)), work, Cancellation(), size=5)
    assert ran == [0, 1]


def test_a_failing_job_source_fails_the_fan_out():
    """GIVEN an item source that raises WHEN fanned out THEN its error reaches the caller."""

    def items() -> Any:
        yield 0, "first"
        raise StatesError("States.ItemReaderFailed", "unreadable")

    with pytest.raises(StatesError, match="unreadable"):
        fan_out(items(), lambda index, item, cancellation: item, Cancellation())


def test_an_idle_worker_thread_runs_the_next_job():
    """GIVEN a pool whose worker finished a job WHEN another is submitted THEN it reuses it."""
    pool = WorkerPool("test-worker")
    seen: list[int] = []
    done = threading.Event()

    def job() -> None:
        seen.append(threading.get_ident())
        done.set()

    pool.submit(job)
    assert done.wait(WAIT_SECONDS)
    _wait_idle(pool, 1)
    done.clear()
    pool.submit(job)
    assert done.wait(WAIT_SECONDS)

    assert seen[0] == seen[1]
    pool.retire_idle()


def test_idle_workers_exit_after_their_idle_time():
    """GIVEN a pool with a short idle time WHEN its worker has nothing to do THEN it exits."""
    pool = WorkerPool("test-worker", idle_seconds=0.01)
    finished = threading.Event()
    pool.submit(finished.set)
    assert finished.wait(WAIT_SECONDS)
    threads = [t for t in threading.enumerate() if t.name == "test-worker"]
    for thread in threads:
        thread.join(WAIT_SECONDS)

    assert pool.idle_workers == 0
    assert not any(thread.is_alive() for thread in threads)


def _wait_idle(pool: WorkerPool, count: int) -> None:
    """Wait (bounded) until `count` workers of `pool` are idle."""
    parked = threading.Event()
    for _ in range(1000):
        if pool.idle_workers >= count:
            return
        parked.wait(0.005)
    raise AssertionError("the worker never became idle")


def test_queued_executions_that_only_compute_run_in_turn_on_one_thread():
    """GIVEN three computing jobs queued at once WHEN drained THEN one thread runs them in order."""
    queue = ExecutionQueue(WorkerPool("test-queue"))
    ran: list[tuple[int, int]] = []
    done = threading.Event()
    gate = threading.Event()

    def job(number: int) -> None:
        gate.wait(WAIT_SECONDS)
        ran.append((number, threading.get_ident()))
        if number == 2:
            done.set()

    for number in range(3):
        queue.submit(lambda number=number: job(number))
    gate.set()

    assert done.wait(WAIT_SECONDS)
    assert [number for number, _ in ran] == [0, 1, 2]
    assert len({thread for _, thread in ran}) == 1


def test_a_queued_execution_that_blocks_hands_the_queue_on():
    """GIVEN job 0 waits for job 1 WHEN job 0 relinquishes before blocking THEN job 1 runs."""
    queue = ExecutionQueue(WorkerPool("test-queue"))
    released = threading.Event()
    result: list[bool] = []
    done = threading.Event()

    def first() -> None:
        queue.relinquish()
        result.append(released.wait(WAIT_SECONDS))
        done.set()

    queue.submit(first)
    queue.submit(released.set)

    assert done.wait(WAIT_SECONDS)
    assert result == [True]


def test_a_long_running_execution_shares_its_time_with_waiting_ones():
    """GIVEN a job past its time slice while another waits WHEN it shares time THEN the
    waiting job runs on another thread while the first is still running."""
    queue = ExecutionQueue(WorkerPool("test-queue"), slice_seconds=0.0)
    second_ran = threading.Event()
    outcome: list[bool] = []

    def first() -> None:
        queue.submit(second_ran.set)
        queue.share_time()
        outcome.append(second_ran.wait(WAIT_SECONDS))

    queue.submit(first)

    assert second_ran.wait(WAIT_SECONDS)
    assert _wait_for(lambda: outcome == [True])


def _wait_for(condition: Any) -> bool:
    """Wait (bounded) until `condition()` holds."""
    polled = threading.Event()
    for _ in range(1000):
        if condition():
            return True
        polled.wait(0.005)
    return False
