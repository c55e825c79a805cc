"""Interrupts land only where they leave shared state (logging's locks above all) intact."""

import io
import logging
import threading
import time

from sluice.lambda_runtime.safepoints import interrupt_at_safepoint, seal


class Stop(BaseException):
    """The interrupt the tests send."""


def _start(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def test_given_a_thread_inside_a_logging_handler_lock_when_interrupting_then_it_is_not_sent():
    handler = logging.StreamHandler(io.StringIO())
    entered, stopped = threading.Event(), threading.Event()

    def log_behind_a_held_lock() -> None:
        entered.set()
        try:
            handler.acquire()  # blocks: the test holds the lock
            handler.release()
        except Stop:
            stopped.set()

    handler.acquire()
    thread = _start(log_behind_a_held_lock)
    assert entered.wait(5)
    deadline = time.monotonic() + 5
    while thread.is_alive() and time.monotonic() < deadline:
        frame = __import__("sys")._current_frames().get(thread.ident)
        if frame is not None and frame.f_code.co_name == "acquire":
            break
        time.sleep(0.001)
    assert not interrupt_at_safepoint(thread.ident, log_behind_a_held_lock.__code__, Stop)
    handler.release()
    thread.join(5)
    assert not stopped.is_set()


def test_given_a_thread_waiting_on_an_event_when_interrupting_then_it_stops_there():
    never, stopped = threading.Event(), threading.Event()

    def wait_forever() -> None:
        try:
            while not never.wait(0.01):  # an exception lands when a wait returns to Python
                pass
        except Stop:
            stopped.set()

    thread = _start(wait_forever)
    deadline = time.monotonic() + 5
    while not interrupt_at_safepoint(thread.ident, wait_forever.__code__, Stop):
        assert time.monotonic() < deadline
        time.sleep(0.001)
    assert stopped.wait(5)


def test_given_a_thread_outside_the_base_call_when_interrupting_then_it_is_not_sent():
    release = threading.Event()
    thread = _start(lambda: release.wait(30))

    def elsewhere() -> None:
        """A call the thread never makes."""

    assert not interrupt_at_safepoint(thread.ident, elsewhere.__code__, Stop)
    release.set()
    thread.join(5)


def _sealed_wait(release: threading.Event) -> None:
    """A call that must run to its end once entered."""
    while not release.wait(0.01):
        pass


seal(_sealed_wait.__code__)


def test_given_a_thread_inside_a_sealed_call_when_interrupting_then_it_waits_for_its_return():
    release, stopped, returned = threading.Event(), threading.Event(), threading.Event()

    def call_sealed_then_wait() -> None:
        try:
            _sealed_wait(release)
            returned.set()
            while True:
                time.sleep(0.01)
        except Stop:
            stopped.set()

    thread = _start(call_sealed_then_wait)
    for _ in range(50):
        assert not interrupt_at_safepoint(thread.ident, call_sealed_then_wait.__code__, Stop)
        time.sleep(0.002)
    release.set()
    assert returned.wait(5)
    deadline = time.monotonic() + 5
    while not interrupt_at_safepoint(thread.ident, call_sealed_then_wait.__code__, Stop):
        assert time.monotonic() < deadline
        time.sleep(0.001)
    assert stopped.wait(5)


def _work() -> int:
    """Some handler code between two log lines."""
    return sum(number * number for number in range(100))


def _log_until_stopped(log: logging.Logger, stopped: threading.Event) -> None:
    try:
        for _ in range(1_000_000):
            log.info("busy %s", "logging")
            _work()
    except Stop:
        stopped.set()


def test_given_threads_logging_hard_when_each_is_interrupted_then_logging_never_locks_up():
    stream_handler = logging.StreamHandler(io.StringIO())
    log = logging.getLogger("tests.safepoints.busy")
    log.propagate = False
    log.addHandler(stream_handler)
    log.setLevel(logging.INFO)
    try:
        for _ in range(50):
            stopped = threading.Event()
            thread = threading.Thread(target=_log_until_stopped, args=(log, stopped), daemon=True)
            thread.start()
            deadline = time.monotonic() + 5
            while not interrupt_at_safepoint(thread.ident, _log_until_stopped.__code__, Stop):
                assert time.monotonic() < deadline
                time.sleep(0.0005)
            assert stopped.wait(5)
            assert stream_handler.lock.acquire(timeout=1), "an interrupt left the lock taken"
            stream_handler.lock.release()
    finally:
        log.removeHandler(stream_handler)
