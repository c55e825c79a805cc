"""Run the handlers' shared layer on the local cloud's clock.

The suite's shared layer reads time through `sluice_shared.clock` (the real clock on AWS). Under
a time scale everything around the handlers (queues' visibility timeouts, state machines'
retries, the simulators' latencies and rate limits) runs on the cloud's scaled clock, so the
handlers' own waits (governor backoff and leases, the storefront pacer, Slack pacing) must too.
A template whose layers have no `sluice_shared` is left alone.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from pathlib import Path

from sluice.clock import Clock
from sluice.lambda_runtime.loader import add_layers_to_path

_SHARED_CLOCK_MODULE = "sluice_shared.clock"


class CloudTime:
    """The cloud's clock as the shared layer's `TimeSource`."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def time(self) -> float:
        """Seconds since the epoch on the cloud's clock."""
        return self._clock.now().timestamp()

    def monotonic(self) -> float:
        """The cloud clock's monotonic counter."""
        return self._clock.monotonic()

    def sleep(self, seconds: float) -> None:
        """Let `seconds` of the cloud's time pass."""
        self._clock.sleep(seconds)


def install_handler_clock(clock: Clock, layer_dirs: Iterable[Path]) -> Callable[[], None]:
    """Point the shared layer (among `layer_dirs`) at `clock`; return what restores the old."""
    add_layers_to_path(tuple(layer_dirs))
    try:
        shared_clock = importlib.import_module(_SHARED_CLOCK_MODULE)
    except ModuleNotFoundError:
        return lambda: None
    previous = shared_clock.install(CloudTime(clock))
    return lambda: shared_clock.install(previous)
