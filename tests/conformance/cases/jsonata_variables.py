"""JSONata (QueryLanguage, Arguments, Output, Condition, `$states`) and workflow variables (Assign).

moto's parser evaluates JSONata through a JVM bridge that is not installed here, and fails
every variable reference, so these cases run on sluice alone.
"""

from __future__ import annotations

import hashlib

from ..case import Case, Expected, function_arn
from ..lambdas import computes, raises
from ..matchers import UUID_PATTERN, InRange, LambdaErrorCause, Matches

_JSONATA = "https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html"
_VARIABLES = "https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html"
_NO_JSONATA = (
    "moto's parser evaluates JSONata through a Java bridge (jpype + dashjoin jsonata) that "
    "is not available; every JSONata expression fails with States.Runtime"
)
_NO_VARIABLES = (
    "moto's parser fails every Assign and `$variable` reference with States.Runtime "
    "(TypeError: 'NoneType' object is not callable: the JSONata bridge is missing)"
)


def _jsonata(states: dict, start: str) -> dict:
    """A JSONata machine."""
    return {"QueryLanguage": "JSONata", "StartAt": start, "States": states}


CASES = (
    Case(
        name="jsonata_pass_output_from_states_input",
        doc=_JSONATA,
        definition=_jsonata(
            {
                "Shape": {
                    "Type": "Pass",
                    "Output": {
                        "total": "{% $sum($states.input.lines.(price * qty)) %}",
                        "skus": "{% $states.input.lines.sku %}",
                        "literal": "kept",
                    },
                    "End": True,
                }
            },
            "Shape",
        ),
        input={"lines": [{"sku": "a", "price": 2, "qty": 3}, {"sku": "b", "price": 5, "qty": 1}]},
        expected=Expected(output={"total": 11, "skus": ["a", "b"], "literal": "kept"}),
        moto_unsupported=_NO_JSONATA,
    ),
    Case(
        name="jsonata_task_arguments_and_output_from_states_result",
        doc=_JSONATA,
        definition=_jsonata(
            {
                "Call": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Arguments": {
                        "FunctionName": "total",
                        "Payload": {"lines": "{% $states.input.numbers %}"},
                    },
                    "Output": "{% $states.result.Payload.total %}",
                    "End": True,
                }
            },
            "Call",
        ),
        input={"numbers": [1, 2, 3]},
        lambdas={"total": computes(lambda event: {"total": sum(event["lines"])})},
        expected=Expected(output=6),
        moto_unsupported=_NO_JSONATA,
    ),
    Case(
        name="jsonata_choice_condition",
        doc=_JSONATA,
        definition=_jsonata(
            {
                "Decide": {
                    "Type": "Choice",
                    "Choices": [
                        {"Condition": "{% $states.input.qty > 10 %}", "Next": "Big"},
                        {
                            "Condition": "{% $states.input.qty > 1 and $states.input.ok %}",
                            "Next": "Medium",
                        },
                    ],
                    "Default": "Small",
                },
                "Big": {"Type": "Pass", "Output": "big", "End": True},
                "Medium": {"Type": "Pass", "Output": "medium", "End": True},
                "Small": {"Type": "Pass", "Output": "small", "End": True},
            },
            "Decide",
        ),
        input={"qty": 5, "ok": True},
        expected=Expected(output="medium"),
        moto_unsupported=_NO_JSONATA,
    ),
    Case(
        name="jsonata_context_and_aws_functions",
        doc=_JSONATA,
        definition=_jsonata(
            {
                "Shape": {
                    "Type": "Pass",
                    "Output": {
                        "execution": "{% $states.context.Execution.Name %}",
                        "state": "{% $states.context.State.Name %}",
                        "partition": "{% $partition([1, 2, 3, 4, 5], 2) %}",
                        "range": "{% $range(0, 10, 5) %}",
                        "hash": "{% $hash('sluice', 'SHA-256') %}",
                        "parsed": "{% $parse($states.input.encoded) %}",
                        "random": "{% $random() %}",
                        "id": "{% $uuid() %}",
                    },
                    "End": True,
                }
            },
            "Shape",
        ),
        input={"encoded": '{"a": [1, 2]}'},
        expected=Expected(
            output={
                "execution": "conformance-run",
                "state": "Shape",
                "partition": [[1, 2], [3, 4], [5]],
                "range": [0, 5, 10],
                "hash": hashlib.sha256(b"sluice").hexdigest(),
                "parsed": {"a": [1, 2]},
                "random": InRange(0, 1),
                "id": Matches(UUID_PATTERN),
            }
        ),
        moto_unsupported=_NO_JSONATA,
    ),
    Case(
        name="jsonata_evaluation_error_is_query_evaluation_error",
        doc=_JSONATA,
        definition=_jsonata(
            {"Bad": {"Type": "Pass", "Output": "{% $states.input.text + 1 %}", "End": True}},
            "Bad",
        ),
        input={"text": "abc"},
        expected=Expected(
            status="FAILED", error="States.QueryEvaluationError", cause=Matches(".+")
        ),
        moto_unsupported=_NO_JSONATA,
    ),
    Case(
        name="jsonata_catch_output_and_assign_from_error_output",
        doc=_JSONATA,
        definition=_jsonata(
            {
                "Call": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Arguments": {"FunctionName": "erp", "Payload": "{% $states.input %}"},
                    "Catch": [
                        {
                            "ErrorEquals": ["ProviderRejected"],
                            "Assign": {"failedWith": "{% $states.errorOutput.Error %}"},
                            "Output": {
                                "order": "{% $states.input.id %}",
                                "cause": "{% $states.errorOutput.Cause %}",
                            },
                            "Next": "Report",
                        }
                    ],
                    "End": True,
                },
                "Report": {
                    "Type": "Pass",
                    "Output": {
                        "order": "{% $states.input.order %}",
                        "error": "{% $failedWith %}",
                        "cause": "{% $states.input.cause %}",
                    },
                    "End": True,
                },
            },
            "Call",
        ),
        input={"id": "o-1"},
        lambdas={"erp": raises("ProviderRejected", "unknown customer")},
        expected=Expected(
            output={
                "order": "o-1",
                "error": "ProviderRejected",
                "cause": LambdaErrorCause("ProviderRejected", "unknown customer"),
            }
        ),
        moto_unsupported=_NO_JSONATA,
    ),
    Case(
        name="jsonata_map_items_and_item_selector",
        doc=_JSONATA,
        definition=_jsonata(
            {
                "Each": {
                    "Type": "Map",
                    "Items": "{% $states.input.orders[qty > 0] %}",
                    "ItemSelector": {
                        "id": "{% $states.context.Map.Item.Value.id %}",
                        "position": "{% $states.context.Map.Item.Index %}",
                    },
                    "ItemProcessor": {
                        "ProcessorConfig": {"Mode": "INLINE"},
                        "StartAt": "Item",
                        "States": {
                            "Item": {
                                "Type": "Pass",
                                "Output": "{% $states.input.id & '#' & $states.input.position %}",
                                "End": True,
                            }
                        },
                    },
                    "End": True,
                }
            },
            "Each",
        ),
        input={"orders": [{"id": "a", "qty": 1}, {"id": "b", "qty": 0}, {"id": "c", "qty": 2}]},
        expected=Expected(output=["a#0", "c#1"]),
        moto_unsupported=_NO_JSONATA,
    ),
    Case(
        name="jsonata_wait_seconds_and_fail_error_cause",
        doc=_JSONATA,
        definition=_jsonata(
            {
                "Hold": {
                    "Type": "Wait",
                    "Seconds": "{% $states.input.delay * 2 %}",
                    "Next": "Stop",
                },
                "Stop": {
                    "Type": "Fail",
                    "Error": "{% $states.input.code %}",
                    "Cause": "{% 'held ' & $string($states.input.delay * 2) & ' s' %}",
                },
            },
            "Hold",
        ),
        input={"delay": 6, "code": "OrderInvalid"},
        expected=Expected(
            status="FAILED", error="OrderInvalid", cause="held 12 s", waited_seconds=12
        ),
        moto_unsupported=_NO_JSONATA,
    ),
    Case(
        name="jsonata_state_in_a_jsonpath_machine",
        doc=_JSONATA,
        definition={
            "StartAt": "Path",
            "States": {
                "Path": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "Next": "Ata"},
                "Ata": {
                    "Type": "Pass",
                    "QueryLanguage": "JSONata",
                    "Output": {"square": "{% $states.input.n * $states.input.n %}"},
                    "End": True,
                },
            },
        },
        input={"n": 7, "dropped": True},
        expected=Expected(output={"square": 49}),
        moto_unsupported=_NO_JSONATA,
    ),
    Case(
        name="variables_assign_in_jsonpath_and_reference",
        doc=_VARIABLES,
        definition={
            "StartAt": "Remember",
            "States": {
                "Remember": {
                    "Type": "Pass",
                    "Assign": {"orderId.$": "$.id", "attempt": 1, "lines.$": "$.lines"},
                    "Next": "Use",
                },
                "Use": {
                    "Type": "Pass",
                    "Parameters": {
                        "order.$": "$orderId",
                        "attempt.$": "$attempt",
                        "firstLine.$": "$lines[0]",
                    },
                    "End": True,
                },
            },
        },
        input={"id": "o-3", "lines": ["x", "y"]},
        expected=Expected(output={"order": "o-3", "attempt": 1, "firstLine": "x"}),
        moto_unsupported=_NO_VARIABLES,
    ),
    Case(
        name="variables_assign_from_task_result_in_jsonata",
        doc=_VARIABLES,
        definition=_jsonata(
            {
                "Price": {
                    "Type": "Task",
                    "Resource": function_arn("price"),
                    "Arguments": "{% $states.input %}",
                    "Assign": {"price": "{% $states.result.price %}"},
                    "Output": "{% $states.input %}",
                    "Next": "Bill",
                },
                "Bill": {
                    "Type": "Pass",
                    "Output": {"sku": "{% $states.input.sku %}", "charge": "{% $price * 2 %}"},
                    "End": True,
                },
            },
            "Price",
        ),
        input={"sku": "w-1"},
        lambdas={"price": computes(lambda event: {"price": 21})},
        expected=Expected(output={"sku": "w-1", "charge": 42}),
        moto_unsupported=_NO_VARIABLES,
    ),
    Case(
        name="variables_assign_reads_values_from_state_entry",
        doc=_VARIABLES,
        definition=_jsonata(
            {
                "Init": {"Type": "Pass", "Assign": {"a": 1, "b": 2}, "Next": "Swap"},
                "Swap": {
                    "Type": "Pass",
                    "Assign": {"a": "{% $b %}", "b": "{% $a %}"},
                    "Next": "Show",
                },
                "Show": {"Type": "Pass", "Output": {"a": "{% $a %}", "b": "{% $b %}"}, "End": True},
            },
            "Init",
        ),
        expected=Expected(output={"a": 2, "b": 1}),
        moto_unsupported=_NO_VARIABLES,
    ),
    Case(
        name="variables_visible_inside_inline_map",
        doc=_VARIABLES,
        definition=_jsonata(
            {
                "Init": {"Type": "Pass", "Assign": {"prefix": "sku-"}, "Next": "Each"},
                "Each": {
                    "Type": "Map",
                    "Items": "{% $states.input.ids %}",
                    "ItemProcessor": {
                        "ProcessorConfig": {"Mode": "INLINE"},
                        "StartAt": "Name",
                        "States": {
                            "Name": {
                                "Type": "Pass",
                                "Output": "{% $prefix & $states.input %}",
                                "End": True,
                            }
                        },
                    },
                    "End": True,
                },
            },
            "Init",
        ),
        input={"ids": ["1", "2"]},
        expected=Expected(output=["sku-1", "sku-2"]),
        moto_unsupported=_NO_VARIABLES,
    ),
)
