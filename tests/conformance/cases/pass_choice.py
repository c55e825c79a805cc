"""Pass, Choice (every operator, And/Or/Not), Succeed and Fail states."""

from __future__ import annotations

from ..case import Case, Divergence, Expected
from ..matchers import Undocumented

_PASS = "https://docs.aws.amazon.com/step-functions/latest/dg/state-pass.html"
_CHOICE = "https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html"
_SUCCEED = "https://docs.aws.amazon.com/step-functions/latest/dg/state-succeed.html"
_FAIL = "https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html"


def _choose(rule: dict) -> dict:
    """A machine answering "yes" when `rule` holds for its input, else "no"."""
    return {
        "StartAt": "Decide",
        "States": {
            "Decide": {
                "Type": "Choice",
                "Choices": [{**rule, "Next": "Yes"}],
                "Default": "No",
            },
            "Yes": {"Type": "Pass", "Result": "yes", "End": True},
            "No": {"Type": "Pass", "Result": "no", "End": True},
        },
    }


def _all(*rules: dict) -> dict:
    """An And rule over `rules`."""
    return {"And": list(rules)}


_CHOICE_INPUT = {
    "name": "widget",
    "other": "widget",
    "low": "apple",
    "pattern": "order-42.json",
    "literal_star": "a*b",
    "qty": 5,
    "five": 5,
    "ten": 10,
    "price": 2.5,
    "flag": True,
    "yes": True,
    "when": "2024-03-01T12:00:00Z",
    "same_when": "2024-03-01T12:00:00Z",
    "later": "2024-06-01T00:00:00Z",
    "nothing": None,
}

