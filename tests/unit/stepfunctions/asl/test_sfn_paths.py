"""Tests of ASL paths: reference paths, ResultPath placement, context and variable paths."""

import pytest

from sluice.stepfunctions.asl.paths import (
    PathNotFound,
    evaluate_path,
    reference_path,
    to_json,
)
from sluice.stepfunctions.errors import StatesError

DATA = {"order": {"id": "o-1", "lines": [{"sku": "A", "qty": 2}, {"sku": "B", "qty": 5}]}}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", DATA),
        ("$.order.id", "o-1"),
        ("$.order.lines[1].sku", "B"),
        ("$['order']['id']", "o-1"),
        ('$["order"].lines[0]', {"sku": "A", "qty": 2}),
    ],
)
def test_reference_path_selects_one_node(path, expected):
    """GIVEN a reference path WHEN read THEN it returns the single node it names."""
    assert reference_path(path).get(DATA) == expected


def test_reference_path_with_quoted_special_characters():
    """GIVEN a bracketed name with dots and spaces WHEN read THEN the whole name is one key."""
    assert reference_path("$['a.b c']").get({"a.b c": 1}) == 1


def test_reference_path_is_compiled_once():
    """GIVEN the same path twice WHEN compiled THEN the cached object is reused."""
    assert reference_path("$.a.b") is reference_path("$.a.b")


@pytest.mark.parametrize("path", ["$.a[*]", "$..a", "$.a[?(@.b)]", "a.b", "$.a[0:2]"])
def test_reference_path_rejects_non_reference_paths(path):
    """GIVEN wildcards, filters or no `$` WHEN compiled as a reference path THEN ValueError."""
    with pytest.raises(ValueError, match="ReferencePath"):
        reference_path(path)


def test_missing_leaf_raises_runtime_error_in_aws_wording():
    """GIVEN a path to an absent key WHEN read THEN States.Runtime with AWS's cause text."""
    with pytest.raises(PathNotFound) as raised:
        reference_path("$.x").get({"a": 1})
    assert raised.value.error == "States.Runtime"
    assert raised.value.cause == "Invalid path '$.x' : No results for path: $['x']"


def test_missing_intermediate_names_the_missing_property():
    """GIVEN a path through an absent object WHEN read THEN the cause names where it stopped."""
    with pytest.raises(PathNotFound) as raised:
        reference_path("$.a.b.c").get({"a": {}})
    assert raised.value.cause == "Invalid path '$.a.b.c' : Missing property in path $['a']['b']"


def test_index_out_of_range_is_not_found():
    """GIVEN an index past the end of an array WHEN read THEN States.Runtime."""
    with pytest.raises(PathNotFound):
        reference_path("$.a[3]").get({"a": [1]})


def test_name_step_into_array_is_not_found():
    """GIVEN a name step applied to an array WHEN read THEN States.Runtime."""
    with pytest.raises(PathNotFound):
        reference_path("$.a.b").get({"a": [1]})


def test_set_root_replaces_whole_input():
    """GIVEN ResultPath `$` WHEN set THEN the result replaces the input."""
    assert reference_path("$").set({"a": 1}, [1, 2]) == [1, 2]


def test_set_adds_key_without_mutating_input():
    """GIVEN ResultPath `$.result` WHEN set THEN a new object has it and the input is unchanged."""
    data = {"a": {"keep": 1}}
    updated = reference_path("$.result").set(data, "r")
    assert updated == {"a": {"keep": 1}, "result": "r"}
    assert data == {"a": {"keep": 1}}
    assert updated["a"] is data["a"]


def test_set_creates_intermediate_objects():
    """GIVEN a ResultPath through absent keys WHEN set THEN the objects are created."""
    assert reference_path("$.a.b.c").set({"x": 1}, 5) == {"x": 1, "a": {"b": {"c": 5}}}


def test_set_replaces_existing_value():
    """GIVEN a ResultPath to an existing key WHEN set THEN its value is replaced."""
    assert reference_path("$.a.b").set({"a": {"b": 1, "c": 2}}, 9) == {"a": {"b": 9, "c": 2}}


def test_set_into_existing_array_item():
    """GIVEN a ResultPath with an index inside the array WHEN set THEN that item is replaced."""
    data = {"a": [1, 2]}
    assert reference_path("$.a[1]").set(data, 7) == {"a": [1, 7]}
    assert data == {"a": [1, 2]}


