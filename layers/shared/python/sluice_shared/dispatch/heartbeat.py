"""Heartbeats to a waiting workflow from a background thread while a long call runs."""

import contextlib
import contextvars
import threading
from collections.abc import Callable, Iterator

from sluice_shared.observability import get_logger


@contextlib.contextmanager
def heartbeats(beat: Callable[[], bool], interval_seconds: float) -> Iterator[None]:
    """Call `beat` every `interval_seconds` until the block ends or `beat` returns False.

    A failing heartbeat is logged and the next one tried: the call itself goes on, and a
    workflow that misses heartbeats fails its state with `States.HeartbeatTimeout`.
    """
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(interval_seconds):
            try:
                if not beat():
                    return
            except Exception:
                get_logger().exception("heartbeat failed; trying again at the next interval")

    # The beats run in the caller's context (as asyncio.to_thread would), not an empty one.
    in_context = contextvars.copy_context()
    thread = threading.Thread(
        target=in_context.run, args=(run,), name="task-heartbeat", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
