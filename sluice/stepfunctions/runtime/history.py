"""History of one execution: numbered events and scope checkpoints, buffered and written together.

Pure states (Pass, Choice, Succeed, inline flow) only buffer: events and the latest checkpoint
of each scope are written in one transaction when the execution is about to have an effect
outside itself or to wait (a task call, a Wait state, a retry interval, a map run), when it
closes, when a reader asks for its history, and whenever the buffer grows past
`FLUSH_EVENTS`. What is in the store is therefore always a consistent prefix: the history up
to a point and the checkpoints that let a restarted engine resume from there.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sluice.clock import Clock
from sluice.stepfunctions.records import HistoryEvent, ScopeCheckpoint
from sluice.stepfunctions.runtime.control import ExecutionStopped
from sluice.stepfunctions.store import Store, Transition

# Buffered events written at once at most; bounds memory and staleness of long pure loops.
FLUSH_EVENTS = 512


@dataclass
class _Frame:
    """Something running (a state, a Map iteration, a map run) and the event if it is aborted."""

    cursor: EventCursor
    event_type: str
    details_key: str | None
    details: dict[str, Any] | None


class HistoryRecorder:
    """Numbers an execution's events, buffers them with checkpoints and writes them in batches.

    Once `close` has recorded the closing event (success, failure, abort, time-out) further
    events raise ExecutionStopped, so a thread still running a stopped execution records nothing.
    What is running is tracked as frames (`enter`/`leave`), so that stopping the execution
    records their abort events (`TaskStateAborted`, `MapIterationAborted`...) before its own.
    """

    def __init__(
        self, store: Store | None, clock: Clock, execution_arn: str, last_event_id: int
    ) -> None:
        self._store = store
        self._clock = clock
        self._arn = execution_arn
        self._lock = threading.Lock()
        self._next_id = last_event_id + 1
        self._buffer: list[HistoryEvent] = []
        self._checkpoints: dict[str, ScopeCheckpoint] = {}
        self._forgotten: list[str] = []
        self._wrote_checkpoints = False
        self._frames: dict[int, _Frame] = {}
        self._frame_ids = itertools.count()
        self._closed = False
        self.event_count = last_event_id

    @property
    def closed(self) -> bool:
        """Whether the execution's closing event has been recorded."""
        return self._closed

    def add(
        self,
        event_type: str,
        previous_event_id: int,
        details_key: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> int:
        """Buffer an event and return its id."""
        with self._lock:
            if self._closed:
                raise ExecutionStopped()
            event_id = self._append(event_type, previous_event_id, details_key, details)
            if len(self._buffer) >= FLUSH_EVENTS:
                self._write()
            return event_id

    def _append(
        self,
        event_type: str,
        previous_event_id: int,
        details_key: str | None,
        details: dict[str, Any] | None,
    ) -> int:
        event_id = self._next_id
        self._next_id += 1
        self.event_count = event_id
        self._buffer.append(
            HistoryEvent(
                event_id, event_type, self._clock.now(), previous_event_id, details_key, details
            )
        )
        return event_id

    def enter(
        self,
        cursor: EventCursor,
        event_type: str,
        details_key: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> int:
        """Note that something is running in `cursor`'s scope; return the frame's token.

        `event_type` (with its details) is what the history records if it is aborted.
        """
        token = next(self._frame_ids)
        with self._lock:
            self._frames[token] = _Frame(cursor, event_type, details_key, details)
        return token

    def leave(self, token: int) -> None:
        """Note that the frame's work ended (it will not be reported as aborted)."""
        with self._lock:
            self._frames.pop(token, None)

    def abort(self, token: int) -> None:
        """Record the frame's abort event now (a sibling failed), unless already recorded."""
        with self._lock:
            frame = self._frames.pop(token, None)
            if frame is not None and not self._closed:
                self._append_frame(frame)

    def _append_frame(self, frame: _Frame) -> None:
        frame.cursor.last_event_id = self._append(
            frame.event_type, frame.cursor.last_event_id, frame.details_key, frame.details
        )

    def checkpoint(self, checkpoint: ScopeCheckpoint) -> None:
        """Buffer a scope's checkpoint, replacing the one buffered for that scope before."""
        with self._lock:
            if self._closed:
                raise ExecutionStopped()
            self._checkpoints[checkpoint.scope] = checkpoint

    def forget(self, prefix: str) -> None:
        """Forget the checkpoints of every scope under `prefix`, buffered or written."""
        with self._lock:
            for scope in [scope for scope in self._checkpoints if scope.startswith(prefix)]:
                del self._checkpoints[scope]
            self._forgotten.append(prefix)

    def buffered_checkpoint(self, scope: str) -> ScopeCheckpoint | None:
        """The checkpoint of `scope` not written yet, if any."""
        with self._lock:
            return self._checkpoints.get(scope)

    def flush(self, execution_updates: dict[str, Any] | None = None) -> None:
        """Write the buffered events and checkpoints (and execution fields) in one transaction."""
        with self._lock:
            if self._closed:
                raise ExecutionStopped()
            self._write(execution_updates)

    def sync(self) -> None:
        """Write what is buffered so readers see it (a no-op once the execution closed)."""
        with self._lock:
            if not self._closed:
                self._write()

    def _write(self, execution_updates: dict[str, Any] | None = None) -> None:
        events, self._buffer = self._buffer, []
        checkpoints, self._checkpoints = self._checkpoints, {}
        forgotten, self._forgotten = self._forgotten, []
        self._wrote_checkpoints = self._wrote_checkpoints or bool(checkpoints)
        if self._store is not None and (events or checkpoints or forgotten or execution_updates):
            self._store.commit(
                self._arn,
                Transition(events, execution_updates, list(checkpoints.values()), forgotten),
            )

    def close(
        self,
        event_type: str,
        details_key: str | None,
        details: dict[str, Any] | None,
        execution_updates: dict[str, Any],
        on_closed: Callable[[], None] | None = None,
        keep_checkpoints: bool = True,
        abort_running: bool = False,
    ) -> bool:
        """Record the closing event and status unless already closed; return whether it did.

        Without `keep_checkpoints` (an execution that succeeded can never be redriven) the
        buffered checkpoints are dropped and the written ones deleted. With `abort_running`
        (StopExecution) the abort events of what is still running come first, innermost first.
        """
        with self._lock:
            if self._closed:
                return False
            if abort_running:
                for token in sorted(self._frames, reverse=True):
                    self._append_frame(self._frames.pop(token))
            if not keep_checkpoints:
                self._checkpoints.clear()
                self._forgotten = [""] if self._wrote_checkpoints else []
            self._append(event_type, self._next_id - 1, details_key, details)
            self._write(execution_updates)
            self._closed = True
        if on_closed is not None:
            on_closed()
        return True


class EventCursor:
    """Events of one scope: each new event points back to the scope's previous one."""

    def __init__(self, recorder: HistoryRecorder, last_event_id: int) -> None:
        self.recorder = recorder
        self.last_event_id = last_event_id

    def add(
        self, event_type: str, details_key: str | None = None, details: dict[str, Any] | None = None
    ) -> int:
        """Record an event after this scope's last one and return its id."""
        self.last_event_id = self.recorder.add(event_type, self.last_event_id, details_key, details)
        return self.last_event_id
