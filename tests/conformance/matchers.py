"""Matchers for the parts of an expected result AWS leaves open (ids, random values, stack traces).

Each matcher compares equal to the values it accepts, so an expected output can hold one wherever
an exact value cannot be known in advance, and `==` on the whole result still does the work.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from typing import Any


class Matcher(ABC):
    """A value that compares equal to every value it accepts."""

    @abstractmethod
    def accepts(self, value: Any) -> bool:
        """Return whether `value` is acceptable."""

    def __eq__(self, other: object) -> bool:
        return self.accepts(other)

    def __ne__(self, other: object) -> bool:
        return not self.accepts(other)

    __hash__ = None  # type: ignore[assignment]


class AnyString(Matcher):
    """Any non-empty string, e.g. a message id the service generates."""

    def accepts(self, value: Any) -> bool:
        """Accept a non-empty string."""
        return isinstance(value, str) and value != ""

    def __repr__(self) -> str:
        return "AnyString()"


class Matches(Matcher):
    """A string matching a regular expression in full."""

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)

    def accepts(self, value: Any) -> bool:
        """Accept a string that matches the whole pattern."""
        return isinstance(value, str) and self.pattern.fullmatch(value) is not None

    def __repr__(self) -> str:
        return f"Matches({self.pattern.pattern!r})"


class Contains(Matcher):
    """A string containing every given fragment (for long AWS messages whose start is stable)."""

    def __init__(self, *fragments: str) -> None:
        self.fragments = fragments

    def accepts(self, value: Any) -> bool:
        """Accept a string holding all fragments."""
        return isinstance(value, str) and all(f in value for f in self.fragments)

    def __repr__(self) -> str:
        return f"Contains{self.fragments!r}"


class InRange(Matcher):
    """A number between `low` and `high`, both included."""

    def __init__(self, low: float, high: float) -> None:
        self.low = low
        self.high = high

    def accepts(self, value: Any) -> bool:
        """Accept a number (not a bool) inside the range."""
        return (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and self.low <= value <= self.high
        )

    def __repr__(self) -> str:
        return f"InRange({self.low}, {self.high})"


class LambdaErrorCause(Matcher):
    """The cause Step Functions reports for a Lambda function's unhandled error.

    AWS passes the function's error payload through as the cause: a JSON object with
    `errorType`, `errorMessage` and, depending on the runtime, `stackTrace` and `requestId`
    (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
    Only the first two are the function's own; the others vary per invocation.
    """

    def __init__(self, error_type: str, error_message: str) -> None:
        self.error_type = error_type
        self.error_message = error_message

    def accepts(self, value: Any) -> bool:
        """Accept a JSON object string with this errorType and errorMessage."""
        if not isinstance(value, str):
            return False
        try:
            payload = json.loads(value)
        except ValueError:
            return False
        return (
            isinstance(payload, dict)
            and payload.get("errorType") == self.error_type
            and payload.get("errorMessage") == self.error_message
        )

    def __repr__(self) -> str:
        return f"LambdaErrorCause({self.error_type!r}, {self.error_message!r})"


UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


class AnyObject(Matcher):
    """Any JSON object, e.g. the SDK metadata AWS attaches to an integration's result."""

    def accepts(self, value: Any) -> bool:
        """Accept a dict."""
        return isinstance(value, dict)

    def __repr__(self) -> str:
        return "AnyObject()"


class Undocumented(Matcher):
    """A field whose value AWS does not document (e.g. the cause of States.Timeout): any value."""

    def accepts(self, value: Any) -> bool:
        """Accept anything, including None."""
        return True

    def __repr__(self) -> str:
        return "Undocumented()"
