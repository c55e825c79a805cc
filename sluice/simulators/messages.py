"""The request a simulator's route handler receives and the response it returns."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

IDEMPOTENCY_KEY_HEADER = "idempotency-key"
JSON_CONTENT_TYPE = "application/json"
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Request:
    """One parsed HTTP request: header names lower-case, query keeps each name's last value."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any
    path_params: Mapping[str, str] = field(default_factory=dict)

    @property
    def idempotency_key(self) -> str | None:
        """The `Idempotency-Key` header, if the request carries one."""
        return self.headers.get(IDEMPOTENCY_KEY_HEADER) or None


@dataclass(frozen=True)
class Response:
    """What a simulator answers: a JSON value, plain text (a `str` body) or nothing."""

    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[bytes, str | None]:
        """The body as bytes and its content type (None for an empty body)."""
        if self.body is None:
            return b"", None
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), TEXT_CONTENT_TYPE
        return json.dumps(self.body, separators=(",", ":")).encode("utf-8"), JSON_CONTENT_TYPE


def error(status: int, message: str, **details: Any) -> Response:
    """An error answer in the shape the providers share: `{"message", ...details}`."""
    return Response(status, {"message": message, **details})


def not_found(kind: str, identifier: str) -> Response:
    """404 for an unknown record."""
    return error(404, f"{kind} {identifier} not found")
