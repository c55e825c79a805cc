"""Lambda's API errors (one class per AWS error code) and the error payloads functions return.

Payload shapes follow the Python runtime interface client (`awslambdaric/bootstrap.py`):
`{"errorMessage", "errorType", "requestId", "stackTrace"}`.
"""

from __future__ import annotations

import traceback
from datetime import datetime
from types import TracebackType
from typing import Any

# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors
RESERVED_LIMIT_EXCEEDED = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT_LIMIT_EXCEEDED = "ConcurrentInvocationLimitExceeded"

MARSHAL_ERROR = "Runtime.MarshalError"
IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
TIMED_OUT = "Sandbox.Timedout"


class LambdaServiceError(Exception):
    """An Invoke API error: `code` is the AWS error code, `status_code` the HTTP status."""

    code = "ServiceException"
    status_code = 500

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason

    def to_response(self) -> dict[str, Any]:
        """The error body as Lambda's API returns it."""
        body: dict[str, Any] = {"Type": "User", "message": self.message}
        if self.reason is not None:
            body["Reason"] = self.reason
        return body


class TooManyRequestsException(LambdaServiceError):
    """The invocation was throttled: no concurrency was available (reserved or account)."""

    code = "TooManyRequestsException"
    status_code = 429

    def __init__(self, reason: str) -> None:
        super().__init__("Rate Exceeded.", reason)


class ResourceNotFoundException(LambdaServiceError):
    """No function has that name or ARN."""

    code = "ResourceNotFoundException"
    status_code = 404


class InvalidRequestContentException(LambdaServiceError):
    """The payload is not JSON."""

    code = "InvalidRequestContentException"
    status_code = 400


class FaultError(Exception):
    """A runtime fault (import, handler lookup, marshalling) with Lambda's error type."""

    def __init__(self, error_type: str, message: str, stack_trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.stack_trace = stack_trace or []


def error_payload(
    error_type: str, message: str, stack_trace: list[str], request_id: str
) -> dict[str, Any]:
    """An error payload as the Python runtime posts it."""
    return {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": stack_trace,
    }


def unhandled_payload(error: BaseException, request_id: str) -> dict[str, Any]:
    """The payload of an exception the handler raised, with its stack from the handler down."""
    frames = traceback.extract_tb(_user_traceback(error.__traceback__))
    return error_payload(
        type(error).__name__, str(error), traceback.format_list(frames), request_id
    )


def fault_payload(fault: FaultError, request_id: str) -> dict[str, Any]:
    """The payload of a runtime fault."""
    return error_payload(fault.error_type, fault.message, fault.stack_trace, request_id)


def timeout_payload(request_id: str, timeout_seconds: float) -> dict[str, Any]:
    """What Invoke returns for a function that ran past its timeout.

    e.g. `{"errorType": "Sandbox.Timedout", "errorMessage": "RequestId: <id> Error: Task timed
    out after 3.00 seconds"}` (the current shape; the log line has the older form, see
    `timeout_log_line`).
    """
    return {
        "errorMessage": f"RequestId: {request_id} Error: Task timed out after "
        f"{timeout_seconds:.2f} seconds",
        "errorType": TIMED_OUT,
    }


def timeout_log_line(now: datetime, request_id: str, timeout_seconds: float) -> str:
    """The line Lambda writes to the function's log when it times out."""
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    return f"{stamp} {request_id} Task timed out after {timeout_seconds:.2f} seconds"


def _user_traceback(tb: TracebackType | None) -> TracebackType | None:
    """Skip the runtime's own frames, as the runtime skips `bootstrap.py`'s."""
    while tb is not None and tb.tb_frame.f_globals.get("__name__", "").startswith(
        "sluice.lambda_runtime"
    ):
        tb = tb.tb_next
    return tb
