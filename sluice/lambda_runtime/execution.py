"""One invocation in its own thread, stopped when it runs past its timeout.

Two phases, as in Lambda's execution environment lifecycle
(https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html): `init` (the
cold start's import; nothing when warm) may take up to `init_timeout`, then `invoke` (the
handler) has the function's timeout, counted from the moment init finished. Lambda limits init
to 10 s and, when that is not enough, retries it within the invocation under the function
timeout; here init simply gets the larger of the two.

The caller waits on the injected clock through `sluice.timeouts.wait_for_work`: under a
ScaledClock a limit also allows for the handler's real compute, which a time scale does not
speed up (see that module). When a limit passes first, the invocation's answer is Lambda's
timeout error at once, and the thread is stopped by raising `HandlerTimedOut` in it
(`PyThreadState_SetAsyncExc`). The exception derives from BaseException so an `except
Exception` in the handler does not swallow it. It is delivered only when the thread runs Python
bytecode: a thread blocked in C (a long `time.sleep`, a socket read without a timeout) stops
when that call returns. The concurrency slot is given back (`on_stopped`) only when the thread
has really left the user code, so a runaway handler keeps its slot, as a Lambda instance that
has not been torn down yet would.

On Lambda a timeout ends the whole process; here the process (and its other invocations) lives
on, so the exception must not land where stopping leaves shared state broken: between
`logging.Handler.acquire()` and its `try`, a handler lock would stay taken and every later
log call in the process would hang (seen under load: every handler stuck on one lock). So an
interrupt is sent only when none of the thread's frames is in such code (`safepoints`), tried
every `INTERRUPT_INTERVAL` until it is sent, and sent again only if the thread is still in the
handler `REINTERRUPT_INTERVAL` later (a handler that swallowed it, or was blocked in C).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sluice.clock import Clock
from sluice.lambda_runtime.safepoints import interrupt_at_safepoint
from sluice.timeouts import wait_for_work

INTERRUPT_INTERVAL = 0.05
REINTERRUPT_INTERVAL = 1.0
INTERRUPT_ATTEMPTS = 200

_RUNNING = "running"
_DONE = "done"
_TIMED_OUT = "timed-out"

logger = logging.getLogger(__name__)


class HandlerTimedOut(BaseException):
    """Raised inside a handler whose invocation timed out."""


@dataclass(frozen=True)
class Outcome:
    """How the handler ended: its payload and, for a failure, the function error and type."""

    payload: Any
    function_error: str | None = None
    error_type: str | None = None


class Execution:
    """Runs `init` then `invoke` in a daemon thread; `wait` returns the outcome, or None when
    it timed out."""

    def __init__(
        self,
        name: str,
        init: Callable[[], Outcome | None],
        invoke: Callable[[], Outcome],
        on_stopped: Callable[[], None],
    ) -> None:
        self._init = init
        self._invoke = invoke
        self._on_stopped = on_stopped
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._lock = threading.Lock()
        self._state = _RUNNING
        self._outcome: Outcome | None = None
        self._initialized = threading.Event()
        self._done = threading.Event()
        self._stopped = threading.Event()
        self._in_handler = True
        self._released = False

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def wait(self, clock: Clock, init_timeout: float, timeout: float) -> Outcome | None:
        """Wait for init (up to `init_timeout`), then for the handler (up to `timeout`), in
        clock seconds; None means a limit passed (and the thread is being stopped)."""
        if wait_for_work(clock, self._initialized, init_timeout):
            wait_for_work(clock, self._done, timeout)
        with self._lock:
            if self._state == _DONE:
                return self._outcome
            self._state = _TIMED_OUT
            sent = self._interrupt()
        threading.Thread(
            target=self._keep_interrupting, args=(sent,), name="lambda-reaper", daemon=True
        ).start()
        return None

    def _run(self) -> None:
        try:
            try:
                outcome = self._init()
                self._initialized.set()
                if outcome is None:
                    outcome = self._invoke()
            except HandlerTimedOut:
                outcome = None
            with self._lock:
                self._in_handler = False
                if self._state == _RUNNING and outcome is not None:
                    self._outcome = outcome
                    self._state = _DONE
                    self._done.set()
        except HandlerTimedOut:
            logger.debug("interrupt arrived after the handler returned; ignored")
        finally:
            self._finish()

    def _finish(self) -> None:
        """Leave the handler for good and give the slot back, even if interrupts still land."""
        while True:
            try:
                with self._lock:
                    self._in_handler = False
                _checkpoint()
                if not self._released:
                    self._on_stopped()
                    self._released = True
                self._stopped.set()
                return
            except HandlerTimedOut:
                continue

    def _keep_interrupting(self, sent: bool) -> None:
        for _ in range(INTERRUPT_ATTEMPTS):
            if self._stopped.wait(REINTERRUPT_INTERVAL if sent else INTERRUPT_INTERVAL):
                return
            with self._lock:
                sent = self._interrupt()
        logger.warning(
            "%s is still running after its timeout; its concurrency slot stays taken until it "
            "returns",
            self._thread.name,
        )

    def _interrupt(self) -> bool:
        """Raise HandlerTimedOut in the thread if it is in user code at a safe point (called
        with the lock held); whether it was sent."""
        thread_id = self._thread.ident
        if thread_id is None or not self._in_handler:
            return False
        return interrupt_at_safepoint(thread_id, Execution._run.__code__, HandlerTimedOut)


def _checkpoint() -> None:
    """A Python call: an interrupt sent before `_in_handler` was cleared is raised here."""
