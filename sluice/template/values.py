"""Coerce resolved template values into the types the model holds."""

from __future__ import annotations

import json
from typing import Any

from sluice.template.errors import TemplateError


def text(value: Any) -> str:
    """A scalar as CloudFormation passes it to a string-typed setting."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def optional_text(value: Any) -> str | None:
    """`text(value)`, or None when the value is not set."""
    return None if value is None else text(value)


def integer(value: Any, where: str) -> int:
    """A whole number given as a number or as text (e.g. a `Ref` to a Number parameter)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TemplateError(f"{where} must be a number, got {value!r}") from None
    if not number.is_integer():
        raise TemplateError(f"{where} must be a whole number, got {value!r}")
    return int(number)


def optional_integer(value: Any, where: str) -> int | None:
    """`integer(value)`, or None when the value is not set."""
    return None if value is None else integer(value, where)


def boolean(value: Any, default: bool) -> bool:
    """A boolean given as a bool or as "true"/"false"; `default` when not set."""
    if value is None:
        return default
    return value is True or str(value).lower() == "true"


def json_object(value: Any, where: str) -> dict[str, Any] | None:
    """A map given as a map or as a JSON string (as CloudFormation accepts both)."""
    if value is None or isinstance(value, dict):
        return value
    try:
        parsed = json.loads(str(value))
    except json.JSONDecodeError as error:
        raise TemplateError(f"{where} is neither a map nor a JSON object: {error}") from None
    if not isinstance(parsed, dict):
        raise TemplateError(f"{where} must be a JSON object")
    return parsed


def as_tuple(value: Any) -> tuple[Any, ...]:
    """A list (or a single value) as a tuple; an empty tuple when not set."""
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)