@pytest.mark.parametrize(
    ("path", "data"),
    [("$.a.b", {"a": "text"}), ("$.a", [1, 2]), ("$.a[4]", {"a": [1]}), ("$.a.b", {"a": None})],
)
def test_set_through_non_object_is_result_path_match_failure(path, data):
    """GIVEN a ResultPath that cannot be applied WHEN set THEN States.ResultPathMatchFailure."""
    with pytest.raises(StatesError) as raised:
        reference_path(path).set(data, 1)
    assert raised.value.error == "States.ResultPathMatchFailure"


def test_evaluate_context_path():
    """GIVEN a `$$.` path WHEN evaluated THEN it reads the context object."""
    context = {"Execution": {"Id": "arn:exec"}}
    assert evaluate_path("$$.Execution.Id", {}, context, {}) == "arn:exec"


def test_evaluate_whole_context():
    """GIVEN `$$` WHEN evaluated THEN the whole context object is returned."""
    assert evaluate_path("$$", {}, {"a": 1}, {}) == {"a": 1}


def test_evaluate_variable_and_path_into_it():
    """GIVEN `$var` and `$var.field[0]` WHEN evaluated THEN they read the workflow variable."""
    variables = {"order": {"lines": ["x", "y"]}}
    assert evaluate_path("$order", {}, {}, variables) == {"lines": ["x", "y"]}
    assert evaluate_path("$order.lines[1]", {}, {}, variables) == "y"


def test_evaluate_undefined_variable_is_runtime_error():
    """GIVEN a reference to an unassigned variable WHEN evaluated THEN States.Runtime."""
    with pytest.raises(StatesError) as raised:
        evaluate_path("$missing.x", {}, {}, {})
    assert raised.value.error == "States.Runtime"
    assert "missing" in raised.value.cause


def test_wildcard_returns_list_of_matches():
    """GIVEN a wildcard path WHEN evaluated THEN every match is returned in a list."""
    assert evaluate_path("$.order.lines[*].sku", DATA, {}, {}) == ["A", "B"]


def test_wildcard_with_no_match_returns_empty_list():
    """GIVEN an indefinite path matching nothing WHEN evaluated THEN an empty list, no error."""
    assert evaluate_path("$.order.lines[*].price", DATA, {}, {}) == []


def test_filter_expression_selects_matching_items():
    """GIVEN a filter WHEN evaluated THEN the items satisfying it are returned."""
    assert evaluate_path("$.order.lines[?(@.qty > 3)]", DATA, {}, {}) == [{"sku": "B", "qty": 5}]


def test_slice_returns_list():
    """GIVEN a slice WHEN evaluated THEN a list of the sliced items."""
    assert evaluate_path("$.order.lines[1:].sku", DATA, {}, {}) == ["B"]


def test_recursive_descent_finds_nested_keys():
    """GIVEN `..` WHEN evaluated THEN every nested match is returned."""
    assert evaluate_path("$..sku", DATA, {}, {}) == ["A", "B"]


def test_evaluate_missing_definite_path_raises_path_not_found():
    """GIVEN a definite path to nothing WHEN evaluated THEN PathNotFound keeps path and data."""
    with pytest.raises(PathNotFound) as raised:
        evaluate_path("$.nope", {"a": 1}, {}, {})
    assert (raised.value.path, raised.value.data) == ("$.nope", {"a": 1})


def test_evaluate_invalid_syntax_is_runtime_error():
    """GIVEN a path that does not parse WHEN evaluated THEN States.Runtime, not a crash."""
    with pytest.raises(StatesError) as raised:
        evaluate_path("$.a[", {}, {}, {})
    assert raised.value.error == "States.Runtime"


def test_evaluate_returns_selected_value_itself():
    """GIVEN a path to an object WHEN evaluated THEN the object is shared, not copied."""
    assert evaluate_path("$.order", DATA, {}, {}) is DATA["order"]


def test_to_json_is_compact_and_keeps_unicode():
    """GIVEN a value WHEN printed for a cause THEN compact JSON without escaping non-ASCII."""
    assert to_json({"a": [1, "é"]}) == '{"a":[1,"é"]}'
