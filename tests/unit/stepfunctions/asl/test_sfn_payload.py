"""Tests of JSONPath payload templates (Parameters, ResultSelector, ItemSelector, Assign)."""

import pytest

from sluice.stepfunctions.asl.payload import render_payload
from sluice.stepfunctions.errors import StatesError

DATA = {"order": {"id": "o-1", "total": 12.5}, "items": [1, 2, 3]}
CONTEXT = {"Execution": {"Name": "order-shop-1"}, "Task": {"Token": "tok"}}
VARIABLES = {"customer": {"id": "c-9"}}


def render(template):
    """Render a template against the shared test data, context and variables."""
    return render_payload(template, DATA, CONTEXT, VARIABLES)


def test_literal_values_are_kept():
    """GIVEN a template without `.$` keys WHEN rendered THEN it equals the template."""
    template = {"a": 1, "b": [True, None], "c": {"d": "$.not-a-path"}}
    assert render(template) == template


def test_path_field_drops_suffix_and_takes_path_value():
    """GIVEN `"id.$": "$.order.id"` WHEN rendered THEN `id` holds the selected value."""
    assert render({"id.$": "$.order.id"}) == {"id": "o-1"}


def test_context_and_variable_fields():
    """GIVEN `$$` and `$var` paths WHEN rendered THEN they read the context and variables."""
    rendered = render({"token.$": "$$.Task.Token", "customer.$": "$customer.id"})
    assert rendered == {"token": "tok", "customer": "c-9"}


def test_intrinsic_field_is_evaluated():
    """GIVEN an intrinsic in a `.$` field WHEN rendered THEN the function's result is used."""
    assert render({"name.$": "States.Format('order {}', $.order.id)"}) == {"name": "order o-1"}


def test_nested_objects_and_arrays_are_rendered():
    """GIVEN `.$` fields inside nested objects and arrays WHEN rendered THEN all are evaluated."""
    template = {"outer": {"inner.$": "$.order.total"}, "list": [{"x.$": "$.items[0]"}, "lit"]}
    assert render(template) == {"outer": {"inner": 12.5}, "list": [{"x": 1}, "lit"]}


def test_top_level_array_template():
    """GIVEN an array template WHEN rendered THEN each element is rendered."""
    assert render([{"a.$": "$.order.id"}, 2]) == [{"a": "o-1"}, 2]


def test_scalar_template_is_returned_as_is():
    """GIVEN a scalar template WHEN rendered THEN the scalar is the result."""
    assert render("plain") == "plain"


def test_template_is_not_mutated():
    """GIVEN a template WHEN rendered THEN the template still has its `.$` keys."""
    template = {"a.$": "$.order.id", "n": {"b.$": "$.items"}}
    render(template)
    assert template == {"a.$": "$.order.id", "n": {"b.$": "$.items"}}


def test_missing_path_names_field_and_input_like_aws():
    """GIVEN a `.$` path to nothing WHEN rendered THEN States.Runtime in AWS's wording."""
    with pytest.raises(StatesError) as raised:
        render_payload({"x.$": "$.missing"}, {"a": 1}, {}, {})
    assert raised.value.error == "States.Runtime"
    assert raised.value.cause == (
        "The JSONPath '$.missing' specified for the field 'x.$' could not be found in the "
        "input '{\"a\":1}'"
    )


def test_missing_path_inside_intrinsic_names_the_field():
    """GIVEN an intrinsic argument path to nothing WHEN rendered THEN States.Runtime naming it."""
    with pytest.raises(StatesError) as raised:
        render({"x.$": "States.Array($.missing)"})
    assert raised.value.error == "States.Runtime"
    assert "'x.$'" in raised.value.cause


def test_non_string_path_value_is_runtime_error():
    """GIVEN a `.$` key whose value is not a string WHEN rendered THEN States.Runtime."""
    with pytest.raises(StatesError) as raised:
        render({"x.$": 5})
    assert raised.value.error == "States.Runtime"


def test_intrinsic_failure_propagates():
    """GIVEN an intrinsic that fails WHEN rendered THEN States.IntrinsicFailure is raised."""
    with pytest.raises(StatesError) as raised:
        render({"x.$": "States.ArrayGetItem($.items, 9)"})
    assert raised.value.error == "States.IntrinsicFailure"
