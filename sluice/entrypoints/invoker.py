"""What the entry points need from Lambda and other targets: an invoke callable, failure kinds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

REQUEST_RESPONSE = "RequestResponse"
EVENT = "Event"

# Error codes that mean the target is missing: retrying cannot help.
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
_MISSING_CODES = frozenset(
    {
        "ResourceNotFoundException",
        "StateMachineDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
    }
)
_THROTTLE_CODES = frozenset(
    {"TooManyRequestsException", "ThrottlingException", "Throttling", "RequestThrottled"}
)

NO_RESOURCE = "NO_RESOURCE"
THROTTLING = "THROTTLING"
SDK_CLIENT_ERROR = "SDK_CLIENT_ERROR"


class InvocationResultLike(Protocol):
    """The parts of Lambda's Invoke answer the entry points read."""

    @property
    def status_code(self) -> int:
        """HTTP status of the Invoke call (200, 202, 204)."""
        ...

    @property
    def payload(self) -> Any:
        """The function's result: decoded JSON, or bytes."""
        ...

    @property
    def function_error(self) -> str | None:
        """`Unhandled` when the function failed, else None."""
        ...


class Invoke(Protocol):
    """Invoke a function by name or ARN; raises when Lambda refuses (throttle, not found)."""

    def __call__(
        self, function_name: str, payload: Any, invocation_type: str
    ) -> InvocationResultLike:
        """Run (RequestResponse) or queue (Event) one invocation."""
        ...


@dataclass(frozen=True)
class Failure:
    """Why a delivery failed: an EventBridge-style error code, its message, whether to retry."""

    code: str
    message: str
    retriable: bool


def error_code(error: BaseException) -> str:
    """The AWS error code of an exception: botocore's `Error.Code`, a `code` attribute, or
    the class name."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        if code:
            return str(code)
    code = getattr(error, "code", None)
    return code if isinstance(code, str) else type(error).__name__


def is_throttle(error: BaseException) -> bool:
    """Whether the error says the target was throttled (HTTP 429 or a throttling code)."""
    return getattr(error, "status_code", None) == 429 or error_code(error) in _THROTTLE_CODES


def classify(error: BaseException) -> Failure:
    """Sort a failed delivery: a missing target is not retried, throttles and others are."""
    code = error_code(error)
    if code in _MISSING_CODES:
        return Failure(NO_RESOURCE, str(error), retriable=False)
    if is_throttle(error):
        return Failure(THROTTLING, str(error), retriable=True)
    return Failure(SDK_CLIENT_ERROR, str(error), retriable=True)
