"""JSONPath data flow: InputPath, Parameters, ResultSelector, ResultPath, OutputPath, `.$`, `$$`."""

from __future__ import annotations

from ..case import Case, Expected, function_arn
from ..lambdas import computes, echo
from ..matchers import Contains

_INPUT_PARAMS = (
    "https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html"
)
_RESULT_PATH = "https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html"
_CONTEXT = "https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html"
_EXAMPLE = "https://docs.aws.amazon.com/step-functions/latest/dg/input-output-example.html"
_ERRORS = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html"

CASES = (
    Case(
        name="task_input_path_parameters_result_selector_result_path_output_path",
        doc=_EXAMPLE,
        definition={
            "StartAt": "Price",
            "States": {
                "Price": {
                    "Type": "Task",
                    "Resource": function_arn("price"),
                    "InputPath": "$.order",
                    "Parameters": {"sku.$": "$.sku", "qty.$": "$.qty", "currency": "EUR"},
                    "ResultSelector": {"total.$": "$.total", "echoed.$": "$.request.currency"},
                    "ResultPath": "$.order.priced",
                    "OutputPath": "$.order",
                    "End": True,
                }
            },
        },
        input={"order": {"sku": "w-1", "qty": 3}, "customer": "c-9"},
        lambdas={"price": computes(lambda event: {"total": event["qty"] * 4, "request": event})},
        expected=Expected(
            output={"sku": "w-1", "qty": 3, "priced": {"total": 12, "echoed": "EUR"}}
        ),
    ),
    Case(
        name="parameters_nested_objects_arrays_and_context",
        doc=_CONTEXT,
        definition={
            "StartAt": "Shape",
            "States": {
                "Shape": {
                    "Type": "Pass",
                    "Parameters": {
                        "nested": {"id.$": "$.id", "fixed": [1, {"k": "v"}]},
                        "execution.$": "$$.Execution.Name",
                        "state.$": "$$.State.Name",
                        "machine.$": "$$.StateMachine.Name",
                        "original.$": "$$.Execution.Input.id",
                    },
                    "End": True,
                }
            },
        },
        input={"id": "o-1"},
        expected=Expected(
            output={
                "nested": {"id": "o-1", "fixed": [1, {"k": "v"}]},
                "execution": "conformance-run",
                "state": "Shape",
                "machine": "conformance",
                "original": "o-1",
            }
        ),
    ),
    Case(
        name="parameters_json_path_filters_and_wildcards",
        doc=_INPUT_PARAMS,
        definition={
            "StartAt": "Select",
            "States": {
                "Select": {
                    "Type": "Pass",
                    "Parameters": {
                        "skus.$": "$.lines[*].sku",
                        "big.$": "$.lines[?(@.qty > 2)].sku",
                        "first.$": "$.lines[0]",
                    },
                    "End": True,
                }
            },
        },
        input={"lines": [{"sku": "a", "qty": 1}, {"sku": "b", "qty": 3}]},
        expected=Expected(
            output={"skus": ["a", "b"], "big": ["b"], "first": {"sku": "a", "qty": 1}}
        ),
    ),
    Case(
        name="result_path_creates_missing_objects",
        doc=_RESULT_PATH,
        definition={
            "StartAt": "P",
            "States": {"P": {"Type": "Pass", "Result": 7, "ResultPath": "$.a.b.c", "End": True}},
        },
        input={"keep": 1},
        expected=Expected(output={"keep": 1, "a": {"b": {"c": 7}}}),
    ),
    Case(
        name="result_path_null_keeps_input",
        doc=_RESULT_PATH,
        definition={
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": function_arn("noisy"),
                    "ResultPath": None,
                    "End": True,
                }
            },
        },
        input={"keep": 1},
        lambdas={"noisy": computes(lambda event: {"discarded": True})},
        expected=Expected(output={"keep": 1}, calls={"noisy": 1}),
    ),
    Case(
        name="result_path_replaces_existing_field",
        doc=_RESULT_PATH,
        definition={
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": function_arn("echo"),
                    "Parameters": {"v": 2},
                    "ResultPath": "$.value",
                    "End": True,
                }
            },
        },
        input={"value": 1, "other": "x"},
        lambdas={"echo": echo()},
        expected=Expected(output={"value": {"v": 2}, "other": "x"}),
    ),
    Case(
        name="input_path_with_no_match_fails_runtime",
        doc=_ERRORS,
        definition={
            "StartAt": "P",
            "States": {"P": {"Type": "Pass", "InputPath": "$.missing", "End": True}},
        },
        input={"present": 1},
        expected=Expected(
            status="FAILED",
            error="States.Runtime",
            cause=Contains("Invalid path '$.missing'", "No results for path: $['missing']"),
        ),
    ),
    Case(
        name="parameters_path_with_no_match_fails_runtime",
        doc=_ERRORS,
        definition={
            "StartAt": "P",
            "States": {"P": {"Type": "Pass", "Parameters": {"x.$": "$.missing"}, "End": True}},
        },
        input={"present": 1},
        expected=Expected(
            status="FAILED",
            error="States.Runtime",
            cause=Contains("$.missing"),
        ),
    ),
)
