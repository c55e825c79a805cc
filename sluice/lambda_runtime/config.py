"""A function's configuration: code, handler, environment, limits and async error handling."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"
LATEST = "$LATEST"
# https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html (1 to 900 s)
MAX_TIMEOUT_SECONDS = 900
# https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html (128 to 10,240 MB)
MIN_MEMORY_MB = 128
MAX_MEMORY_MB = 10_240
# https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2
DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 21_600
MIN_MAXIMUM_EVENT_AGE_SECONDS = 60

OnFailure = Callable[[dict[str, Any]], None]
"""Receives Lambda's invocation record of an async event that failed every attempt."""


@dataclass(frozen=True)
class AsyncInvokeConfig:
    """`EventInvokeConfig`: retries and event age of asynchronous invocations, and on-failure."""

    maximum_retry_attempts: int = DEFAULT_MAXIMUM_RETRY_ATTEMPTS
    maximum_event_age_seconds: int = DEFAULT_MAXIMUM_EVENT_AGE_SECONDS
    on_failure: OnFailure | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.maximum_retry_attempts <= DEFAULT_MAXIMUM_RETRY_ATTEMPTS:
            raise ValueError("MaximumRetryAttempts must be between 0 and 2")
        if not (
            MIN_MAXIMUM_EVENT_AGE_SECONDS
            <= self.maximum_event_age_seconds
            <= DEFAULT_MAXIMUM_EVENT_AGE_SECONDS
        ):
            raise ValueError("MaximumEventAgeInSeconds must be between 60 and 21600")


@dataclass(frozen=True)
class FunctionConfig:
    """One function as the template declares it.

    `code_dir` is the CodeUri directory and `handler` is `module.function` inside it (e.g.
    `app.handler` for `<code_dir>/app.py`). `layer_dirs` are the directories to put on
    `sys.path` (a layer's `<ContentUri>/python`). `reserved_concurrency` None means unreserved;
    0 throttles every invocation.
    """

    name: str
    code_dir: Path
    handler: str = "app.handler"
    environment: Mapping[str, object] = field(default_factory=dict)
    timeout_seconds: float = 3
    memory_mb: int = MIN_MEMORY_MB
    reserved_concurrency: int | None = None
    layer_dirs: tuple[Path, ...] = ()
    runtime: str = "python3.13"
    region: str = DEFAULT_REGION
    account_id: str = DEFAULT_ACCOUNT_ID
    async_config: AsyncInvokeConfig = field(default_factory=AsyncInvokeConfig)

    def __post_init__(self) -> None:
        if not 0 < self.timeout_seconds <= MAX_TIMEOUT_SECONDS:
            raise ValueError(f"Timeout of {self.name} must be between 1 and 900 seconds")
        if not MIN_MEMORY_MB <= self.memory_mb <= MAX_MEMORY_MB:
            raise ValueError(f"MemorySize of {self.name} must be between 128 and 10240 MB")
        if self.reserved_concurrency is not None and self.reserved_concurrency < 0:
            raise ValueError(f"ReservedConcurrentExecutions of {self.name} must be >= 0")

    @property
    def arn(self) -> str:
        """The unqualified function ARN."""
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.name}"

    @property
    def log_group_name(self) -> str:
        """The CloudWatch Logs group Lambda writes to."""
        return f"/aws/lambda/{self.name}"
