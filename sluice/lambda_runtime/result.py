"""What Invoke returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class InvocationResult:
    """Invoke's answer: HTTP status, the payload (decoded JSON, or bytes when the handler
    returned bytes), `function_error` ("Unhandled") when the function failed, and the version."""

    status_code: int
    request_id: str
    payload: Any = None
    function_error: str | None = None
    executed_version: str | None = None
