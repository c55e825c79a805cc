"""Tests of JSONPath Choice rules: every operator, type mismatches, missing paths, nesting."""

import pytest

from sluice.stepfunctions.asl.choice import (
    COMPARISONS,
    OPERATORS,
    PATH_COMPARISONS,
    evaluate_choice_rule,
    parse_timestamp,
)
from sluice.stepfunctions.errors import StatesError

DATA = {
    "name": "banana",
    "count": 10,
    "price": 2.5,
    "paid": True,
    "nothing": None,
    "when": "2024-05-01T12:00:00Z",
    "later": "2024-05-01T14:00:00+01:00",
    "other": "apple",
    "ten": 10,
    "star": "a*b",
}
CONTEXT = {"Execution": {"Name": "order-1"}}
VARIABLES = {"limit": 5}


def holds(rule):
    """Evaluate a rule against the shared data, context and variables."""
    return evaluate_choice_rule(rule, DATA, CONTEXT, VARIABLES)


def test_all_documented_operators_are_known():
    """GIVEN AWS's operator list WHEN compared THEN every operator is implemented."""
    kinds = ["Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"]
    expected = {f"{t}{k}" for t in ("String", "Numeric", "Timestamp") for k in kinds}
    expected |= {"BooleanEquals", "StringMatches"}
    expected_paths = {f"{name}Path" for name in expected - {"StringMatches"}}
    tests = {"IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"}
    assert set(COMPARISONS) == expected
    assert set(PATH_COMPARISONS) == expected_paths
    assert expected | expected_paths | tests == OPERATORS


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("StringEquals", "banana", True),
        ("StringEquals", "Banana", False),
        ("StringLessThan", "cherry", True),
        ("StringGreaterThan", "apple", True),
        ("StringLessThanEquals", "banana", True),
        ("StringGreaterThanEquals", "cherry", False),
    ],
)
def test_string_comparisons(operator, value, expected):
    """GIVEN a string variable WHEN compared lexically THEN the documented result."""
    assert holds({"Variable": "$.name", operator: value}) is expected


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("NumericEquals", 10, True),
        ("NumericEquals", 10.0, True),
        ("NumericLessThan", 11, True),
        ("NumericGreaterThan", 9.5, True),
        ("NumericLessThanEquals", 10, True),
        ("NumericGreaterThanEquals", 11, False),
    ],
)
def test_numeric_comparisons(operator, value, expected):
    """GIVEN a number variable WHEN compared THEN integers and decimals compare by value."""
    assert holds({"Variable": "$.count", operator: value}) is expected


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("TimestampEquals", "2024-05-01T13:00:00+01:00", True),
        ("TimestampLessThan", "2024-05-01T12:00:00.001Z", True),
        ("TimestampGreaterThan", "2024-04-30T23:59:59Z", True),
        ("TimestampLessThanEquals", "2024-05-01T12:00:00Z", True),
        ("TimestampGreaterThanEquals", "2024-05-02T00:00:00Z", False),
    ],
)
def test_timestamp_comparisons_respect_offsets(operator, value, expected):
    """GIVEN timestamps with different offsets WHEN compared THEN as instants in time."""
    assert holds({"Variable": "$.when", operator: value}) is expected


@pytest.mark.parametrize(("value", "expected"), [(True, True), (False, False)])
def test_boolean_equals(value, expected):
    """GIVEN a boolean variable WHEN compared THEN equal only to the same boolean."""
    assert holds({"Variable": "$.paid", "BooleanEquals": value}) is expected


@pytest.mark.parametrize(
    ("rule", "description"),
    [
        ({"Variable": "$.count", "StringEquals": "10"}, "number vs string"),
        ({"Variable": "$.name", "NumericEquals": 1}, "string vs number"),
        ({"Variable": "$.paid", "NumericEquals": 1}, "boolean vs number"),
        ({"Variable": "$.count", "BooleanEquals": True}, "number vs boolean"),
        ({"Variable": "$.name", "TimestampEquals": "2024-05-01T12:00:00Z"}, "not a timestamp"),
        ({"Variable": "$.nothing", "StringEquals": "null"}, "null vs string"),
        ({"Variable": "$.count", "StringMatches": "*"}, "number vs pattern"),
    ],
)
def test_type_mismatch_is_false_not_error(rule, description):
    """GIVEN a value of the wrong type WHEN compared THEN the rule is false."""
    assert holds(rule) is False, description


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("ban*", True),
        ("*ana", True),
        ("b*n*a", True),
        ("*", True),
        ("ban", False),
        ("Ban*", False),
    ],
)
def test_string_matches_wildcards(pattern, expected):
    """GIVEN `*` wildcards WHEN matched THEN the whole string must match."""
    assert holds({"Variable": "$.name", "StringMatches": pattern}) is expected


def test_string_matches_escaped_asterisk_is_literal():
    """GIVEN `\\*` in the pattern WHEN matched THEN only a literal asterisk matches."""
    assert holds({"Variable": "$.star", "StringMatches": "a\\*b"}) is True
    assert holds({"Variable": "$.name", "StringMatches": "b\\*"}) is False


def test_string_matches_escaped_backslash_is_literal():
    """GIVEN `\\\\` in the pattern WHEN matched THEN it matches one backslash."""
    rule = {"Variable": "$.s", "StringMatches": "a\\\\*"}
    assert evaluate_choice_rule(rule, {"s": "a\\xyz"}, {}, {}) is True


