"""How an HTTP API turns a Lambda result into the HTTP response, and its own error answers.

https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
- Format 2.0: a JSON object with `statusCode` is a response (`headers`, `cookies` as
  `set-cookie` headers, `body`, `isBase64Encoded`); any other JSON value is sent as a 200
  with `content-type: application/json` and the value as the body.
- Format 1.0: the result must be an object with `statusCode` (`headers`,
  `multiValueHeaders`, `body`, `isBase64Encoded`).
- A function error, or a result that does not fit the format, is a 500
  `{"message":"Internal Server Error"}`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from sluice.entrypoints.http_routes import PAYLOAD_V1


@dataclass(frozen=True)
class HttpResponse:
    """A response to write: status, headers (names may repeat) and body bytes."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


class MalformedResponse(ValueError):
    """The function's result does not fit the payload format's response shape."""


def gateway_error(status: int, message: str) -> HttpResponse:
    """API Gateway's own JSON error answer, e.g. 404 `{"message":"Not Found"}`."""
    body = json.dumps({"message": message}, separators=(",", ":")).encode()
    return HttpResponse(status, [("content-type", "application/json")], body)


NOT_FOUND = gateway_error(404, "Not Found")
INTERNAL_SERVER_ERROR = gateway_error(500, "Internal Server Error")
TOO_MANY_REQUESTS = gateway_error(429, "Too Many Requests")
SERVICE_UNAVAILABLE = gateway_error(503, "Service Unavailable")
REQUEST_TOO_LARGE = gateway_error(413, "Request Entity Too Large")


def lambda_response(payload: Any, payload_format_version: str) -> HttpResponse:
    """The HTTP response for a successful function result; raises MalformedResponse."""
    if payload_format_version == PAYLOAD_V1:
        if not isinstance(payload, dict) or "statusCode" not in payload:
            raise MalformedResponse("format 1.0 needs an object with statusCode")
        return _structured(payload, allow_multi_value=True)
    if isinstance(payload, dict) and "statusCode" in payload:
        return _structured(payload, allow_multi_value=False)
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return HttpResponse(200, [("content-type", "application/json")], body)


def _structured(payload: dict[str, Any], allow_multi_value: bool) -> HttpResponse:
    status = payload["statusCode"]
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedResponse(f"invalid statusCode {payload['statusCode']!r}")
    headers = [(str(name), _text(value)) for name, value in (payload.get("headers") or {}).items()]
    if allow_multi_value:
        for name, values in (payload.get("multiValueHeaders") or {}).items():
            if not isinstance(values, list):
                raise MalformedResponse("multiValueHeaders values must be lists")
            headers.extend((str(name), _text(value)) for value in values)
    else:
        cookies = payload.get("cookies") or []
        if not isinstance(cookies, list):
            raise MalformedResponse("cookies must be a list")
        headers.extend(("set-cookie", str(cookie)) for cookie in cookies)
    return HttpResponse(status, headers, _body(payload))


def _body(payload: dict[str, Any]) -> bytes:
    body = payload.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise MalformedResponse("body must be a string")
    if payload.get("isBase64Encoded") is True:
        try:
            return base64.b64decode(body, validate=True)
        except binascii.Error as error:
            raise MalformedResponse("body is not valid base64") from error
    return body.encode()


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise MalformedResponse(f"header values must be scalars, got {type(value).__name__}")
