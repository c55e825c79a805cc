"""What each function did: a record per invocation and counters, for tests and reports."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime

SUCCESS = "Success"
ERROR = "Error"
TIMEOUT = "Timeout"

DEFAULT_KEPT_RECORDS = 10_000


@dataclass(frozen=True)
class InvocationRecord:
    """One invocation that ran: when, how long (clock time), and how it ended."""

    function_name: str
    request_id: str
    invocation_type: str
    start: datetime
    end: datetime
    duration_ms: float
    outcome: str
    error_type: str | None
    cold_start: bool


@dataclass(frozen=True)
class FunctionMetrics:
    """Counters of one function (throttled invocations never ran, so they have no record)."""

    invocations: int
    errors: int
    timeouts: int
    throttles: int
    cold_starts: int
    peak_concurrency: int


class InvocationLog:
    """The records (the newest `kept` of them) and counters of one function."""

    def __init__(self, kept: int = DEFAULT_KEPT_RECORDS) -> None:
        self._records: deque[InvocationRecord] = deque(maxlen=kept)
        self._invocations = 0
        self._errors = 0
        self._timeouts = 0
        self._throttles = 0
        self._cold_starts = 0
        self._lock = threading.Lock()

    def add(self, record: InvocationRecord) -> None:
        """Count and keep a finished invocation."""
        with self._lock:
            self._records.append(record)
            self._invocations += 1
            self._errors += record.outcome == ERROR
            self._timeouts += record.outcome == TIMEOUT
            self._cold_starts += record.cold_start

    def throttled(self) -> None:
        """Count a throttled invocation."""
        with self._lock:
            self._throttles += 1

    def records(self) -> list[InvocationRecord]:
        """The kept records, oldest first."""
        with self._lock:
            return list(self._records)

    def metrics(self, peak_concurrency: int) -> FunctionMetrics:
        """The counters, with the peak concurrency the limiter observed."""
        with self._lock:
            return FunctionMetrics(
                invocations=self._invocations,
                errors=self._errors,
                timeouts=self._timeouts,
                throttles=self._throttles,
                cold_starts=self._cold_starts,
                peak_concurrency=peak_concurrency,
            )