@pytest.mark.parametrize(
    ("variable", "operator", "path", "expected"),
    [
        ("$.count", "NumericEqualsPath", "$.ten", True),
        ("$.count", "NumericGreaterThanPath", "$limit", True),
        ("$.name", "StringLessThanPath", "$.other", False),
        ("$.name", "StringGreaterThanPath", "$.other", True),
        ("$.when", "TimestampLessThanPath", "$.later", True),
        ("$.paid", "BooleanEqualsPath", "$.paid", True),
        ("$.count", "BooleanEqualsPath", "$.paid", False),
        ("$.ten", "StringEqualsPath", "$.count", False),
    ],
)
def test_path_variants_read_the_comparison_value(variable, operator, path, expected):
    """GIVEN a `...Path` operator WHEN evaluated THEN the value at the path is compared."""
    assert holds({"Variable": variable, operator: path}) is expected


def test_path_variant_with_missing_path_is_runtime_error():
    """GIVEN a `...Path` operand that selects nothing WHEN evaluated THEN States.Runtime."""
    with pytest.raises(StatesError) as raised:
        holds({"Variable": "$.count", "NumericEqualsPath": "$.missing"})
    assert raised.value.error == "States.Runtime"


@pytest.mark.parametrize(
    ("operator", "path", "truth"),
    [
        ("IsNull", "$.nothing", True),
        ("IsNull", "$.name", False),
        ("IsNumeric", "$.price", True),
        ("IsNumeric", "$.paid", False),
        ("IsString", "$.name", True),
        ("IsString", "$.count", False),
        ("IsBoolean", "$.paid", True),
        ("IsBoolean", "$.nothing", False),
        ("IsTimestamp", "$.when", True),
        ("IsTimestamp", "$.name", False),
    ],
)
def test_type_tests(operator, path, truth):
    """GIVEN a type test WHEN evaluated with true and false THEN it says whether the type fits."""
    assert holds({"Variable": path, operator: True}) is truth
    assert holds({"Variable": path, operator: False}) is not truth


def test_is_present_on_missing_path():
    """GIVEN a missing path WHEN tested with IsPresent THEN false (and true for IsPresent false)."""
    assert holds({"Variable": "$.missing", "IsPresent": True}) is False
    assert holds({"Variable": "$.missing", "IsPresent": False}) is True


def test_is_present_on_null_value():
    """GIVEN a key holding null WHEN tested with IsPresent THEN it is present."""
    assert holds({"Variable": "$.nothing", "IsPresent": True}) is True


def test_missing_variable_in_comparison_is_runtime_error():
    """GIVEN a Variable path to nothing WHEN compared THEN States.Runtime as AWS reports it."""
    with pytest.raises(StatesError) as raised:
        holds({"Variable": "$.missing", "StringEquals": "x"})
    assert raised.value.error == "States.Runtime"
    assert raised.value.cause == (
        "Invalid path '$.missing': The choice state's condition path references an invalid value."
    )


def test_context_and_variable_references():
    """GIVEN `$$.` and `$var` Variables WHEN compared THEN they read context and variables."""
    assert holds({"Variable": "$$.Execution.Name", "StringEquals": "order-1"}) is True
    assert holds({"Variable": "$limit", "NumericLessThan": 6}) is True


def test_and_requires_all():
    """GIVEN And WHEN one rule is false THEN false; all true THEN true."""
    true_rule = {"Variable": "$.paid", "BooleanEquals": True}
    false_rule = {"Variable": "$.count", "NumericEquals": 0}
    assert holds({"And": [true_rule, true_rule]}) is True
    assert holds({"And": [true_rule, false_rule]}) is False


def test_or_requires_any():
    """GIVEN Or WHEN one rule is true THEN true; none THEN false."""
    true_rule = {"Variable": "$.paid", "BooleanEquals": True}
    false_rule = {"Variable": "$.count", "NumericEquals": 0}
    assert holds({"Or": [false_rule, true_rule]}) is True
    assert holds({"Or": [false_rule, false_rule]}) is False


def test_or_short_circuits_before_a_failing_rule():
    """GIVEN Or whose first rule holds WHEN evaluated THEN later rules are not evaluated."""
    rule = {
        "Or": [
            {"Variable": "$.paid", "BooleanEquals": True},
            {"Variable": "$.missing", "StringEquals": "x"},
        ]
    }
    assert holds(rule) is True


def test_not_negates_and_nesting_works():
    """GIVEN Not around And/Or WHEN evaluated THEN the negated result of the nested rule."""
    rule = {
        "Not": {
            "And": [
                {"Variable": "$.name", "StringEquals": "banana"},
                {"Or": [{"Variable": "$.count", "NumericGreaterThan": 100}]},
            ]
        },
        "Next": "Somewhere",
    }
    assert holds(rule) is True


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("2016-03-14T01:59:00Z", True),
        ("2016-03-14T01:59:00.123456789Z", True),
        ("2016-03-14T01:59:00-05:00", True),
        ("2016-03-14t01:59:00Z", False),
        ("2016-03-14T01:59:00z", False),
        ("2016-03-14T01:59:00", False),
        ("2016-13-14T01:59:00Z", False),
        ("2016-03-14 01:59:00Z", False),
    ],
)
def test_timestamp_format_follows_asl_rfc3339_profile(text, valid):
    """GIVEN a timestamp string WHEN parsed THEN uppercase T and Z, a zone and a real date."""
    assert (parse_timestamp(text) is not None) is valid
