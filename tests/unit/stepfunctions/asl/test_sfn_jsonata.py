"""Tests of JSONata mode: `{% %}` templates, `$states`, variables and AWS's extra functions."""

import hashlib
import re
import threading

import pytest

from sluice.stepfunctions.asl.jsonata import (
    compile_jsonata,
    evaluate_condition,
    is_jsonata,
    render_jsonata,
)
from sluice.stepfunctions.errors import StatesError

STATES = {
    "input": {"order": {"id": "o-1", "lines": [{"qty": 2}, {"qty": 3}]}, "text": '{"a": [1]}'},
    "result": {"status": "ok"},
    "errorOutput": {"Error": "Boom", "Cause": "why"},
    "context": {"Execution": {"Name": "order-shop-1"}, "Task": {"Token": "tok"}},
}


def render(template, variables=None):
    """Render a template against the shared `$states` and the given variables."""
    return render_jsonata(template, STATES, variables or {})


def query_error(template, variables=None):
    """The StatesError rendering a template raises."""
    with pytest.raises(StatesError) as raised:
        render(template, variables)
    assert raised.value.error == "States.QueryEvaluationError"
    return raised.value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{% 1 %}", True),
        ("{%%}", True),
        (" {% 1 %}", False),
        ("{% 1 %} ", False),
        ("{% 1", False),
        ("text", False),
        (1, False),
    ],
)
def test_is_jsonata_needs_exact_delimiters(value, expected):
    """GIVEN a value WHEN classified THEN only strings starting `{%` and ending `%}` qualify."""
    assert is_jsonata(value) is expected


def test_literal_strings_and_values_are_kept():
    """GIVEN strings without delimiters and other values WHEN rendered THEN kept as they are."""
    template = {"a": "plain $states.input", "b": 3, "c": [None, True], "d": " {% 1 %}"}
    assert render(template) == template


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("{% $states.input.order.id %}", "o-1"),
        ("{% $sum($states.input.order.lines.qty) %}", 5),
        ("{% $states.result.status %}", "ok"),
        ("{% $states.errorOutput.Error %}", "Boom"),
        ("{% $states.context.Task.Token %}", "tok"),
        ("{% null %}", None),
    ],
)
def test_states_fields_are_bound(expression, expected):
    """GIVEN `$states.input/result/errorOutput/context` WHEN evaluated THEN they are readable."""
    assert render(expression) == expected


def test_workflow_variables_are_bound():
    """GIVEN workflow variables WHEN referenced as `$name` THEN their values are used."""
    assert render("{% $count + 1 %}", {"count": 41}) == 42


def test_objects_and_arrays_are_rendered_recursively():
    """GIVEN expressions nested in objects and arrays WHEN rendered THEN each is evaluated."""
    template = {
        "id": "{% $states.input.order.id %}",
        "list": ["{% 1 + 1 %}", "lit", {"n": "{% 3 %}"}],
    }
    assert render(template) == {"id": "o-1", "list": [2, "lit", {"n": 3}]}


def test_template_and_states_are_not_mutated():
    """GIVEN a template WHEN rendered THEN the template keeps its expressions."""
    template = {"a": "{% $states.input.order %}"}
    result = render(template)
    assert template == {"a": "{% $states.input.order %}"}
    result["a"]["id"] = "changed"
    assert STATES["input"]["order"]["id"] == "o-1"


def test_compile_jsonata_reports_an_expression_that_does_not_parse():
    """GIVEN a broken expression WHEN checked THEN ValueError; a good one passes."""
    compile_jsonata("1 + 2")
    with pytest.raises(ValueError):
        compile_jsonata("1 +")


def test_jsonata_from_many_threads_is_evaluated_without_crossing_threads():
    """GIVEN threads that evaluate and then end WHEN their work is done THEN all results are
    right and no compiled program was used or dropped on a thread that did not make it."""
    from concurrent.futures import ThreadPoolExecutor

    def evaluate(number: int) -> int:
        return render_jsonata("{% $states.input.n * 2 %}", {"input": {"n": number}}, {})

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(evaluate, range(50))) == [n * 2 for n in range(50)]


def test_undefined_result_is_query_evaluation_error():
    """GIVEN an expression selecting nothing WHEN evaluated THEN States.QueryEvaluationError."""
    error = query_error("{% $states.input.missing %}")
    assert "returned nothing (undefined)" in error.cause


def test_syntax_error_is_query_evaluation_error():
    """GIVEN an expression that does not parse WHEN evaluated THEN States.QueryEvaluationError."""
    assert "could not be parsed" in query_error("{% 1 + %}").cause


