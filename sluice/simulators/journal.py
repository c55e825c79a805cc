"""The thread-safe record of every request a simulator received and how it answered."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sluice.simulators.messages import IDEMPOTENCY_KEY_HEADER
from sluice.simulators.routing import PathPattern


class Outcome(StrEnum):
    """What the simulator did with a request."""

    HANDLED = "handled"
    REPLAYED = "replayed"
    CAPPED = "capped"
    RATE_LIMITED = "rate_limited"
    UNAUTHORIZED = "unauthorized"
    BAD_REQUEST = "bad_request"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    ERROR_500 = "error_500"
    ERROR_503 = "error_503"
    RESET = "reset"
    SLOW = "slow"
    CRASHED = "crashed"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it arrived and as it was answered (`status` None: connection reset).

    `in_flight` counts the requests being worked on when it arrived (not counting itself);
    `open_connections` counts the TCP connections open then, including idle keep-alive ones.
    """

    sequence: int
    arrived_at: datetime
    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any
    in_flight: int
    open_connections: int
    status: int | None
    response_body: Any
    outcome: Outcome
    latency_seconds: float

    @property
    def idempotency_key(self) -> str | None:
        """The request's `Idempotency-Key` header, if any."""
        return self.headers.get(IDEMPOTENCY_KEY_HEADER)


class Journal:
    """Recorded requests in the order they were answered; safe to use from any thread."""

    def __init__(self) -> None:
        self._records: list[RecordedRequest] = []
        self._lock = threading.Lock()

    def append(self, record: RecordedRequest) -> None:
        """Record one answered request."""
        with self._lock:
            self._records.append(record)

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._records.clear()

    def __len__(self) -> int:
        """The number of recorded requests."""
        with self._lock:
            return len(self._records)

    def select(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        outcome: Outcome | None = None,
        idempotency_key: str | None = None,
    ) -> list[RecordedRequest]:
        """Records matching every given filter, in arrival order.

        `path` is an exact path, or a template such as `/sales-orders/{id}`.
        """
        pattern = PathPattern(path) if path is not None and "{" in path else None
        with self._lock:
            records = list(self._records)
        return sorted(
            (
                record
                for record in records
                if (method is None or record.method == method.upper())
                and (path is None or _path_matches(record.path, path, pattern))
                and (status is None or record.status == status)
                and (outcome is None or record.outcome == outcome)
                and (idempotency_key is None or record.idempotency_key == idempotency_key)
            ),
            key=lambda record: record.sequence,
        )


def _path_matches(actual: str, wanted: str, pattern: PathPattern | None) -> bool:
    """Whether a recorded path is the wanted one or fits the wanted template."""
    if pattern is not None:
        return pattern.match(actual) is not None
    return actual.rstrip("/") == wanted.rstrip("/")
