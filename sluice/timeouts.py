"""Timeouts of real work under a time scale: handler code runs at wall-clock speed.

A `ScaledClock` compresses waits (Wait states, retry intervals, simulated provider latency),
but a handler's own compute does not get faster: 0.2 s of Python is 20 simulated seconds at
scale 100. So that a Lambda or API Gateway timeout measures what it measures on AWS (a
provider that hangs, not this machine's speed), a timeout under a scaled clock fires only when
its simulated deadline has passed and at least `min(timeout, COMPUTE_ALLOWANCE_SECONDS)` wall
seconds have passed too. With a real clock this changes nothing; a virtual clock (tests) gets
no allowance, so its timeouts stay exact.
"""

from __future__ import annotations

import threading
import time

from sluice.clock import Clock, ScaledClock

COMPUTE_ALLOWANCE_SECONDS = 3.0


def wait_for_work(clock: Clock, done: threading.Event, timeout: float) -> bool:
    """Wait for `done` up to `timeout` clock seconds (plus the compute allowance when scaled)."""
    started = time.monotonic()
    if clock.wait(done, timeout):
        return True
    return wait_out_allowance(clock, done, timeout, started)


def wait_out_allowance(clock: Clock, done: threading.Event, timeout: float, started: float) -> bool:
    """Once `timeout` clock seconds have passed, wait for `done` until the work, begun at
    `started` (`time.monotonic()`), has had its compute allowance of wall seconds."""
    if not isinstance(clock, ScaledClock):
        return done.is_set()
    allowance = min(timeout, COMPUTE_ALLOWANCE_SECONDS) - (time.monotonic() - started)
    return done.wait(allowance) if allowance > 0 else done.is_set()
