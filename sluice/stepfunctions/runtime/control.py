"""Cancellation of running scopes: StopExecution, timeouts and failed siblings wake every wait."""

from __future__ import annotations

import threading


class ExecutionStopped(Exception):
    """Raised inside a scope that was cancelled, to unwind it without recording anything."""


class Cancellation:
    """A cancellable scope: cancelling it cancels its children and wakes their registered waits."""

    def __init__(self, parent: Cancellation | None = None) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._children: list[Cancellation] = []
        self._waiters: set[threading.Event] = set()
        if parent is not None:
            parent._adopt(self)

    @property
    def cancelled(self) -> bool:
        """Whether this scope (or one of its ancestors) was cancelled."""
        return self._cancelled

    def _adopt(self, child: Cancellation) -> None:
        with self._lock:
            self._children.append(child)
            cancelled = self._cancelled
        if cancelled:
            child.cancel()

    def child(self) -> Cancellation:
        """Return a new scope cancelled whenever this one is."""
        return Cancellation(self)

    def cancel(self) -> None:
        """Cancel this scope and everything under it, waking their waits."""
        with self._lock:
            if self._cancelled:
                return
            self._cancelled = True
            children = list(self._children)
            waiters = list(self._waiters)
        for waiter in waiters:
            waiter.set()
        for child in children:
            child.cancel()

    def register(self, event: threading.Event) -> None:
        """Have `event` set when this scope is cancelled."""
        with self._lock:
            self._waiters.add(event)
            cancelled = self._cancelled
        if cancelled:
            event.set()

    def unregister(self, event: threading.Event) -> None:
        """Stop watching `event`."""
        with self._lock:
            self._waiters.discard(event)

    def check(self) -> None:
        """Raise ExecutionStopped if this scope was cancelled."""
        if self._cancelled:
            raise ExecutionStopped()
