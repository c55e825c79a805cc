"""Tests of the intrinsic functions of JSONPath states, one documented behaviour each."""

import base64
import hashlib
import re

import pytest

from sluice.stepfunctions.asl.intrinsics import (
    FUNCTIONS,
    IntrinsicSyntaxError,
    evaluate_intrinsic,
    is_intrinsic,
    parse_intrinsic,
)
from sluice.stepfunctions.errors import StatesError

DATA = {
    "name": "Ada",
    "numbers": [1, 2, 3, 2, 1],
    "objects": [{"a": 1}, {"a": 1}, {"a": 2}],
    "json": '{"x": [1, 2]}',
    "template": "Hello {}!",
    "flag": True,
}


def run(expression, data=None, context=None, variables=None):
    """Evaluate an intrinsic against the shared data unless other data is given."""
    return evaluate_intrinsic(
        expression, DATA if data is None else data, context or {}, variables or {}
    )


def fails(expression, data=None):
    """The StatesError an intrinsic raises."""
    with pytest.raises(StatesError) as raised:
        run(expression, data)
    return raised.value


def test_every_documented_function_is_known():
    """GIVEN AWS's list of intrinsics WHEN looked up THEN each one is implemented."""
    documented = {
        "Format", "StringToJson", "JsonToString", "Array", "ArrayPartition", "ArrayContains",
        "ArrayRange", "ArrayGetItem", "ArrayLength", "ArrayUnique", "Base64Encode",
        "Base64Decode", "Hash", "JsonMerge", "MathRandom", "MathAdd", "StringSplit", "UUID",
    }  # fmt: skip
    assert set(FUNCTIONS) == {f"States.{name}" for name in documented}


# --- parsing -------------------------------------------------------------------------------


def test_parse_is_cached():
    """GIVEN the same expression twice WHEN parsed THEN the cached tree is reused."""
    assert parse_intrinsic("States.Array(1)") is parse_intrinsic("States.Array(1)")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("States.Array(1, -2.5, 1e2, true, false, null)", [1, -2.5, 100.0, True, False, None]),
        ("States.Array('a', 'b c')", ["a", "b c"]),
        ("States.Array()", []),
        ("States.Array( $.name ,$.flag )", ["Ada", True]),
        ("States.Array(States.Array(1), States.ArrayLength($.numbers))", [[1], 5]),
    ],
)
def test_argument_kinds(expression, expected):
    """GIVEN literals, paths and nested calls as arguments WHEN evaluated THEN their values."""
    assert run(expression) == expected


@pytest.mark.parametrize(
    ("literal", "expected"),
    [(r"'it\'s'", "it's"), (r"'\{\}'", "{}"), (r"'back\\slash'", "back\\slash")],
)
def test_string_literal_escapes(literal, expected):
    """GIVEN escaped quote, braces and backslash WHEN parsed THEN the characters themselves."""
    assert run(f"States.Array({literal})") == [expected]


def test_string_with_comma_and_parenthesis_is_one_argument():
    """GIVEN a literal containing `,` and `)` WHEN parsed THEN it stays one argument."""
    assert run("States.Array('a, b)')") == ["a, b)"]


def test_path_with_filter_is_one_argument():
    """GIVEN a path argument with a filter WHEN evaluated THEN the filter is applied."""
    assert run("States.ArrayLength($.objects[?(@.a == 1)])") == 2


def test_context_and_variable_path_arguments():
    """GIVEN `$$.` and `$var` arguments WHEN evaluated THEN they read context and variables."""
    result = run(
        "States.Array($$.Execution.Name, $count)", {}, {"Execution": {"Name": "e"}}, {"count": 3}
    )
    assert result == ["e", 3]


@pytest.mark.parametrize(
    "expression",
    [
        "States.Array(",
        "States.Array(1 2)",
        "States.Array('unterminated)",
        "States.Array(bogus)",
        "States.Array(1) trailing",
        r"States.Array('\n')",
        "Array(1)",
    ],
)
def test_malformed_expressions_are_syntax_errors(expression):
    """GIVEN a malformed expression WHEN parsed THEN IntrinsicSyntaxError."""
    with pytest.raises(IntrinsicSyntaxError):
        parse_intrinsic(expression)


def test_unknown_function_is_rejected():
    """GIVEN an undocumented function name WHEN parsed THEN it is rejected by name."""
    with pytest.raises(IntrinsicSyntaxError, match=r"States\.Nope"):
        parse_intrinsic("States.Nope(1)")


