"""JSONPath payload templates: Parameters, ResultSelector, ItemSelector and Assign.

A key ending in `.$` takes the value of its path or intrinsic function, under the key without
the suffix; other values are copied literally, objects and arrays recursively. The template
and the data are never mutated; selected values are shared with the data, not copied.
https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
"""

from __future__ import annotations

from typing import Any

from sluice.stepfunctions.asl.intrinsics import evaluate_intrinsic, is_intrinsic
from sluice.stepfunctions.asl.paths import PathNotFound, evaluate_path, to_json
from sluice.stepfunctions.errors import StatesError


def render_payload(template: Any, data: Any, context: dict, variables: dict) -> Any:
    """Build the value a payload template describes from the state data, context and variables."""
    if isinstance(template, dict):
        return _render_object(template, data, context, variables)
    if isinstance(template, list):
        return [render_payload(item, data, context, variables) for item in template]
    return template


def _render_object(template: dict, data: Any, context: dict, variables: dict) -> dict:
    """Render one template object, evaluating its `.$` fields."""
    rendered: dict[str, Any] = {}
    for key, value in template.items():
        if key.endswith(".$"):
            rendered[key[:-2]] = evaluate_field(key, value, data, context, variables)
        elif isinstance(value, dict | list):
            rendered[key] = render_payload(value, data, context, variables)
        else:
            rendered[key] = value
    return rendered


def evaluate_field(field: str, expression: Any, data: Any, context: dict, variables: dict) -> Any:
    """The value of one `.$` field: a path or an intrinsic function.

    A path that selects nothing raises `States.Runtime` naming the field, as AWS does.
    """
    if not isinstance(expression, str):
        raise StatesError(
            "States.Runtime",
            f"The value for the field '{field}' must be a STRING that contains a JSONPath "
            f"but was {to_json(expression)}",
        )
    try:
        if is_intrinsic(expression):
            return evaluate_intrinsic(expression, data, context, variables)
        return evaluate_path(expression, data, context, variables)
    except PathNotFound as missing:
        raise StatesError(
            "States.Runtime",
            f"The JSONPath '{missing.path}' specified for the field '{field}' could not be "
            f"found in the input '{to_json(missing.data)}'",
        ) from missing
