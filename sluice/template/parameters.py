"""Template parameters: defaults, samconfig overrides and caller overrides, validated."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sluice.template.errors import ParameterError, UnknownParameterError, UnsupportedTemplateFeature

ParameterValue = str | list[str]

_LIST_TYPES = ("CommaDelimitedList", "List<")


@dataclass(frozen=True)
class ParameterSource:
    """Where a set of parameter values came from, for error messages."""

    description: str
    values: Mapping[str, str]


def resolve_parameters(
    declarations: Mapping[str, Any], sources: list[ParameterSource]
) -> dict[str, ParameterValue]:
    """Return every declared parameter's value: its default, overridden by `sources` in order.

    Each value is checked against the declaration's `Type`, `AllowedValues`, `AllowedPattern`,
    `MinLength`/`MaxLength` and `MinValue`/`MaxValue`, as CloudFormation checks them.
    """
    chosen: dict[str, tuple[str, str]] = {}
    for name, declaration in declarations.items():
        if "Default" in declaration:
            chosen[name] = (_text(declaration["Default"]), "the template default")
    for source in sources:
        for name, value in source.values.items():
            if name not in declarations:
                known = ", ".join(sorted(declarations)) or "none"
                raise UnknownParameterError(
                    f"Parameter '{name}' from {source.description} is not declared in the "
                    f"template (declared: {known})"
                )
            chosen[name] = (str(value), source.description)
    resolved: dict[str, ParameterValue] = {}
    for name, declaration in declarations.items():
        if name not in chosen:
            raise ParameterError(f"Parameter '{name}' has no Default and no value was given")
        value, origin = chosen[name]
        resolved[name] = _validated(name, declaration, value, origin)
    return resolved


def _validated(
    name: str, declaration: Mapping[str, Any], value: str, origin: str
) -> ParameterValue:
    """Check `value` against the declaration and return it typed as `Ref` returns it."""
    kind = str(declaration.get("Type", "String"))
    if kind.startswith("AWS::SSM::Parameter::Value<"):
        raise UnsupportedTemplateFeature(
            f"Parameter '{name}' has type {kind}, which the local cloud does not support "
            "(supported: String, Number, List<Number>, CommaDelimitedList, AWS-specific ids)"
        )
    is_list = kind.startswith(_LIST_TYPES)
    items = [item.strip() for item in value.split(",")] if is_list else [value]
    is_number = kind in ("Number", "List<Number>")
    for item in items:
        _check_item(name, declaration, item, origin, is_number)
    return items if is_list else value


def _check_item(
    name: str, declaration: Mapping[str, Any], item: str, origin: str, is_number: bool
) -> None:
    """Raise ParameterError when one (list item) value breaks a declared constraint."""
    prefix = f"Parameter '{name}' value '{item}' (from {origin})"
    allowed = declaration.get("AllowedValues")
    if allowed is not None and item not in [_text(option) for option in allowed]:
        options = ", ".join(_text(option) for option in allowed)
        raise ParameterError(f"{prefix} is not one of its AllowedValues: {options}")
    pattern = declaration.get("AllowedPattern")
    if pattern is not None and re.fullmatch(str(pattern), item) is None:
        raise ParameterError(f"{prefix} does not match its AllowedPattern {pattern}")
    if "MinLength" in declaration and len(item) < int(declaration["MinLength"]):
        raise ParameterError(f"{prefix} is shorter than its MinLength {declaration['MinLength']}")
    if "MaxLength" in declaration and len(item) > int(declaration["MaxLength"]):
        raise ParameterError(f"{prefix} is longer than its MaxLength {declaration['MaxLength']}")
    if not is_number:
        return
    try:
        number = float(item)
    except ValueError:
        raise ParameterError(f"{prefix} is not a number, but its Type is Number") from None
    if "MinValue" in declaration and number < float(declaration["MinValue"]):
        raise ParameterError(f"{prefix} is below its MinValue {declaration['MinValue']}")
    if "MaxValue" in declaration and number > float(declaration["MaxValue"]):
        raise ParameterError(f"{prefix} is above its MaxValue {declaration['MaxValue']}")


def _text(value: Any) -> str:
    """Render a YAML scalar as CloudFormation sees a parameter value: as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(item) for item in value)
    return str(value)
