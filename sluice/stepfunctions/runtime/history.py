"""History of one execution: numbered events, buffered and written with the transition's state."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sluice.clock import Clock
from sluice.stepfunctions.records import HistoryEvent, ScopeCheckpoint
from sluice.stepfunctions.runtime.control import ExecutionStopped
from sluice.stepfunctions.store import Store, Transition


class HistoryRecorder:
    """Numbers an execution's events, buffers them and flushes them with checkpoints.

    Once `close` has recorded the closing event (success, failure, abort, time-out) further
    events raise ExecutionStopped, so a thread still running a stopped execution records nothing.
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
            return self._append(event_type, previous_event_id, details_key, details)

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

    def flush(
        self,
        checkpoints: list[ScopeCheckpoint] | None = None,
        execution_updates: dict[str, Any] | None = None,
    ) -> None:
        """Write the buffered events, checkpoints and execution fields in one transaction."""
        with self._lock:
            if self._closed:
                raise ExecutionStopped()
            events, self._buffer = self._buffer, []
            if self._store is not None and (events or checkpoints or execution_updates):
                self._store.commit(self._arn, Transition(events, execution_updates, checkpoints))

    def close(
        self,
        event_type: str,
        details_key: str | None,
        details: dict[str, Any] | None,
        execution_updates: dict[str, Any],
        on_closed: Callable[[], None] | None = None,
    ) -> bool:
        """Record the closing event and status unless already closed; return whether it did."""
        with self._lock:
            if self._closed:
                return False
            self._append(event_type, self._next_id - 1, details_key, details)
            events, self._buffer = self._buffer, []
            if self._store is not None:
                self._store.commit(self._arn, Transition(events, execution_updates))
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
