"""A webhook request and response, and their API Gateway HTTP API (payload 2.0) shapes."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class WebhookRequest:
    """What ingest needs from an HTTP request; header names are lower-case."""

    method: str
    body: str
    is_base64_encoded: bool
    headers: Mapping[str, str]
    source: str | None

    @classmethod
    def from_api_gateway(cls, event: Mapping[str, Any]) -> "WebhookRequest":
        """Read an HTTP API payload format 2.0 event."""
        http = event.get("requestContext", {}).get("http", {})
        headers = event.get("headers") or {}
        return cls(
            method=str(http.get("method", "")).upper(),
            body=event.get("body") or "",
            is_base64_encoded=bool(event.get("isBase64Encoded")),
            headers={str(name).lower(): str(value) for name, value in headers.items()},
            source=(event.get("pathParameters") or {}).get("source"),
        )


@dataclass(frozen=True)
class WebhookResponse:
    """A JSON answer to a webhook."""

    status_code: int
    body: Mapping[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)

    def to_api_gateway(self) -> dict[str, Any]:
        """The response in the shape an HTTP API Lambda integration returns."""
        return {
            "statusCode": self.status_code,
            "headers": {"content-type": "application/json", **self.headers},
            "body": json.dumps(self.body, separators=(",", ":")),
        }