def test_unparsable_expression_at_runtime_is_intrinsic_failure():
    """GIVEN an invalid expression WHEN evaluated THEN States.IntrinsicFailure."""
    assert fails("States.Nope(1)").error == "States.IntrinsicFailure"


def test_ten_nested_calls_are_allowed_eleven_are_not():
    """GIVEN 10 nested intrinsics WHEN parsed THEN accepted; 11 THEN rejected (AWS's limit)."""
    ten = "States.Array(" * 10 + ")" * 10
    assert run(ten) == [[[[[[[[[[]]]]]]]]]]
    with pytest.raises(IntrinsicSyntaxError, match="nested"):
        parse_intrinsic("States.Array(" * 11 + ")" * 11)


def test_call_lists_its_function_names():
    """GIVEN nested calls WHEN asked for names THEN every function in the tree is listed."""
    call = parse_intrinsic("States.Format('{}', States.ArrayLength(States.Array()))")
    assert call.function_names() == {"States.Format", "States.ArrayLength", "States.Array"}


@pytest.mark.parametrize(
    ("value", "expected"), [("States.Array()", True), (" States.UUID()", True), ("$.a", False)]
)
def test_is_intrinsic(value, expected):
    """GIVEN a `.$` value WHEN classified THEN intrinsics are told apart from paths."""
    assert is_intrinsic(value) is expected


def test_wrong_argument_count_is_intrinsic_failure():
    """GIVEN too many arguments WHEN evaluated THEN States.IntrinsicFailure naming the function."""
    error = fails("States.ArrayLength($.numbers, 1)")
    assert error.error == "States.IntrinsicFailure"
    assert "States.ArrayLength" in error.cause


# --- States.Format -------------------------------------------------------------------------


def test_format_replaces_placeholders_in_order():
    """GIVEN a template and arguments WHEN formatted THEN each `{}` takes the next argument."""
    assert run("States.Format('{} is {} ({})', $.name, 36, true)") == "Ada is 36 (true)"


def test_format_keeps_escaped_braces_literal():
    """GIVEN `\\{\\}` in the template WHEN formatted THEN literal braces, not a placeholder."""
    assert run(r"States.Format('\{\} {}', $.name)") == "{} Ada"


def test_format_template_from_path():
    """GIVEN the template as a path WHEN formatted THEN its `{}` are placeholders."""
    assert run("States.Format($.template, $.name)") == "Hello Ada!"


def test_format_null_and_float_arguments():
    """GIVEN null and decimal arguments WHEN formatted THEN they print as JSON."""
    assert run("States.Format('{} {}', null, 1.5)") == "null 1.5"


def test_format_array_and_object_arguments_print_like_java():
    """GIVEN array and object arguments WHEN formatted THEN Java-style text as AWS prints it."""
    assert run("States.Format('{} {}', $.numbers, $.objects[0])") == "[1, 2, 3, 2, 1] {a=1}"


def test_format_with_placeholder_count_mismatch_fails():
    """GIVEN fewer arguments than placeholders WHEN formatted THEN States.IntrinsicFailure."""
    assert fails("States.Format('{} {}', 1)").error == "States.IntrinsicFailure"


def test_format_with_non_string_template_fails():
    """GIVEN a template path that is not a string WHEN formatted THEN States.IntrinsicFailure."""
    assert fails("States.Format($.numbers)").error == "States.IntrinsicFailure"


# --- JSON ----------------------------------------------------------------------------------


def test_string_to_json_parses():
    """GIVEN an escaped JSON string WHEN converted THEN the JSON value."""
    assert run("States.StringToJson($.json)") == {"x": [1, 2]}


@pytest.mark.parametrize("expression", ["States.StringToJson('{bad')", "States.StringToJson(1)"])
def test_string_to_json_rejects_invalid_input(expression):
    """GIVEN invalid JSON or a non-string WHEN converted THEN States.IntrinsicFailure."""
    assert fails(expression).error == "States.IntrinsicFailure"


def test_json_to_string_is_compact():
    """GIVEN an object WHEN serialised THEN compact JSON text."""
    assert run("States.JsonToString($.objects[0])") == '{"a":1}'


def test_json_merge_is_shallow_and_second_wins():
    """GIVEN two objects WHEN merged THEN top-level keys of the second replace the first's."""
    data = {"a": {"x": 1, "n": {"p": 1}}, "b": {"n": {"q": 2}, "y": 2}}
    assert run("States.JsonMerge($.a, $.b, false)", data) == {"x": 1, "n": {"q": 2}, "y": 2}


def test_json_merge_deep_mode_is_unsupported():
    """GIVEN isDeepMerge true WHEN merged THEN States.IntrinsicFailure (AWS supports shallow)."""
    assert fails("States.JsonMerge($.a, $.a, true)", {"a": {}}).error == "States.IntrinsicFailure"


