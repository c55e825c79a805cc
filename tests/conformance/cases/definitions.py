"""Refused requests: invalid definitions name the offending state; bad input gets AWS's error."""

from __future__ import annotations

from ..case import Case, Divergence, Expected, function_arn, refused
from ..matchers import Contains

_CREATE = (
    "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html"
)
_START = "https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html"
_INTRINSICS = "https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html"
_JSONATA = "https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html"
_MOTO_CODE = (
    "moto's parser raises its InvalidDefinition without an error code: boto3 sees Code '' "
    "(and a Python repr of the parser exception as the message)"
)

CASES = (
    Case(
        name="invalid_definition_missing_next_target",
        doc=_CREATE,
        definition={"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}},
        expected=refused(
            "InvalidDefinition", Contains("MISSING_TRANSITION_TARGET", "Nowhere", "/States/A/Next")
        ),
        divergence=Divergence(
            reason=(
                "moto's parser accepts a definition whose Next names no state and fails the "
                "execution at run time with States.Runtime instead"
            ),
            doc=_CREATE,
            moto=Expected(
                status="FAILED", error="States.Runtime", cause="ValueError(No such state None.)"
            ),
        ),
    ),
    Case(
        name="invalid_definition_start_at_names_no_state",
        doc=_CREATE,
        definition={"StartAt": "Missing", "States": {"A": {"Type": "Pass", "End": True}}},
        expected=refused("InvalidDefinition", Contains("MISSING_TRANSITION_TARGET", "Missing")),
        divergence=Divergence(
            reason="moto's parser accepts a StartAt naming no state",
            doc=_CREATE,
            moto=Expected(
                status="FAILED", error="States.Runtime", cause="ValueError(No such state None.)"
            ),
        ),
    ),
    Case(
        name="invalid_definition_not_json",
        doc=_CREATE,
        definition='{"StartAt": "A", "States": {',
        expected=refused("InvalidDefinition", Contains("INVALID_JSON_DESCRIPTION")),
        divergence=Divergence(
            reason=_MOTO_CODE, doc=_CREATE, moto=refused("", Contains("ASLParserException"))
        ),
    ),
    Case(
        name="invalid_definition_task_without_resource",
        doc=_CREATE,
        definition={"StartAt": "A", "States": {"A": {"Type": "Task", "End": True}}},
        expected=refused("InvalidDefinition", Contains("SCHEMA_VALIDATION_FAILED", "/States/A")),
        divergence=Divergence(
            reason=_MOTO_CODE, doc=_CREATE, moto=refused("", Contains("No Resource declaration"))
        ),
    ),
    Case(
        name="invalid_definition_unknown_intrinsic_function",
        doc=_INTRINSICS,
        definition={
            "StartAt": "A",
            "States": {
                "A": {"Type": "Pass", "Parameters": {"x.$": "States.Nope($.a)"}, "End": True}
            },
        },
        expected=refused("InvalidDefinition", Contains("SCHEMA_VALIDATION_FAILED", "/States/A")),
        divergence=Divergence(
            reason=_MOTO_CODE, doc=_CREATE, moto=refused("", Contains("StatesFunctionNameType"))
        ),
    ),
    Case(
        name="invalid_definition_jsonpath_field_in_jsonata_state",
        doc=_JSONATA,
        definition={
            "QueryLanguage": "JSONata",
            "StartAt": "A",
            "States": {
                "A": {
                    "Type": "Task",
                    "Resource": function_arn("work"),
                    "Parameters": {"x.$": "$.a"},
                    "End": True,
                }
            },
        },
        expected=refused("InvalidDefinition", Contains("SCHEMA_VALIDATION_FAILED", "/States/A")),
        divergence=Divergence(
            reason=_MOTO_CODE,
            doc=_CREATE,
            moto=refused("", Contains("Unsupported declaration in QueryLanguage=JSONPath block")),
        ),
    ),
    Case(
        name="invalid_execution_input_json",
        doc=_START,
        definition={"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
        raw_input='{"order": ',
        expected=refused(
            "InvalidExecutionInput", Contains("Invalid State Machine Execution Input")
        ),
        divergence=Divergence(
            reason=(
                "moto's parser raises InvalidExecutionInput without an error code and with "
                "Python's json error text"
            ),
            doc=_START,
            moto=refused("", Contains("Expecting value")),
        ),
    ),
)
