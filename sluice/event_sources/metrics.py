"""What an event source mapping did: batches, messages, deletes, failures, concurrency."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class MappingMetrics:
    """Counters of one mapping since it started."""

    batches: int
    messages: int
    deleted: int
    failed_messages: int
    failed_batches: int
    throttled_batches: int
    max_concurrent_invocations: int


class MappingCounters:
    """Thread-safe counters behind MappingMetrics, and the invocations in flight."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._batches = 0
        self._messages = 0
        self._deleted = 0
        self._failed_messages = 0
        self._failed_batches = 0
        self._throttled_batches = 0
        self._in_flight = 0
        self._max_in_flight = 0

    def invocation_started(self, size: int) -> None:
        """A batch of `size` messages is being handed to the function."""
        with self._lock:
            self._batches += 1
            self._messages += size
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def invocation_ended(self) -> None:
        """The function returned (or the invocation was refused)."""
        with self._lock:
            self._in_flight -= 1

    def throttled(self) -> None:
        """The invocation was throttled: the whole batch stays in flight."""
        with self._lock:
            self._throttled_batches += 1

    def settled(self, deleted: int, failed: int, whole_batch_failed: bool) -> None:
        """Messages deleted and messages left to come back after their visibility timeout."""
        with self._lock:
            self._deleted += deleted
            self._failed_messages += failed
            self._failed_batches += whole_batch_failed

    def snapshot(self) -> MappingMetrics:
        """The counters now."""
        with self._lock:
            return MappingMetrics(
                batches=self._batches,
                messages=self._messages,
                deleted=self._deleted,
                failed_messages=self._failed_messages,
                failed_batches=self._failed_batches,
                throttled_batches=self._throttled_batches,
                max_concurrent_invocations=self._max_in_flight,
            )