def test_runtime_error_is_query_evaluation_error():
    """GIVEN an expression failing at run time WHEN evaluated THEN States.QueryEvaluationError."""
    assert "threw an error" in query_error("{% $undefinedFunction(1) %}").cause


def test_eval_is_not_supported():
    """GIVEN `$eval` WHEN evaluated THEN an error pointing to `$parse`, as AWS documents."""
    assert "$parse" in query_error("{% $eval('1') %}").cause


def test_partition():
    """GIVEN an array and a chunk size WHEN `$partition`ed THEN chunks, the last one shorter."""
    assert render("{% $partition([1, 2, 3, 4, 5], 2) %}") == [[1, 2], [3, 4], [5]]


@pytest.mark.parametrize("expression", ["{% $partition([1], 0) %}", "{% $partition('x', 1) %}"])
def test_partition_rejects_bad_arguments(expression):
    """GIVEN a non-array or a non-positive size WHEN `$partition`ed THEN a query error."""
    query_error(expression)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [("{% $range(0, 10, 2) %}", [0, 2, 4, 6, 8, 10]), ("{% $range(3, 1, -1) %}", [3, 2, 1])],
)
def test_range_is_inclusive(expression, expected):
    """GIVEN start, end and step WHEN `$range`d THEN the end is included."""
    assert render(expression) == expected


@pytest.mark.parametrize(
    "expression",
    ["{% $range(1, 1001, 1) %}", "{% $range(1, 2, 0) %}", "{% $range(1, 2.5, 1) %}"],
)
def test_range_rejects_too_many_items_zero_step_and_decimals(expression):
    """GIVEN over 1000 items, a zero step or a decimal WHEN `$range`d THEN a query error."""
    query_error(expression)


def test_hash_uses_named_algorithm():
    """GIVEN a string and SHA-256 WHEN `$hash`ed THEN its hex digest."""
    assert render("{% $hash('abc', 'SHA-256') %}") == hashlib.sha256(b"abc").hexdigest()


def test_hash_rejects_unknown_algorithm():
    """GIVEN an unsupported algorithm WHEN `$hash`ed THEN a query error."""
    query_error("{% $hash('abc', 'CRC32') %}")


def test_random_is_in_unit_interval_and_repeatable_with_seed():
    """GIVEN a seed WHEN `$random` runs twice THEN the same number in [0, 1)."""
    first = render("{% $random(7) %}")
    assert first == render("{% $random(7) %}")
    assert 0 <= first < 1
    assert 0 <= render("{% $random() %}") < 1


def test_uuid_is_version_4():
    """GIVEN `$uuid()` WHEN evaluated THEN a version 4 UUID."""
    pattern = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    assert re.fullmatch(pattern, render("{% $uuid() %}"))


def test_parse_deserialises_json_string():
    """GIVEN a JSON string WHEN `$parse`d THEN the JSON value."""
    assert render("{% $parse($states.input.text) %}") == {"a": [1]}


def test_parse_rejects_invalid_json():
    """GIVEN text that is not JSON WHEN `$parse`d THEN a query error."""
    query_error("{% $parse('{nope') %}")


def test_condition_true_and_false():
    """GIVEN boolean conditions WHEN evaluated THEN their truth value."""
    assert evaluate_condition("{% $states.input.order.id = 'o-1' %}", STATES, {}) is True
    assert evaluate_condition("{% $x > 5 %}", STATES, {"x": 1}) is False


def test_condition_must_be_boolean():
    """GIVEN a condition yielding a string WHEN evaluated THEN States.QueryEvaluationError."""
    with pytest.raises(StatesError) as raised:
        evaluate_condition("{% $states.input.order.id %}", STATES, {})
    assert raised.value.error == "States.QueryEvaluationError"


def test_expression_cached_in_one_thread_works_in_others():
    """GIVEN an expression compiled in this thread WHEN other threads evaluate it THEN it works.

    jsonatapy programs are bound to the thread that compiled them, so the cache is per thread.
    """
    expression = "{% $sum($range(1, $states.input.n, 1)) %}"
    assert render_jsonata(expression, {"input": {"n": 3}}, {}) == 6
    results: dict[int, object] = {}

    def evaluate(n: int) -> None:
        try:
            results[n] = render_jsonata(expression, {"input": {"n": n}}, {})
        except BaseException as error:  # a cross-thread use panics with a BaseException
            results[n] = error

    threads = [threading.Thread(target=evaluate, args=(n,)) for n in (4, 5, 6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {4: 10, 5: 15, 6: 21}
