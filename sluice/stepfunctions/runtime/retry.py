"""Retry and Catch as AWS documents them: error matching, backoff, jitter and caps.

https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

ALL = "States.ALL"
TASK_FAILED = "States.TaskFailed"
TIMEOUT = "States.Timeout"
HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
# Errors that States.ALL (and so States.TaskFailed) never matches.
_NOT_MATCHED_BY_WILDCARDS = frozenset({"States.DataLimitExceeded", "States.Runtime"})
_NOT_TASK_FAILURES = _NOT_MATCHED_BY_WILDCARDS | {TIMEOUT}


def error_matches(error_equals: list[str], error: str) -> bool:
    """Whether an `ErrorEquals` list matches an error name."""
    for name in error_equals:
        if name == error:
            return True
        if name == ALL and error not in _NOT_MATCHED_BY_WILDCARDS:
            return True
        if name == TASK_FAILED and error not in _NOT_TASK_FAILURES:
            return True
        if name == TIMEOUT and error == HEARTBEAT_TIMEOUT:
            return True
    return False


@dataclass(frozen=True)
class RetryDecision:
    """The retry a state makes: which retrier, and how long it waits first."""

    retrier_index: int
    delay_seconds: float


def backoff_delay(retrier: dict[str, Any], attempt: int, rng: random.Random) -> float:
    """Seconds before retry number `attempt + 1` of a retrier (with its cap and jitter)."""
    interval = retrier.get("IntervalSeconds", 1)
    rate = retrier.get("BackoffRate", 2.0)
    delay = float(interval) * float(rate) ** attempt
    if "MaxDelaySeconds" in retrier:
        delay = min(delay, float(retrier["MaxDelaySeconds"]))
    if retrier.get("JitterStrategy", "NONE") == "FULL":
        delay = rng.uniform(0.0, delay)
    return delay


def choose_retry(
    retriers: list[dict[str, Any]], error: str, attempts: list[int], rng: random.Random
) -> RetryDecision | None:
    """The retry for `error` given each retrier's attempts so far; None when it may not retry.

    Retriers are scanned in order and the first whose ErrorEquals matches decides alone.
    """
    for index, retrier in enumerate(retriers):
        if error_matches(retrier["ErrorEquals"], error):
            if attempts[index] >= retrier.get("MaxAttempts", 3):
                return None
            return RetryDecision(index, backoff_delay(retrier, attempts[index], rng))
    return None


def choose_catcher(catchers: list[dict[str, Any]], error: str) -> int | None:
    """Index of the first catcher that matches `error`, or None."""
    for index, catcher in enumerate(catchers):
        if error_matches(catcher["ErrorEquals"], error):
            return index
    return None
