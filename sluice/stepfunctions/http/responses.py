"""AWS JSON 1.0 requests to Step Functions service calls, and their results to responses."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from botocore.model import OperationModel

from sluice.stepfunctions.errors import ServiceError, ValidationException
from sluice.stepfunctions.http.exceptions import (
    InternalFailure,
    SerializationException,
    UnknownOperationException,
)
from sluice.stepfunctions.http.model import (
    method_name,
    missing_members,
    operation_for_target,
    to_wire,
)

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/x-amz-json-1.0"


@dataclass(frozen=True)
class ApiResponse:
    """An HTTP response of the API: status, headers and the JSON body as bytes."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class StepFunctionsResponses:
    """Parses AWS JSON 1.0 requests, calls the service, and shapes its answer or error.

    `service` is any object with one method per operation in snake_case, taking the
    request members as one dict and returning the response members as a dict
    (`sluice.stepfunctions.service.StepFunctionsService`).
    """

    def __init__(self, service: object) -> None:
        self._service = service

    def dispatch(self, target: str | None, body: bytes) -> ApiResponse:
        """Answer one request: `target` is its `X-Amz-Target` header, `body` its JSON body."""
        request_id = str(uuid.uuid4())
        try:
            payload = self._call(target, body)
        except ServiceError as error:
            return _error_response(error, request_id)
        except Exception:
            logger.exception("Step Functions API call %s failed (request %s)", target, request_id)
            failure = InternalFailure(f"The local Step Functions engine failed on {target}.")
            return _error_response(failure, request_id)
        return ApiResponse(200, payload, _headers(request_id))

    def _call(self, target: str | None, body: bytes) -> bytes:
        """Run the operation named by `target` on the JSON request `body`; return the JSON."""
        operation = _operation(target)
        request = _request_members(body)
        missing = missing_members(operation.input_shape, request)
        if missing:
            raise ValidationException(_validation_message(missing))
        handler = getattr(self._service, method_name(operation), None)
        if handler is None:
            raise UnknownOperationException(
                f"Operation {operation.name} is not implemented by the local Step Functions engine."
            )
        result = handler(request)
        return json.dumps(to_wire(operation.output_shape, result)).encode()


def _operation(target: str | None) -> OperationModel:
    """Return the operation an `X-Amz-Target` header names, or raise UnknownOperation."""
    operation = operation_for_target(target)
    if operation is None:
        raise UnknownOperationException(f"Unknown operation {target!r}.")
    return operation


def _request_members(body: bytes) -> dict[str, Any]:
    """Return the request members of a JSON body (an empty body has none)."""
    if not body.strip():
        return {}
    try:
        members = json.loads(body)
    except ValueError as error:
        raise SerializationException(f"The request body is not valid JSON: {error}") from None
    if not isinstance(members, dict):
        raise SerializationException("The request body must be a JSON object.")
    return members


def _validation_message(missing: list[str]) -> str:
    """Return AWS's message for required members that are missing."""
    count = len(missing)
    noun = "error" if count == 1 else "errors"
    details = "; ".join(
        f"Value null at '{path}' failed to satisfy constraint: Member must not be null"
        for path in missing
    )
    return f"{count} validation {noun} detected: {details}"


def _error_response(error: ServiceError, request_id: str) -> ApiResponse:
    """Return the JSON error response AWS sends for `error`."""
    body = json.dumps({"__type": error.code, "message": error.message}).encode()
    return ApiResponse(error.status, body, _headers(request_id))


def _headers(request_id: str) -> dict[str, str]:
    """Return the headers every response carries."""
    return {"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": request_id}
