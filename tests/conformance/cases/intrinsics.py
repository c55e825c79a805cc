"""Every intrinsic function, its argument rules and its failure."""

from __future__ import annotations

import base64
import hashlib

from ..case import Case, Divergence, Expected, function_arn
from ..lambdas import returns
from ..matchers import UUID_PATTERN, Contains, InRange, Matches

_INTRINSICS = "https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html"
_HASHED = "sluice conformance"
_ERRORS = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html"
_MOTO_RUNTIME = (
    "moto's parser reports a failing intrinsic function as States.Runtime with the Python "
    "exception, where AWS names the error States.IntrinsicFailure"
)


def _pass(parameters: dict) -> dict:
    """A machine with one Pass state shaping its output with `parameters`."""
    return {
        "StartAt": "Shape",
        "States": {"Shape": {"Type": "Pass", "Parameters": parameters, "End": True}},
    }


CASES = (
    Case(
        name="intrinsics_format_string_to_json_json_to_string",
        doc=_INTRINSICS,
        definition=_pass(
            {
                "greeting.$": "States.Format('Hello, my name is {} and I am {}.', $.name, $.age)",
                "parsed.$": "States.StringToJson($.encoded)",
                "encoded.$": "States.JsonToString($.obj)",
            }
        ),
        input={"name": "Arnav", "age": 30, "encoded": '{"number": 20}', "obj": {"a": [1, "b"]}},
        expected=Expected(
            output={
                "greeting": "Hello, my name is Arnav and I am 30.",
                "parsed": {"number": 20},
                "encoded": '{"a":[1,"b"]}',
            }
        ),
    ),
    Case(
        name="intrinsics_arrays",
        doc=_INTRINSICS,
        definition=_pass(
            {
                "array.$": "States.Array('a', 1, $.flag, $.obj)",
                "partition.$": "States.ArrayPartition($.numbers, 3)",
                "contains.$": "States.ArrayContains($.numbers, 4)",
                "absent.$": "States.ArrayContains($.numbers, 40)",
                "range.$": "States.ArrayRange(1, 9, 2)",
                "item.$": "States.ArrayGetItem($.numbers, 1)",
                "length.$": "States.ArrayLength($.numbers)",
                "unique.$": "States.ArrayUnique($.repeated)",
            }
        ),
        input={
            "flag": True,
            "obj": {"k": "v"},
            "numbers": [1, 2, 3, 4, 5, 6, 7],
            "repeated": [1, 2, 3, 3, 3, 3, 3, 3, 4],
        },
        expected=Expected(
            output={
                "array": ["a", 1, True, {"k": "v"}],
                "partition": [[1, 2, 3], [4, 5, 6], [7]],
                "contains": True,
                "absent": False,
                "range": [1, 3, 5, 7, 9],
                "item": 2,
                "length": 7,
                "unique": [1, 2, 3, 4],
            }
        ),
    ),
    Case(
        name="intrinsic_format_escaped_braces",
        doc=_INTRINSICS,
        definition=_pass({"escaped.$": "States.Format('\\{literal\\} {}', $.name)"}),
        input={"name": "Arnav"},
        expected=Expected(output={"escaped": "{literal} Arnav"}),
        divergence=Divergence(
            reason="moto's parser fails on escaped braces in States.Format with a KeyError",
            doc=_INTRINSICS,
            moto=Expected(status="FAILED", error="States.Runtime", cause=Contains("KeyError")),
        ),
    ),
    Case(
        name="intrinsics_base64_and_hash",
        doc=_INTRINSICS,
        definition=_pass(
            {
                "encoded.$": "States.Base64Encode($.text)",
                "decoded.$": "States.Base64Decode($.b64)",
                "md5.$": "States.Hash($.text, 'MD5')",
                "sha1.$": "States.Hash($.text, 'SHA-1')",
                "sha256.$": "States.Hash($.text, 'SHA-256')",
                "sha384.$": "States.Hash($.text, 'SHA-384')",
                "sha512.$": "States.Hash($.text, 'SHA-512')",
            }
        ),
        input={"text": _HASHED, "b64": "RGF0YSB0byBlbmNvZGU="},
        expected=Expected(
            output={
                "encoded": base64.b64encode(_HASHED.encode()).decode(),
                "decoded": "Data to encode",
                "md5": hashlib.md5(_HASHED.encode()).hexdigest(),
                "sha1": hashlib.sha1(_HASHED.encode()).hexdigest(),
                "sha256": hashlib.sha256(_HASHED.encode()).hexdigest(),
                "sha384": hashlib.sha384(_HASHED.encode()).hexdigest(),
                "sha512": hashlib.sha512(_HASHED.encode()).hexdigest(),
            }
        ),
    ),
    Case(
        name="intrinsics_math_merge_split",
        doc=_INTRINSICS,
        definition=_pass(
            {
                "sum.$": "States.MathAdd($.value, -1)",
                "merged.$": "States.JsonMerge($.left, $.right, false)",
                "split.$": "States.StringSplit($.csv, ',')",
                "words.$": "States.StringSplit('a b-c', ' -')",
            }
        ),
        input={
            "value": 111,
            "left": {"a": {"b": 1}, "keep": 1},
            "right": {"a": {"c": 2}},
            "csv": "1,2,3,4,5",
        },
        expected=Expected(
            output={
                "sum": 110,
                "merged": {"a": {"c": 2}, "keep": 1},
                "split": ["1", "2", "3", "4", "5"],
                "words": ["a", "b", "c"],
            }
        ),
    ),
    Case(
        name="intrinsics_math_random_and_uuid",
        doc=_INTRINSICS,
        definition=_pass(
            {
                "random.$": "States.MathRandom($.low, $.high)",
                "id.$": "States.UUID()",
            }
        ),
        input={"low": 1, "high": 999},
        expected=Expected(output={"random": InRange(1, 999), "id": Matches(UUID_PATTERN)}),
    ),
    Case(
        name="intrinsic_in_result_selector",
        doc=_INTRINSICS,
        definition={
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": function_arn("items"),
                    "ResultSelector": {"count.$": "States.ArrayLength($.items)"},
                    "End": True,
                }
            },
        },
        lambdas={"items": returns({"items": [3, 1, 3]})},
        expected=Expected(output={"count": 3}),
    ),
    Case(
        name="intrinsic_failure_on_invalid_json_string",
        doc=_INTRINSICS,
        definition=_pass({"parsed.$": "States.StringToJson($.text)"}),
        input={"text": "{not json"},
        expected=Expected(status="FAILED", error="States.IntrinsicFailure", cause=Matches(".+")),
        divergence=Divergence(
            reason=_MOTO_RUNTIME,
            doc=_ERRORS,
            moto=Expected(
                status="FAILED", error="States.Runtime", cause=Contains("JSONDecodeError")
            ),
        ),
    ),
    Case(
        name="intrinsic_failure_array_get_item_out_of_range",
        doc=_INTRINSICS,
        definition=_pass({"item.$": "States.ArrayGetItem($.numbers, 5)"}),
        input={"numbers": [1, 2]},
        expected=Expected(status="FAILED", error="States.IntrinsicFailure", cause=Matches(".+")),
        divergence=Divergence(
            reason=_MOTO_RUNTIME,
            doc=_ERRORS,
            moto=Expected(status="FAILED", error="States.Runtime", cause=Contains("out of range")),
        ),
    ),
)
