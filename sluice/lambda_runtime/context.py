"""The context object a handler receives, as the Python runtime builds it.

Attributes follow `awslambdaric/lambda_context.py`: `memory_limit_in_mb` is a string there
(read from `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`), `identity` an object whose Cognito fields are
None, `client_context` None unless the caller sent one. The remaining time comes from the
injected clock, so a scaled clock shortens it with everything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from sluice.clock import Clock


@dataclass
class CognitoIdentity:
    """The Cognito identity of the caller (None for anything but the mobile SDKs)."""

    cognito_identity_id: str | None = None
    cognito_identity_pool_id: str | None = None


class LambdaContext:
    """Methods and properties about the invocation, the function and the execution environment."""

    def __init__(
        self,
        *,
        aws_request_id: str,
        function_name: str,
        function_version: str,
        invoked_function_arn: str,
        memory_limit_in_mb: int,
        log_group_name: str,
        log_stream_name: str,
        clock: Clock,
        deadline: float,
    ) -> None:
        self.aws_request_id = aws_request_id
        self.function_name = function_name
        self.function_version = function_version
        self.invoked_function_arn = invoked_function_arn
        self.memory_limit_in_mb = str(memory_limit_in_mb)
        self.log_group_name = log_group_name
        self.log_stream_name = log_stream_name
        self.identity = CognitoIdentity()
        self.client_context: object | None = None
        self.tenant_id: str | None = None
        self._clock = clock
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the invocation times out (never negative)."""
        remaining = int((self._deadline - self._clock.monotonic()) * 1000)
        return max(remaining, 0)

    def __repr__(self) -> str:
        return (
            f"LambdaContext(aws_request_id={self.aws_request_id}, "
            f"function_name={self.function_name}, function_version={self.function_version})"
        )