def test_json_merge_rejects_non_objects():
    """GIVEN an array to merge WHEN merged THEN States.IntrinsicFailure."""
    assert fails("States.JsonMerge($.numbers, $.objects[0], false)").error == (
        "States.IntrinsicFailure"
    )


# --- arrays --------------------------------------------------------------------------------


def test_array_partition_with_short_last_chunk():
    """GIVEN 5 items and chunk size 2 WHEN partitioned THEN the last chunk holds the rest."""
    assert run("States.ArrayPartition($.numbers, 2)") == [[1, 2], [3, 2], [1]]


@pytest.mark.parametrize("size", ["0", "-1", "'2'"])
def test_array_partition_rejects_bad_chunk_size(size):
    """GIVEN a chunk size that is not a positive integer WHEN partitioned THEN failure."""
    assert fails(f"States.ArrayPartition($.numbers, {size})").error == "States.IntrinsicFailure"


@pytest.mark.parametrize(
    ("value", "expected"), [("3", True), ("4", False), ("true", False), ("'1'", False)]
)
def test_array_contains_uses_json_equality(value, expected):
    """GIVEN a value WHEN searched THEN found only if equal with the same JSON type."""
    assert run(f"States.ArrayContains($.numbers, {value})") is expected


def test_array_contains_object():
    """GIVEN an object value WHEN searched THEN compared by content."""
    assert run("States.ArrayContains($.objects, $.objects[2])") is True


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("1, 9, 2", [1, 3, 5, 7, 9]),
        ("0, 3, 1", [0, 1, 2, 3]),
        ("5, 1, -2", [5, 3, 1]),
        ("3, 1, 1", []),
        ("1.4, 2.6, 1", [1, 2, 3]),
    ],
)
def test_array_range_includes_end(arguments, expected):
    """GIVEN start, end and step WHEN ranged THEN the end is inclusive, decimals rounded."""
    assert run(f"States.ArrayRange({arguments})") == expected


def test_array_range_allows_exactly_1000_items():
    """GIVEN a range of 1000 items WHEN built THEN it succeeds; 1001 THEN failure."""
    assert len(run("States.ArrayRange(1, 1000, 1)")) == 1000
    assert fails("States.ArrayRange(1, 1001, 1)").error == "States.IntrinsicFailure"


def test_array_range_rejects_zero_step():
    """GIVEN a step of 0 WHEN ranged THEN States.IntrinsicFailure."""
    assert fails("States.ArrayRange(1, 2, 0)").error == "States.IntrinsicFailure"


def test_array_get_item():
    """GIVEN an index WHEN read THEN the item at that index."""
    assert run("States.ArrayGetItem($.numbers, 2)") == 3


@pytest.mark.parametrize("index", ["5", "-1", "1.5", "'0'"])
def test_array_get_item_rejects_bad_index(index):
    """GIVEN an index out of bounds or not an integer WHEN read THEN States.IntrinsicFailure."""
    assert fails(f"States.ArrayGetItem($.numbers, {index})").error == "States.IntrinsicFailure"


def test_array_length():
    """GIVEN an array WHEN measured THEN its item count."""
    assert run("States.ArrayLength($.numbers)") == 5


def test_array_length_of_non_array_fails():
    """GIVEN a string WHEN measured THEN States.IntrinsicFailure."""
    assert fails("States.ArrayLength($.name)").error == "States.IntrinsicFailure"


def test_array_unique_keeps_first_occurrences_in_order():
    """GIVEN duplicates WHEN made unique THEN first occurrences stay in their order."""
    assert run("States.ArrayUnique($.numbers)") == [1, 2, 3]
    assert run("States.ArrayUnique($.objects)") == [{"a": 1}, {"a": 2}]


def test_array_unique_distinguishes_booleans_from_numbers():
    """GIVEN true and 1 WHEN made unique THEN both stay (different JSON types)."""
    assert run("States.ArrayUnique(States.Array(1, true, 1))") == [1, True]


# --- encoding and hashing ------------------------------------------------------------------


def test_base64_round_trip_of_unicode_text():
    """GIVEN text WHEN encoded then decoded THEN the same text, encoded as UTF-8 Base64."""
    encoded = run("States.Base64Encode('Grüße')")
    assert encoded == base64.b64encode("Grüße".encode()).decode()
    assert run(f"States.Base64Decode('{encoded}')") == "Grüße"