CASES = (
    Case(
        name="pass_result_into_result_path",
        doc=_PASS,
        definition={
            "StartAt": "P",
            "States": {
                "P": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.added", "End": True}
            },
        },
        input={"keep": True},
        expected=Expected(output={"keep": True, "added": {"x": 1}}),
    ),
    Case(
        name="pass_without_result_passes_input",
        doc=_PASS,
        definition={"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
        input={"a": [1, 2, {"b": None}]},
        expected=Expected(output={"a": [1, 2, {"b": None}]}),
    ),
    Case(
        name="choice_string_operators",
        doc=_CHOICE,
        definition=_choose(
            _all(
                {"Variable": "$.name", "StringEquals": "widget"},
                {"Variable": "$.name", "StringEqualsPath": "$.other"},
                {"Variable": "$.low", "StringLessThan": "banana"},
                {"Variable": "$.low", "StringLessThanPath": "$.name"},
                {"Variable": "$.name", "StringGreaterThan": "apple"},
                {"Variable": "$.name", "StringGreaterThanPath": "$.low"},
                {"Variable": "$.name", "StringLessThanEquals": "widget"},
                {"Variable": "$.low", "StringLessThanEqualsPath": "$.name"},
                {"Variable": "$.name", "StringGreaterThanEquals": "widget"},
                {"Variable": "$.name", "StringGreaterThanEqualsPath": "$.other"},
            )
        ),
        input=_CHOICE_INPUT,
        expected=Expected(output="yes"),
    ),
    Case(
        name="choice_string_matches_wildcards",
        doc=_CHOICE,
        definition=_choose(
            _all(
                {"Variable": "$.pattern", "StringMatches": "order-*.json"},
                {"Variable": "$.pattern", "StringMatches": "*"},
                {"Not": {"Variable": "$.pattern", "StringMatches": "order-*.csv"}},
            )
        ),
        input=_CHOICE_INPUT,
        expected=Expected(output="yes"),
    ),
    Case(
        name="choice_string_matches_escaped_asterisk_is_literal",
        doc=_CHOICE,
        definition=_choose(
            _all(
                {"Variable": "$.literal_star", "StringMatches": "a\\*b"},
                {"Not": {"Variable": "$.pattern", "StringMatches": "order\\*"}},
            )
        ),
        input=_CHOICE_INPUT,
        expected=Expected(output="yes"),
        divergence=Divergence(
            reason="moto's parser does not treat a backslash-escaped asterisk as a literal '*'",
            doc=_CHOICE,
            moto=Expected(output="no"),
        ),
    ),
    Case(
        name="choice_numeric_operators",
        doc=_CHOICE,
        definition=_choose(
            _all(
                {"Variable": "$.qty", "NumericEquals": 5},
                {"Variable": "$.qty", "NumericEqualsPath": "$.five"},
                {"Variable": "$.price", "NumericLessThan": 3},
                {"Variable": "$.qty", "NumericLessThanPath": "$.ten"},
                {"Variable": "$.qty", "NumericGreaterThan": 4.5},
                {"Variable": "$.ten", "NumericGreaterThanPath": "$.qty"},
                {"Variable": "$.qty", "NumericLessThanEquals": 5},
                {"Variable": "$.qty", "NumericLessThanEqualsPath": "$.five"},
                {"Variable": "$.qty", "NumericGreaterThanEquals": 5},
                {"Variable": "$.ten", "NumericGreaterThanEqualsPath": "$.qty"},
            )
        ),
        input=_CHOICE_INPUT,
        expected=Expected(output="yes"),
    ),
    Case(
        name="choice_boolean_and_timestamp_operators",
        doc=_CHOICE,
        definition=_choose(
            _all(
                {"Variable": "$.flag", "BooleanEquals": True},
                {"Variable": "$.flag", "BooleanEqualsPath": "$.yes"},
                {"Variable": "$.when", "TimestampEquals": "2024-03-01T12:00:00Z"},
                {"Variable": "$.when", "TimestampEqualsPath": "$.same_when"},
                {"Variable": "$.when", "TimestampLessThan": "2024-03-01T12:00:01Z"},
                {"Variable": "$.when", "TimestampLessThanPath": "$.later"},
                {"Variable": "$.later", "TimestampGreaterThan": "2024-03-01T12:00:00Z"},
                {"Variable": "$.later", "TimestampGreaterThanPath": "$.when"},
                {"Variable": "$.when", "TimestampLessThanEquals": "2024-03-01T12:00:00Z"},
                {"Variable": "$.when", "TimestampLessThanEqualsPath": "$.same_when"},
                {"Variable": "$.when", "TimestampGreaterThanEquals": "2024-03-01T12:00:00Z"},
                {"Variable": "$.later", "TimestampGreaterThanEqualsPath": "$.when"},
            )
        ),
        input=_CHOICE_INPUT,
        expected=Expected(output="yes"),
    ),
    Case(
        name="choice_type_tests",
        doc=_CHOICE,
        definition=_choose(
            _all(
                {"Variable": "$.nothing", "IsNull": True},
                {"Variable": "$.name", "IsNull": False},
                {"Variable": "$.name", "IsPresent": True},
                {"Variable": "$.missing", "IsPresent": False},
                {"Variable": "$.qty", "IsNumeric": True},
                {"Variable": "$.name", "IsNumeric": False},
                {"Variable": "$.name", "IsString": True},
                {"Variable": "$.flag", "IsBoolean": True},
                {"Variable": "$.when", "IsTimestamp": True},
                {"Variable": "$.name", "IsTimestamp": False},
            )
        ),
        input=_CHOICE_INPUT,
        expected=Expected(output="yes"),
    ),
    Case(
        name="choice_or_and_not_nesting",
        doc=_CHOICE,
        definition=_choose(
            {
                "Or": [
                    {"Variable": "$.qty", "NumericGreaterThan": 100},
                    {
                        "And": [
                            {"Not": {"Variable": "$.name", "StringEquals": "gadget"}},
                            {"Not": {"Not": {"Variable": "$.flag", "BooleanEquals": True}}},
                        ]
                    },
                ]
            }
        ),
        input=_CHOICE_INPUT,
        expected=Expected(output="yes"),
    ),
    Case(
        name="choice_first_matching_rule_wins",
        doc=_CHOICE,
        definition={
            "StartAt": "Decide",
            "States": {
                "Decide": {
                    "Type": "Choice",
                    "Choices": [
                        {"Variable": "$.qty", "NumericGreaterThan": 10, "Next": "Big"},
                        {"Variable": "$.qty", "NumericGreaterThan": 1, "Next": "Medium"},
                        {"Variable": "$.qty", "NumericGreaterThan": 0, "Next": "Small"},
                    ],
                },
                "Big": {"Type": "Pass", "Result": "big", "End": True},
                "Medium": {"Type": "Pass", "Result": "medium", "End": True},
                "Small": {"Type": "Pass", "Result": "small", "End": True},
            },
        },
        input={"qty": 5},
        expected=Expected(output="medium"),
    ),
    Case(
        name="choice_default_when_nothing_matches",
        doc=_CHOICE,
        definition=_choose({"Variable": "$.qty", "NumericEquals": 6}),
        input=_CHOICE_INPUT,
        expected=Expected(output="no"),
    ),
    Case(
        name="choice_without_default_fails_no_choice_matched",
        doc=_CHOICE,
        definition={
            "StartAt": "Decide",
            "States": {
                "Decide": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.qty", "NumericEquals": 6, "Next": "Done"}],
                },
                "Done": {"Type": "Succeed"},
            },
        },
        input={"qty": 5},
        expected=Expected(status="FAILED", error="States.NoChoiceMatched", cause=Undocumented()),
        divergence=Divergence(
            reason="moto's parser fails with States.Runtime (a Python RuntimeError) instead",
            doc="https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html",
            moto=Expected(
                status="FAILED",
                error="States.Runtime",
                cause="RuntimeError(('No branching option reached in state %s', 'Decide'))",
            ),
        ),
    ),
    Case(
        name="succeed_applies_input_and_output_path",
        doc=_SUCCEED,
        definition={
            "StartAt": "Done",
            "States": {"Done": {"Type": "Succeed", "InputPath": "$.order", "OutputPath": "$.id"}},
        },
        input={"order": {"id": "o-1", "lines": 3}},
        expected=Expected(output="o-1"),
    ),
    Case(
        name="fail_with_static_error_and_cause",
        doc=_FAIL,
        definition={
            "StartAt": "Stop",
            "States": {"Stop": {"Type": "Fail", "Error": "OrderInvalid", "Cause": "no lines"}},
        },
        expected=Expected(status="FAILED", error="OrderInvalid", cause="no lines"),
    ),
    Case(
        name="fail_with_error_path_and_cause_path",
        doc=_FAIL,
        definition={
            "StartAt": "Stop",
            "States": {
                "Stop": {
                    "Type": "Fail",
                    "ErrorPath": "$.failure.code",
                    "CausePath": "States.Format('order {} rejected', $.id)",
                }
            },
        },
        input={"id": "o-7", "failure": {"code": "ProviderRejected"}},
        expected=Expected(status="FAILED", error="ProviderRejected", cause="order o-7 rejected"),
    ),
    Case(
        name="fail_without_error_or_cause",
        doc=_FAIL,
        definition={"StartAt": "Stop", "States": {"Stop": {"Type": "Fail"}}},
        expected=Expected(status="FAILED", error=None, cause=None),
    ),
)
