"""Make moto's SQS follow an injected clock, so a time scale compresses visibility timeouts.

moto runs in this process and its SQS model reads the time through two names it imports from
`moto.core.utils`: `moto.sqs.models.unix_time` and `unix_time_millis` (sent and first-receive
timestamps, visibility timeouts, delays, retention, the end of a long poll). The patch rebinds
those two names to read `clock.now()`, and makes a long poll re-check the time every
`LONG_POLL_STEP` real seconds instead of every second, so a long poll ends when the clock says
so. Both changes are undone by `uninstall` (or leaving the `with` block).

Install it before creating queues: a message stamped on one time base and read on another
would be visible too early or too late (a VirtualClock starts in 2024). With a VirtualClock, a
long poll only ends when something advances the clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any

from moto.sqs import models as sqs_models

from sluice.clock import Clock

LONG_POLL_STEP = 0.02

_lock = threading.Lock()


class SqsClockPatch:
    """Rebinds moto SQS's time source to `clock` while installed."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._saved: dict[str, Any] | None = None

    def install(self) -> SqsClockPatch:
        """Apply the patch (refused while another patch is installed)."""
        with _lock:
            if getattr(sqs_models, "_sluice_clock_patch", None) is not None:
                raise RuntimeError("moto's SQS already follows another clock")
            self._saved = {
                "unix_time": sqs_models.unix_time,
                "unix_time_millis": sqs_models.unix_time_millis,
                "wait_for_messages": sqs_models.Queue.wait_for_messages,
            }
            sqs_models.unix_time = self._unix_time
            sqs_models.unix_time_millis = self._unix_time_millis
            sqs_models.Queue.wait_for_messages = _short_wait_for_messages
            sqs_models._sluice_clock_patch = self  # type: ignore[attr-defined]
        return self

    def uninstall(self) -> None:
        """Restore moto's own time source."""
        with _lock:
            if self._saved is None:
                return
            sqs_models.unix_time = self._saved["unix_time"]
            sqs_models.unix_time_millis = self._saved["unix_time_millis"]
            sqs_models.Queue.wait_for_messages = self._saved["wait_for_messages"]
            sqs_models._sluice_clock_patch = None  # type: ignore[attr-defined]
            self._saved = None

    def __enter__(self) -> SqsClockPatch:
        return self.install()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.uninstall()

    def _unix_time(self, dt: datetime | None = None) -> float:
        if dt is not None:
            return self._original("unix_time")(dt)
        return self.clock.now().timestamp()

    def _unix_time_millis(self, dt: datetime | None = None) -> float:
        if dt is not None:
            return self._original("unix_time_millis")(dt)
        return self.clock.now().timestamp() * 1000.0

    def _original(self, name: str) -> Callable[..., float]:
        assert self._saved is not None
        return self._saved[name]


def _short_wait_for_messages(queue: sqs_models.Queue, timeout: int) -> None:
    """moto's wait for new messages, for at most LONG_POLL_STEP real seconds."""
    with queue._messages_lock:
        queue._messages_lock.wait_for(lambda: queue.messages, timeout=min(timeout, LONG_POLL_STEP))
