"""Resolve CloudFormation intrinsic functions against parameters, conditions and resources.

Covers `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If`,
`Fn::FindInMap`, `Fn::Base64`, `Fn::GetAZs` and the language extensions `Fn::ToJsonString`
and `Fn::Length`; condition functions are evaluated in `Conditions`.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from sluice.template.errors import TemplateError, UnsupportedTemplateFeature
from sluice.template.kinds import KINDS, Identity, Kind
from sluice.template.naming import generated_name
from sluice.template.parameters import ParameterValue
from sluice.template.stack import StackContext


class _NoValue:
    """The value of `Ref: AWS::NoValue`: the property it is given to is removed."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_CONDITION_FUNCTIONS = ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not")
_DYNAMIC_REFERENCE = "{{resolve:"


def is_intrinsic(value: Any) -> bool:
    """Whether `value` is a one-key map naming an intrinsic function (`Ref` or `Fn::*`)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return key == "Ref" or key.startswith("Fn::")


class Resolver:
    """Resolves template values; resource return values are computed lazily and memoised."""

    def __init__(
        self,
        stack: StackContext,
        parameters: Mapping[str, ParameterValue],
        mappings: Mapping[str, Any],
        conditions: Mapping[str, Any],
        resources: Mapping[str, Mapping[str, Any]],
        excluded: Mapping[str, str] | None = None,
    ) -> None:
        self.stack = stack
        self._parameters = parameters
        self._mappings = mappings
        self._condition_definitions = conditions
        self._resources = resources
        self._excluded = excluded or {}
        self._condition_values: dict[str, bool] = {}
        self._names: dict[str, str] = {}
        self._properties: dict[tuple[str, str], Any] = {}
        self._in_progress: list[str] = []
        self._functions: dict[str, Callable[[Any, str], Any]] = {
            "Ref": self._ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::If": self._if,
            "Fn::FindInMap": self._find_in_map,
            "Fn::Base64": self._base64,
            "Fn::GetAZs": self._get_azs,
            "Fn::ToJsonString": self._to_json_string,
            "Fn::Length": self._length,
        }

    # ---- values ----

    def resolve(self, value: Any, path: str) -> Any:
        """Return `value` with every intrinsic function replaced by its result."""
        if isinstance(value, dict):
            if is_intrinsic(value):
                name, arguments = next(iter(value.items()))
                return self._call(name, arguments, path)
            resolved = {key: self.resolve(item, f"{path}.{key}") for key, item in value.items()}
            return {key: item for key, item in resolved.items() if item is not NO_VALUE}
        if isinstance(value, list):
            items = [self.resolve(item, f"{path}[{index}]") for index, item in enumerate(value)]
            return [item for item in items if item is not NO_VALUE]
        if isinstance(value, str) and _DYNAMIC_REFERENCE in value:
            raise UnsupportedTemplateFeature(
                f"Dynamic reference in {path} ({value!r}) is not supported by the local cloud"
            )
        return value

    def ref(self, name: str, path: str) -> Any:
        """The value of `Ref: name`: a parameter, pseudo parameter or resource's physical id."""
        if name in self._parameters:
            return self._parameters[name]
        pseudo = self._pseudo_parameter(name)
        if pseudo is not None:
            return pseudo
        kind = self._kind_of(name, f"Ref at {path}")
        return kind.ref(self.identity(name))

    def get_att(self, logical_id: str, attribute: str, path: str) -> Any:
        """The value of `Fn::GetAtt: [logical_id, attribute]`."""
        kind = self._kind_of(logical_id, f"Fn::GetAtt at {path}")
        getter = kind.attributes.get(attribute)
        if getter is None:
            kind_name = self._resources[logical_id]["Type"]
            known = ", ".join(sorted(kind.attributes)) or "none"
            raise UnsupportedTemplateFeature(
                f"Fn::GetAtt {logical_id}.{attribute} at {path}: the local cloud does not know "
                f"attribute '{attribute}' of {kind_name} (known: {known})"
            )
        return getter(self.identity(logical_id))

    def identity(self, logical_id: str) -> Identity:
        """The resource `logical_id` as its return values see it."""
        return Identity(
            logical_id=logical_id,
            name=self.physical_name(logical_id),
            stack=self.stack,
            prop=lambda key: self.resource_property(logical_id, key),
        )

    def physical_name(self, logical_id: str) -> str:
        """The resource's name: its name property if set, else a CloudFormation-style name."""
        if logical_id not in self._names:
            kind = self._kind_of(logical_id, "name")
            with_name = kind.name_property and self.resource_property(
                logical_id, kind.name_property
            )
            self._names[logical_id] = (
                str(with_name) if with_name else self._default_name(logical_id, kind)
            )
        return self._names[logical_id]

    def resource_property(self, logical_id: str, key: str) -> Any:
        """One resolved property of a resource (None when it is not set)."""
        memo_key = (logical_id, key)
        if memo_key not in self._properties:
            marker = f"{logical_id}.{key}"
            if marker in self._in_progress:
                cycle = " -> ".join([*self._in_progress, marker])
                raise TemplateError(f"Circular reference between resources: {cycle}")
            self._in_progress.append(marker)
            try:
                properties = self._resources[logical_id].get("Properties") or {}
                value = self.resolve(
                    properties.get(key), f"Resources.{logical_id}.Properties.{key}"
                )
            finally:
                self._in_progress.pop()
            self._properties[memo_key] = None if value is NO_VALUE else value
        return self._properties[memo_key]

    def condition(self, name: str, path: str = "Conditions") -> bool:
        """The value of the named condition."""
        if name not in self._condition_definitions:
            raise TemplateError(f"Condition '{name}' used at {path} is not declared in Conditions")
        if name not in self._condition_values:
            marker = f"Conditions.{name}"
            if marker in self._in_progress:
                raise TemplateError(f"Condition '{name}' refers to itself")
            self._in_progress.append(marker)
            try:
                value = self._evaluate(self._condition_definitions[name], marker)
            finally:
                self._in_progress.pop()
            self._condition_values[name] = value
        return self._condition_values[name]

    # ---- helpers ----

    def _default_name(self, logical_id: str, kind: Kind) -> str:
        if kind.name_is_logical_id:
            return logical_id
        fifo = kind.fifo_property and self.resource_property(logical_id, kind.fifo_property)
        suffix = ".fifo" if _truthy(fifo) else ""
        name = generated_name(
            self.stack.stack_name,
            logical_id,
            kind.max_name_length - len(suffix),
            lowercase=kind.lowercase_name,
        )
        return name + suffix

    def _kind_of(self, logical_id: str, use: str) -> Kind:
        if logical_id in self._excluded:
            raise TemplateError(
                f"{use} refers to resource '{logical_id}', which its Condition "
                f"'{self._excluded[logical_id]}' leaves out"
            )
        if logical_id not in self._resources:
            raise TemplateError(
                f"{use} refers to '{logical_id}', which is not a parameter, pseudo parameter "
                "or resource of this template"
            )
        kind_name = self._resources[logical_id].get("Type")
        kind = KINDS.get(str(kind_name))
        if kind is None:
            raise UnsupportedTemplateFeature(
                f"Resource '{logical_id}' has type {kind_name}, which the local cloud does not "
                f"support (supported: {', '.join(sorted(KINDS))})"
            )
        return kind

    def _pseudo_parameter(self, name: str) -> Any:
        values = {
            "AWS::Region": self.stack.region,
            "AWS::AccountId": self.stack.account_id,
            "AWS::Partition": self.stack.partition,
            "AWS::URLSuffix": self.stack.url_suffix,
            "AWS::StackName": self.stack.stack_name,
            "AWS::StackId": self.stack.stack_id,
            "AWS::NotificationARNs": [],
            "AWS::NoValue": NO_VALUE,
        }
        return values.get(name)

    def _call(self, name: str, arguments: Any, path: str) -> Any:
        function = self._functions.get(name)
        if function is not None:
            return function(arguments, f"{path}.{name}")
        if name in _CONDITION_FUNCTIONS:
            raise TemplateError(f"{name} at {path} can only be used in the Conditions section")
        raise UnsupportedTemplateFeature(
            f"Intrinsic function {name} at {path} is not supported by the local cloud "
            f"(supported: {', '.join(sorted(self._functions))})"
        )

    def _arguments(self, name: str, arguments: Any, count: int, path: str) -> list[Any]:
        if not isinstance(arguments, list) or len(arguments) != count:
            raise TemplateError(f"{name} at {path} takes a list of {count} arguments")
        return arguments

    # ---- intrinsic functions ----

    def _ref(self, arguments: Any, path: str) -> Any:
        if not isinstance(arguments, str):
            raise TemplateError(f"Ref at {path} takes a name")
        return self.ref(arguments, path)

    def _get_att(self, arguments: Any, path: str) -> Any:
        if isinstance(arguments, str):
            logical_id, _, attribute = arguments.partition(".")
        else:
            logical_id, attribute = self._arguments("Fn::GetAtt", arguments, 2, path)
            attribute = self.resolve(attribute, path)
        return self.get_att(str(logical_id), str(attribute), path)

    def _sub(self, arguments: Any, path: str) -> str:
        if isinstance(arguments, str):
            text, variables = arguments, {}
        else:
            text, variables = self._arguments("Fn::Sub", arguments, 2, path)
            variables = self.resolve(variables, path)
        if not isinstance(text, str) or not isinstance(variables, dict):
            raise TemplateError(f"Fn::Sub at {path} takes a string, or [string, {{variables}}]")

        def substitute(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression.startswith("!"):
                return "${" + expression[1:] + "}"
            expression = expression.strip()
            if expression in variables:
                value = variables[expression]
            elif "." in expression and not expression.startswith("AWS::"):
                logical_id, _, attribute = expression.partition(".")
                value = self.get_att(logical_id, attribute, path)
            else:
                value = self.ref(expression, path)
            return _scalar_text(value, f"${{{expression}}} in Fn::Sub at {path}")

        return _SUB_VARIABLE.sub(substitute, text)

    def _join(self, arguments: Any, path: str) -> str:
        delimiter, items = self._arguments("Fn::Join", arguments, 2, path)
        items = self.resolve(items, path)
        if not isinstance(items, list):
            raise TemplateError(f"Fn::Join at {path} needs a list of values to join")
        return str(delimiter).join(_scalar_text(item, f"Fn::Join at {path}") for item in items)

    def _select(self, arguments: Any, path: str) -> Any:
        index, items = self.resolve(self._arguments("Fn::Select", arguments, 2, path), path)
        if not isinstance(items, list):
            raise TemplateError(f"Fn::Select at {path} needs a list to select from")
        try:
            return items[int(index)]
        except (ValueError, IndexError):
            raise TemplateError(
                f"Fn::Select at {path}: index {index} is not within the list of {len(items)}"
            ) from None

    def _split(self, arguments: Any, path: str) -> list[str]:
        delimiter, source = self.resolve(self._arguments("Fn::Split", arguments, 2, path), path)
        return str(source).split(str(delimiter))

    def _if(self, arguments: Any, path: str) -> Any:
        name, when_true, when_false = self._arguments("Fn::If", arguments, 3, path)
        chosen = when_true if self.condition(str(name), path) else when_false
        return self.resolve(chosen, path)

    def _find_in_map(self, arguments: Any, path: str) -> Any:
        if not isinstance(arguments, list) or len(arguments) not in (3, 4):
            raise TemplateError(f"Fn::FindInMap at {path} takes [map, top key, second key]")
        keys = [str(self.resolve(argument, path)) for argument in arguments[:3]]
        default = arguments[3] if len(arguments) == 4 else None
        value = self._mappings.get(keys[0], {}).get(keys[1], {}).get(keys[2])
        if value is not None:
            return value
        if isinstance(default, dict) and "DefaultValue" in default:
            return self.resolve(default["DefaultValue"], path)
        raise TemplateError(f"Fn::FindInMap at {path}: Mappings has no {'.'.join(keys)}")

    def _base64(self, arguments: Any, path: str) -> str:
        text = _scalar_text(self.resolve(arguments, path), f"Fn::Base64 at {path}")
        return base64.b64encode(text.encode()).decode()

    def _get_azs(self, arguments: Any, path: str) -> list[str]:
        region = self.resolve(arguments, path) or self.stack.region
        return [f"{region}{zone}" for zone in "abc"]

    def _to_json_string(self, arguments: Any, path: str) -> str:
        return json.dumps(self.resolve(arguments, path), separators=(",", ":"))

    def _length(self, arguments: Any, path: str) -> int:
        items = self.resolve(arguments, path)
        if not isinstance(items, list):
            raise TemplateError(f"Fn::Length at {path} needs a list")
        return len(items)

    # ---- conditions ----

    def _evaluate(self, expression: Any, path: str) -> bool:
        if not isinstance(expression, dict) or len(expression) != 1:
            raise TemplateError(f"{path} is not a condition function")
        name, arguments = next(iter(expression.items()))
        if name == "Condition":
            return self.condition(str(arguments), path)
        if name == "Fn::Equals":
            left, right = self._arguments(name, arguments, 2, path)
            return _condition_text(self.resolve(left, path)) == _condition_text(
                self.resolve(right, path)
            )
        if name == "Fn::Not":
            (operand,) = self._arguments(name, arguments, 1, path)
            return not self._evaluate(operand, f"{path}.{name}")
        if name in ("Fn::And", "Fn::Or"):
            if not isinstance(arguments, list) or not 2 <= len(arguments) <= 10:
                raise TemplateError(f"{name} at {path} takes 2 to 10 conditions")
            results = (self._evaluate(operand, f"{path}.{name}") for operand in arguments)
            return all(results) if name == "Fn::And" else any(results)
        raise UnsupportedTemplateFeature(
            f"{name} at {path} is not a condition function "
            "(supported: Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition)"
        )


def _truthy(value: Any) -> bool:
    """CloudFormation's reading of a boolean property given as a bool or a string."""
    return value is True or str(value).lower() == "true"


def _scalar_text(value: Any, use: str) -> str:
    """Render a resolved scalar as text for Fn::Sub and Fn::Join."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise TemplateError(f"{use} needs a string, got {value!r}")


def _condition_text(value: Any) -> Any:
    """Compare condition operands as CloudFormation does: scalars as text."""
    if isinstance(value, list):
        return [_condition_text(item) for item in value]
    return _scalar_text(value, "Fn::Equals") if value is not None else ""