def test_base64_decode_rejects_invalid_data():
    """GIVEN text that is not Base64 WHEN decoded THEN States.IntrinsicFailure."""
    assert fails("States.Base64Decode('***')").error == "States.IntrinsicFailure"


@pytest.mark.parametrize("function", ["Base64Encode", "Base64Decode"])
def test_base64_input_limit_is_10000_characters(function):
    """GIVEN more than 10,000 characters WHEN encoded or decoded THEN failure."""
    error = fails(f"States.{function}($.text)", {"text": "A" * 10_004})
    assert error.error == "States.IntrinsicFailure"


@pytest.mark.parametrize(
    ("algorithm", "digest"),
    [
        ("MD5", hashlib.md5),
        ("SHA-1", hashlib.sha1),
        ("SHA-256", hashlib.sha256),
        ("SHA-384", hashlib.sha384),
        ("SHA-512", hashlib.sha512),
    ],
)
def test_hash_algorithms(algorithm, digest):
    """GIVEN each documented algorithm WHEN hashing THEN the hex digest of the UTF-8 text."""
    assert run(f"States.Hash($.name, '{algorithm}')") == digest(b"Ada").hexdigest()


def test_hash_unknown_algorithm_fails():
    """GIVEN an unsupported algorithm WHEN hashing THEN States.IntrinsicFailure naming it."""
    error = fails("States.Hash($.name, 'SHA-3')")
    assert error.error == "States.IntrinsicFailure"
    assert "SHA-3" in error.cause


def test_hash_rejects_non_string_data():
    """GIVEN an object as data WHEN hashing THEN States.IntrinsicFailure."""
    assert fails("States.Hash($.objects, 'MD5')").error == "States.IntrinsicFailure"


# --- math, strings, uuid -------------------------------------------------------------------


def test_math_random_with_seed_is_repeatable_and_in_range():
    """GIVEN a seed WHEN drawn twice THEN the same number, within [start, end)."""
    first = run("States.MathRandom(1, 1000, 42)")
    assert first == run("States.MathRandom(1, 1000, 42)")
    assert 1 <= first < 1000


def test_math_random_without_seed_stays_in_range():
    """GIVEN start 5 and end 6 WHEN drawn THEN always 5 (end exclusive)."""
    assert {run("States.MathRandom(5, 6)") for _ in range(20)} == {5}


def test_math_random_rejects_empty_range():
    """GIVEN start not below end WHEN drawn THEN States.IntrinsicFailure."""
    assert fails("States.MathRandom(5, 5)").error == "States.IntrinsicFailure"


@pytest.mark.parametrize(
    ("arguments", "expected"), [("111, -1", 110), ("1.5, 1", 3), ("-1.5, 0", -1), ("0, 0", 0)]
)
def test_math_add_rounds_decimals_like_java(arguments, expected):
    """GIVEN integers or decimals WHEN added THEN decimals are rounded half up first."""
    assert run(f"States.MathAdd({arguments})") == expected


@pytest.mark.parametrize("arguments", ["'1', 2", "2147483648, 1", "true, 1"])
def test_math_add_rejects_non_integers_and_out_of_range(arguments):
    """GIVEN a non-number or a value beyond 32 bits WHEN added THEN States.IntrinsicFailure."""
    assert fails(f"States.MathAdd({arguments})").error == "States.IntrinsicFailure"


@pytest.mark.parametrize(
    ("text", "delimiters", "expected"),
    [
        ("1,2,3", ",", ["1", "2", "3"]),
        ("This.is+a,test=string", ".+,=", ["This", "is", "a", "test", "string"]),
        ("a,,b", ",", ["a", "b"]),
        ("abc", "", ["abc"]),
    ],
)
def test_string_split_on_any_delimiter_character(text, delimiters, expected):
    """GIVEN delimiter characters WHEN split THEN each one separates, empty parts dropped."""
    assert run("States.StringSplit($.t, $.d)", {"t": text, "d": delimiters}) == expected


def test_uuid_is_version_4_and_fresh():
    """GIVEN two calls WHEN generating UUIDs THEN two different version 4 UUIDs."""
    first, second = run("States.UUID()"), run("States.UUID()")
    pattern = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    assert re.fullmatch(pattern, first) and first != second


def test_uuid_takes_no_arguments():
    """GIVEN an argument WHEN generating a UUID THEN States.IntrinsicFailure."""
    assert fails("States.UUID(1)").error == "States.IntrinsicFailure"


def test_missing_path_argument_is_runtime_error():
    """GIVEN a path argument to nothing WHEN evaluated THEN States.Runtime."""
    assert fails("States.Array($.nope)").error == "States.Runtime"
