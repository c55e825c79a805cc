"""Input and output processing of a state in JSONPath and JSONata.

https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
"""

from __future__ import annotations

from typing import Any

from sluice.stepfunctions.asl.jsonata import render_jsonata
from sluice.stepfunctions.asl.paths import evaluate_path, reference_path
from sluice.stepfunctions.asl.payload import render_payload
from sluice.stepfunctions.errors import StatesError

JSONPATH = "JSONPath"
JSONATA = "JSONata"


def query_language(state: dict[str, Any], default: str) -> str:
    """The query language of a state: its own `QueryLanguage`, else the definition's."""
    return state.get("QueryLanguage", default)


def input_path(state: dict[str, Any], data: Any, context: dict, variables: dict) -> Any:
    """Apply `InputPath` (absent: the whole input; null: `{}`)."""
    if "InputPath" not in state:
        return data
    path = state["InputPath"]
    if path is None:
        return {}
    return evaluate_path(path, data, context, variables)


def output_path(state: dict[str, Any], data: Any, context: dict, variables: dict) -> Any:
    """Apply `OutputPath` (absent: the whole value; null: `{}`)."""
    if "OutputPath" not in state:
        return data
    path = state["OutputPath"]
    if path is None:
        return {}
    return evaluate_path(path, data, context, variables)


def result_path(spec: dict[str, Any], raw_input: Any, result: Any) -> Any:
    """Apply `ResultPath` (absent: the result; null: the raw input; else merged into it)."""
    if "ResultPath" not in spec:
        return result
    path = spec["ResultPath"]
    if path is None:
        return raw_input
    try:
        compiled = reference_path(path)
    except ValueError as error:
        raise StatesError("States.Runtime", str(error)) from error
    return compiled.set(raw_input, result)


def payload(template: Any, data: Any, context: dict, variables: dict) -> Any:
    """Render a JSONPath payload template (Parameters, ResultSelector, ItemSelector, Assign)."""
    return render_payload(template, data, context, variables)


def jsonpath_assign(
    spec: dict[str, Any], data: Any, context: dict, variables: dict
) -> dict[str, Any]:
    """Evaluate a JSONPath `Assign` block against `data` (all with the variables before it)."""
    if "Assign" not in spec:
        return {}
    return render_payload(spec["Assign"], data, context, variables)


def jsonata_states(
    data: Any, context: dict, result: Any = None, error_output: Any = None, *, has_result: bool
) -> dict[str, Any]:
    """Build `$states` for JSONata expressions."""
    states: dict[str, Any] = {"input": data, "context": context}
    if has_result:
        states["result"] = result
    if error_output is not None:
        states["errorOutput"] = error_output
    return states


def jsonata(template: Any, states: dict[str, Any], variables: dict) -> Any:
    """Evaluate every `{% %}` expression in a JSONata-mode template."""
    return render_jsonata(template, states, variables)


def jsonata_assign(spec: dict[str, Any], states: dict[str, Any], variables: dict) -> dict[str, Any]:
    """Evaluate a JSONata `Assign` block."""
    if "Assign" not in spec:
        return {}
    return render_jsonata(spec["Assign"], states, variables)


def jsonata_output(
    spec: dict[str, Any], states: dict[str, Any], variables: dict, default: Any
) -> Any:
    """Evaluate a JSONata `Output` field, or return `default` when the state has none."""
    if "Output" not in spec:
        return default
    return render_jsonata(spec["Output"], states, variables)
