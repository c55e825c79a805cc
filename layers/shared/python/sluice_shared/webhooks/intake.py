"""Webhook intake: the checks every signed webhook passes before its process reads it.

Order and shipment ingest refuse a request the same way, cheapest check first, before anything
is written or started: 405 method, 404 source, 400 undecodable base64, 413 size (before any
parsing), 415 content type, 401 signature, then 400 JSON and fields. Each refusal is counted
(`WebhooksRejected`) and logged with its status code.
"""

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sluice_shared.models.field_errors import field_errors
from sluice_shared.observability import count, get_logger
from sluice_shared.webhooks.http import WebhookRequest, WebhookResponse
from sluice_shared.webhooks.signature import SIGNATURE_HEADER, is_valid_signature

_SOURCE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_JSON_MEDIA_TYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json$")

Model = TypeVar("Model", bound=BaseModel)


def reject(status_code: int, message: str, **body: Any) -> WebhookResponse:
    """A JSON error answer."""
    return WebhookResponse(status_code, {"message": message, **body})


def _decoded_body(request: WebhookRequest) -> bytes | None:
    """The raw body bytes (base64-decoded when API Gateway encoded them); None if undecodable."""
    if not request.is_base64_encoded:
        return request.body.encode("utf-8")
    try:
        return base64.b64decode(request.body, validate=True)
    except binascii.Error:
        return None


def _is_json_content_type(headers: Mapping[str, str]) -> bool:
    """Whether the Content-Type is JSON (`application/json` or `application/*+json`)."""
    media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return bool(_JSON_MEDIA_TYPE.match(media_type))


def verified_body(
    request: WebhookRequest, *, max_body_bytes: int, webhook_secret: Callable[[], str]
) -> bytes | WebhookResponse:
    """The signed raw body, or the answer refusing the request.

    `webhook_secret` is called only once every cheaper check has passed.
    """
    if request.method != "POST":
        return WebhookResponse(405, {"message": "method not allowed"}, {"allow": "POST"})
    if request.source is None or not _SOURCE.match(request.source):
        return reject(404, "unknown webhook source")
    body = _decoded_body(request)
    if body is None:
        return reject(400, "body is not valid base64")
    if len(body) > max_body_bytes:
        return reject(413, f"body is larger than {max_body_bytes} bytes")
    if not _is_json_content_type(request.headers):
        return reject(415, "content type must be application/json")
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        return reject(401, "missing X-Sluice-Signature header")
    if not is_valid_signature(body, webhook_secret(), signature):
        return reject(401, "invalid signature")
    return body


def parse_model(
    body: bytes,
    model: type[Model],
    noun: str,
    *,
    parse_float: Callable[[str], Any] | None = None,
) -> Model | WebhookResponse:
    """The `model` in the JSON object `body`, or the 400 answer saying why it is not one.

    `noun` names the model in the answer (`"<noun> has invalid fields"`); `parse_float` is
    passed to `json.loads` (e.g. `Decimal` for money).
    """
    try:
        payload = json.loads(body, parse_float=parse_float)
    except (UnicodeDecodeError, ValueError):
        return reject(400, "body is not valid JSON")
    if not isinstance(payload, dict):
        return reject(400, "body must be a JSON object")
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        return reject(400, f"{noun} has invalid fields", errors=field_errors(error))


def rejected(response: WebhookResponse) -> WebhookResponse:
    """Count and log a refused request, then return its answer."""
    count("WebhooksRejected")
    get_logger().info("webhook rejected", extra={"statusCode": response.status_code})
    return response
