"""Choice rules of JSONPath Choice states: comparisons, type tests and And/Or/Not.

A comparison whose value has the wrong type is false, not an error. A `Variable` path that
selects nothing raises `States.Runtime`, except for `IsPresent`, which tests exactly that.
https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from sluice.stepfunctions.asl.paths import PathNotFound, evaluate_path
from sluice.stepfunctions.errors import StatesError

# RFC 3339 with an uppercase T and Z, as the Amazon States Language requires.
_TIMESTAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})",
)


def _is_number(value: Any) -> bool:
    """Whether a JSON value is a number (booleans are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


@lru_cache(maxsize=4096)
def parse_timestamp(value: str) -> datetime | None:
    """The aware datetime of an ASL timestamp string, or None if it is not one."""
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        return None
    fraction = (match[2] or "")[:6].ljust(6, "0")
    zone = "+00:00" if match[3] == "Z" else match[3]
    try:
        return datetime.fromisoformat(f"{match[1]}.{fraction}{zone}")
    except ValueError:
        return None


def _as_timestamp(value: Any) -> datetime | None:
    """The datetime of a timestamp string, None for anything else."""
    return parse_timestamp(value) if isinstance(value, str) else None


@lru_cache(maxsize=1024)
def _match_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a StringMatches pattern: `*` matches anything, `\\*` and `\\\\` are literal."""
    parts: list[str] = []
    position = 0
    while position < len(pattern):
        character = pattern[position]
        if character == "\\" and position + 1 < len(pattern):
            parts.append(re.escape(pattern[position + 1]))
            position += 2
            continue
        parts.append(".*" if character == "*" else re.escape(character))
        position += 1
    return re.compile("".join(parts), re.DOTALL)


def _compare_strings(test: Callable[[str, str], bool]) -> Callable[[Any, Any], bool]:
    """A comparison that is false unless both values are strings."""
    return lambda value, expected: (
        isinstance(value, str) and isinstance(expected, str) and test(value, expected)
    )


def _compare_numbers(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """A comparison that is false unless both values are numbers."""
    return lambda value, expected: (
        _is_number(value) and _is_number(expected) and test(value, expected)
    )


def _compare_timestamps(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """A comparison that is false unless both values are valid timestamps."""

    def compare(value: Any, expected: Any) -> bool:
        left, right = _as_timestamp(value), _as_timestamp(expected)
        return left is not None and right is not None and test(left, right)

    return compare


def _boolean_equals(value: Any, expected: Any) -> bool:
    """BooleanEquals: both booleans and equal."""
    return isinstance(value, bool) and isinstance(expected, bool) and value == expected


def _string_matches(value: Any, pattern: Any) -> bool:
    """StringMatches: the string matches the wildcard pattern."""
    return (
        isinstance(value, str)
        and isinstance(pattern, str)
        and _match_pattern(pattern).fullmatch(value) is not None
    )


_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": lambda left, right: left == right,
    "LessThan": lambda left, right: left < right,
    "GreaterThan": lambda left, right: left > right,
    "LessThanEquals": lambda left, right: left <= right,
    "GreaterThanEquals": lambda left, right: left >= right,
}

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    **{f"String{name}": _compare_strings(test) for name, test in _ORDERINGS.items()},
    **{f"Numeric{name}": _compare_numbers(test) for name, test in _ORDERINGS.items()},
    **{f"Timestamp{name}": _compare_timestamps(test) for name, test in _ORDERINGS.items()},
    "BooleanEquals": _boolean_equals,
    "StringMatches": _string_matches,
}
"""Comparison operators taking a literal value (each but StringMatches also has a `Path` form)."""

PATH_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    f"{name}Path": test for name, test in COMPARISONS.items() if name != "StringMatches"
}
"""The `...Path` operators, whose comparison value is read from a path."""

TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "IsNull": lambda value: value is None,
    "IsNumeric": _is_number,
    "IsString": lambda value: isinstance(value, str),
    "IsBoolean": lambda value: isinstance(value, bool),
    "IsTimestamp": lambda value: _as_timestamp(value) is not None,
}
"""Type-test operators: the rule's boolean says whether the type is expected or not."""

OPERATORS = frozenset({*COMPARISONS, *PATH_COMPARISONS, *TYPE_TESTS, "IsPresent"})
"""Every data-test operator name of a JSONPath Choice rule."""


def _invalid_path(path: str) -> StatesError:
    """The States.Runtime error for a condition path that selects nothing."""
    return StatesError(
        "States.Runtime",
        f"Invalid path '{path}': The choice state's condition path references an invalid value.",
    )


def _read(path: str, data: Any, context: dict, variables: dict) -> Any:
    """The value at a condition path; States.Runtime if it selects nothing."""
    try:
        return evaluate_path(path, data, context, variables)
    except PathNotFound as missing:
        raise _invalid_path(path) from missing


def _operator_of(rule: dict) -> str:
    """The data-test operator of a rule; States.Runtime if it has none."""
    for key in rule:
        if key in OPERATORS:
            return key
    raise StatesError("States.Runtime", f"The choice rule {rule!r} has no comparison operator")


def evaluate_choice_rule(rule: dict, data: Any, context: dict, variables: dict) -> bool:
    """Whether a JSONPath Choice rule (And/Or/Not or a data test) holds for the data."""
    if "And" in rule:
        return all(evaluate_choice_rule(item, data, context, variables) for item in rule["And"])
    if "Or" in rule:
        return any(evaluate_choice_rule(item, data, context, variables) for item in rule["Or"])
    if "Not" in rule:
        return not evaluate_choice_rule(rule["Not"], data, context, variables)
    operator = _operator_of(rule)
    path = rule["Variable"]
    expected = rule[operator]
    if operator == "IsPresent":
        try:
            evaluate_path(path, data, context, variables)
        except PathNotFound:
            return expected is False
        return expected is True
    value = _read(path, data, context, variables)
    if operator in TYPE_TESTS:
        return TYPE_TESTS[operator](value) is expected
    if operator in PATH_COMPARISONS:
        return PATH_COMPARISONS[operator](value, _read(expected, data, context, variables))
    return COMPARISONS[operator](value, expected)
