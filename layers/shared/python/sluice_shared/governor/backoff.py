"""Adaptive backoff: how long an account waits after a run of consecutive errors."""

import math

# 2^62 already exceeds any cap; a larger exponent would only risk float overflow.
_MAX_EXPONENT = 62


def backoff_seconds(consecutive_errors: int, base_seconds: float, cap_seconds: float) -> float:
    """`base x 2^(errors - 1)`, at most `cap_seconds`; no wait before the first error."""
    if consecutive_errors <= 0:
        return 0.0
    exponent = min(consecutive_errors - 1, _MAX_EXPONENT)
    return min(cap_seconds, base_seconds * 2.0**exponent)


def whole_seconds(seconds: float) -> int:
    """A wait rounded up to whole seconds (what a Retry-After carries), at least 1."""
    return max(1, math.ceil(seconds))
