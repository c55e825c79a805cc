"""The running Lambda invocation's deadline, for work that must not outlive it.

Lambda ends an invocation at its timeout without running any more of its code: a `finally`
that would give back a governor lease never runs. So a lease is taken for no longer than the
invocation can last (`deadline()`), and a timed-out holder's slot frees itself when its
invocation ends instead of a fixed lease time later. `instrument()` sets the deadline for
every handler from `context.get_remaining_time_in_millis()`, on the shared layer's clock.
"""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from sluice_shared import clock

_deadline: ContextVar[float | None] = ContextVar("invocation_deadline", default=None)


@contextlib.contextmanager
def running(context: Any) -> Iterator[None]:
    """Within this block `deadline()` is when the invocation of `context` times out."""
    remaining_millis = getattr(context, "get_remaining_time_in_millis", None)
    if remaining_millis is None:
        yield
        return
    token = _deadline.set(clock.time() + remaining_millis() / 1000)
    try:
        yield
    finally:
        _deadline.reset(token)


def deadline() -> float | None:
    """Epoch seconds (shared clock) when the running invocation times out; None outside one."""
    return _deadline.get()
