"""Concurrency as Lambda counts it: reserved per function, the rest shared by the account.

https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html: a function with reserved
concurrency R never runs more than R instances (R = 0 throttles everything); functions without
it share the account limit minus everything reserved. Acquiring never waits: no slot means the
invocation is throttled.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sluice.lambda_runtime.errors import (
    ACCOUNT_LIMIT_EXCEEDED,
    RESERVED_LIMIT_EXCEEDED,
    TooManyRequestsException,
)

DEFAULT_ACCOUNT_CONCURRENCY = 1000


@dataclass
class FunctionUsage:
    """How many instances of one function run now, and the most that ever ran at once."""

    running: int = 0
    peak: int = 0


class ConcurrencyLimiter:
    """Counts running instances and refuses any that would pass a limit."""

    def __init__(self, account_limit: int = DEFAULT_ACCOUNT_CONCURRENCY) -> None:
        if account_limit < 1:
            raise ValueError("the account concurrency limit must be at least 1")
        self.account_limit = account_limit
        self._reserved: dict[str, int] = {}
        self._usage: dict[str, FunctionUsage] = {}
        self._unreserved_running = 0
        self._lock = threading.Lock()

    def register(self, function_name: str, reserved: int | None) -> None:
        """Declare a function and its reserved concurrency (None = unreserved)."""
        with self._lock:
            others = sum(value for name, value in self._reserved.items() if name != function_name)
            if reserved is not None and others + reserved > self.account_limit:
                raise ValueError(
                    f"reserving {reserved} for {function_name} exceeds the account limit "
                    f"of {self.account_limit} ({others} already reserved)"
                )
            if reserved is None:
                self._reserved.pop(function_name, None)
            else:
                self._reserved[function_name] = reserved
            self._usage.setdefault(function_name, FunctionUsage())

    def acquire(self, function_name: str) -> None:
        """Take a slot for one instance, or raise TooManyRequestsException."""
        with self._lock:
            usage = self._usage[function_name]
            reserved = self._reserved.get(function_name)
            if reserved is not None:
                if usage.running >= reserved:
                    raise TooManyRequestsException(RESERVED_LIMIT_EXCEEDED)
            else:
                if self._unreserved_running >= self._unreserved_pool():
                    raise TooManyRequestsException(ACCOUNT_LIMIT_EXCEEDED)
                self._unreserved_running += 1
            usage.running += 1
            usage.peak = max(usage.peak, usage.running)

    def release(self, function_name: str) -> None:
        """Give back a slot once the instance has really stopped."""
        with self._lock:
            self._usage[function_name].running -= 1
            if function_name not in self._reserved:
                self._unreserved_running -= 1

    def usage(self, function_name: str) -> FunctionUsage:
        """A snapshot of one function's running and peak instance counts."""
        with self._lock:
            current = self._usage[function_name]
            return FunctionUsage(current.running, current.peak)

    def _unreserved_pool(self) -> int:
        return self.account_limit - sum(self._reserved.values())
