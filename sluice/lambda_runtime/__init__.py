"""In-process Lambda runtime: handlers run in threads with their own environment and limits."""

from sluice.lambda_runtime.config import AsyncInvokeConfig, FunctionConfig
from sluice.lambda_runtime.context import LambdaContext
from sluice.lambda_runtime.errors import (
    InvalidRequestContentException,
    LambdaServiceError,
    ResourceNotFoundException,
    TooManyRequestsException,
)
from sluice.lambda_runtime.records import FunctionMetrics, InvocationRecord
from sluice.lambda_runtime.result import InvocationResult
from sluice.lambda_runtime.runtime import DRY_RUN, EVENT, REQUEST_RESPONSE, LambdaRuntime

__all__ = [
    "DRY_RUN",
    "EVENT",
    "REQUEST_RESPONSE",
    "AsyncInvokeConfig",
    "FunctionConfig",
    "FunctionMetrics",
    "InvalidRequestContentException",
    "InvocationRecord",
    "InvocationResult",
    "LambdaContext",
    "LambdaRuntime",
    "LambdaServiceError",
    "ResourceNotFoundException",
    "TooManyRequestsException",
]
