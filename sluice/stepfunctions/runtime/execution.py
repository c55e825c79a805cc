"""An execution while it runs: its info, definition, services, clock, cancellation and deadline."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sluice.clock import Clock
from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.integrations.call import TaskCall
from sluice.stepfunctions.integrations.dispatch import call_integration
from sluice.stepfunctions.records import ScopeCheckpoint
from sluice.stepfunctions.runtime.context import ExecutionInfo
from sluice.stepfunctions.runtime.control import Cancellation, ExecutionStopped
from sluice.stepfunctions.runtime.fanout import before_blocking
from sluice.stepfunctions.runtime.history import HistoryRecorder
from sluice.stepfunctions.runtime.workers import ENGINE_WORKERS
from sluice.stepfunctions.store import Store
from sluice.timeouts import wait_out_allowance

if TYPE_CHECKING:
    from sluice.stepfunctions.integrations import Integrations
    from sluice.stepfunctions.runtime.engine import Engine

T = TypeVar("T")


@dataclass
class _CallResult:
    value: Any = None
    error: BaseException | None = None


class ExecutionRuntime:
    """Everything the states of one running execution share.

    Every wait goes through the injected clock, is cut short by cancellation (StopExecution,
    a failed sibling) and by the execution's own `TimeoutSeconds` deadline.
    """

    def __init__(
        self,
        info: ExecutionInfo,
        definition: dict[str, Any],
        recorder: HistoryRecorder,
        clock: Clock,
        integrations: Integrations,
        engine: Engine,
        rng: random.Random,
        region: str,
        cancellation: Cancellation | None = None,
        on_deadline: Callable[[], None] | None = None,
        deadline: float | None = None,
        store: Store | None = None,
    ) -> None:
        self.info = info
        self.definition = definition
        self.recorder = recorder
        self.clock = clock
        self.integrations = integrations
        self.engine = engine
        self.rng = rng
        self.region = region
        self.cancellation = cancellation or Cancellation()
        self._on_deadline = on_deadline
        self.deadline = deadline
        self.store = store
        self.task_invoker: Callable[[TaskCall], Any] = call_integration

    def checkpoint(self, scope: str) -> ScopeCheckpoint | None:
        """The latest checkpoint of a scope of this execution, if any."""
        buffered = self.recorder.buffered_checkpoint(scope)
        if buffered is not None or self.store is None:
            return buffered
        return self.store.get_checkpoint(self.info.arn, scope)

    def save_checkpoint(self, checkpoint: ScopeCheckpoint) -> None:
        """Record where a scope stands (written with the next flush of the history)."""
        self.recorder.checkpoint(checkpoint)

    def forget_checkpoints(self, prefix: str) -> None:
        """Forget the checkpoints of scopes under `prefix` (a Map or Parallel entered afresh)."""
        self.recorder.forget(prefix)

    def flush(self) -> None:
        """Write buffered history events and checkpoints now (before effects and waits)."""
        self.recorder.flush()

    def _remaining(self) -> float | None:
        if self.deadline is None:
            return None
        return self.deadline - self.clock.monotonic()

    def check(self, cancellation: Cancellation) -> None:
        """Raise ExecutionStopped if the scope was cancelled or the execution timed out."""
        cancellation.check()
        remaining = self._remaining()
        if remaining is not None and remaining <= 0:
            self._expire()

    def _expire(self) -> None:
        if self._on_deadline is not None:
            self._on_deadline()
        raise ExecutionStopped()

    def pause(self, seconds: float, cancellation: Cancellation) -> None:
        """Let `seconds` pass (Wait states, retry intervals), stopping early if cancelled."""
        remaining = self._remaining()
        capped = seconds if remaining is None else min(seconds, max(remaining, 0.0))
        if capped > 0:
            before_blocking()
            wake = threading.Event()
            cancellation.register(wake)
            try:
                self.clock.sleep(capped, wake)
            finally:
                cancellation.unregister(wake)
        self.check(cancellation)

    def wait(
        self, event: threading.Event, timeout: float | None, cancellation: Cancellation
    ) -> bool:
        """Wait up to `timeout` for `event`; return whether it is set (cancellation raises)."""
        deadline = None if timeout is None else self.clock.monotonic() + timeout
        return self.wait_until(event, deadline, cancellation)

    def wait_until(
        self, event: threading.Event, deadline: float | None, cancellation: Cancellation
    ) -> bool:
        """Wait for `event` until the clock reaches `deadline` (or the execution's own).

        Return whether the event is set; cancellation and the execution deadline raise.
        """
        if self.deadline is not None:
            deadline = self.deadline if deadline is None else min(deadline, self.deadline)
        if not event.is_set():
            before_blocking()
        cancellation.register(event)
        try:
            if deadline is None:
                self.clock.wait(event, None)
            else:
                self.clock.wait_until(event, deadline)
        finally:
            cancellation.unregister(event)
        self.check(cancellation)
        return event.is_set()

    def call(
        self, function: Callable[[], T], deadline: float | None, cancellation: Cancellation
    ) -> T:
        """Run `function`, failing with `States.Timeout` when it runs past `deadline`.

        Under a scaled clock the task also gets the compute allowance of `sluice.timeouts`, as
        Lambda timeouts do: otherwise a busy machine's slowness fails a state that AWS would
        not time out, while the Lambda behind it is still allowed to finish.
        """
        before_blocking()
        if deadline is None and self.deadline is None:
            result = function()
            self.check(cancellation)
            return result
        done = threading.Event()
        outcome = _CallResult()

        def target() -> None:
            try:
                outcome.value = function()
            except BaseException as error:
                outcome.error = error
            done.set()

        started = time.monotonic()
        timeout = None if deadline is None else deadline - self.clock.monotonic()
        ENGINE_WORKERS.submit(target)
        if not self.wait_until(done, deadline, cancellation) and not (
            timeout is not None and wait_out_allowance(self.clock, done, timeout, started)
        ):
            raise StatesError("States.Timeout", "")
        if outcome.error is not None:
            raise outcome.error
        return outcome.value
