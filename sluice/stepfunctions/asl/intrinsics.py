"""Intrinsic functions of JSONPath states (`States.Format(...)`, `States.Hash(...)`, ...).

An expression is parsed once (cached) into a small call tree; evaluation walks it. Arguments
are string literals (`'...'` with the escapes `\\'`, `\\{`, `\\}`, `\\\\`), numbers, `true`,
`false`, `null`, paths (`$.x`, `$$.x`, `$var`) and nested calls (at most 10 deep). Failures
raise `States.IntrinsicFailure`; paths that select nothing raise `States.Runtime`.
https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sluice.stepfunctions.asl.paths import evaluate_path, to_json
from sluice.stepfunctions.errors import StatesError

MAX_NESTING = 10
"""How many intrinsic calls may be nested in one field."""
MAX_ARRAY_RANGE_ITEMS = 1000
"""The most items States.ArrayRange (and `$range`) may return."""
MAX_ENCODING_INPUT_CHARACTERS = 10_000
"""The longest input of States.Base64Encode, States.Base64Decode and States.Hash."""
_INT_MIN = -(2**31)
_INT_MAX = 2**31 - 1

_NAME = re.compile(r"States\.([A-Za-z0-9]+)\s*\(")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_KEYWORD = re.compile(r"(true|false|null)(?=\s*[,)])")
_LITERAL_ESCAPES = {"'": "'", "{": "{", "}": "}", "\\": "\\"}
HASH_ALGORITHMS: dict[str, Callable[[bytes], Any]] = {
    "MD5": hashlib.md5,
    "SHA-1": hashlib.sha1,
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
}
"""The hash algorithms of States.Hash (and JSONata's `$hash`), by their ASL names."""


class IntrinsicSyntaxError(ValueError):
    """An intrinsic function expression that cannot be parsed, or names an unknown function."""


@dataclass(frozen=True, slots=True)
class _Value:
    """A literal argument: a number, boolean or null."""

    value: Any


@dataclass(frozen=True, slots=True)
class _Text:
    """A string literal; `pieces` is its text split at unescaped `{}` (for States.Format)."""

    value: str
    pieces: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Path:
    """A path argument, read from the input, the context object or a variable."""

    path: str


@dataclass(frozen=True, slots=True)
class Call:
    """A parsed intrinsic call: the function's name and its argument nodes."""

    name: str
    arguments: tuple[_Value | _Text | _Path | Call, ...]

    def function_names(self) -> set[str]:
        """Every function name in this call tree, e.g. for definition validation."""
        names = {self.name}
        for argument in self.arguments:
            if isinstance(argument, Call):
                names |= argument.function_names()
        return names


class _Parser:
    """Recursive-descent parser over one expression string."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def fail(self, reason: str) -> IntrinsicSyntaxError:
        """A syntax error naming the expression and where parsing stopped."""
        return IntrinsicSyntaxError(
            f"The value '{self.text}' is not a valid intrinsic function: {reason} "
            f"at position {self.position}"
        )

    def skip_spaces(self) -> None:
        """Move past whitespace."""
        while self.position < len(self.text) and self.text[self.position].isspace():
            self.position += 1

    def parse(self) -> Call:
        """Parse the whole text as a single call."""
        self.skip_spaces()
        call = self.call(1)
        self.skip_spaces()
        if self.position != len(self.text):
            raise self.fail("unexpected text after the closing parenthesis")
        return call

    def call(self, depth: int) -> Call:
        """Parse `States.Name(arg, ...)`."""
        if depth > MAX_NESTING:
            raise self.fail(f"more than {MAX_NESTING} nested intrinsic functions")
        match = _NAME.match(self.text, self.position)
        if match is None:
            raise self.fail("expected States.<Function>(")
        name = f"States.{match[1]}"
        if name not in FUNCTIONS:
            raise IntrinsicSyntaxError(f"The function '{name}' is not supported")
        self.position = match.end()
        arguments: list[_Value | _Text | _Path | Call] = []
        self.skip_spaces()
        if self.peek() == ")":
            self.position += 1
            return Call(name, ())
        while True:
            self.skip_spaces()
            arguments.append(self.argument(depth))
            self.skip_spaces()
            separator = self.peek()
            self.position += 1
            if separator == ")":
                return Call(name, tuple(arguments))
            if separator != ",":
                raise self.fail("expected ',' or ')'")

    def peek(self) -> str:
        """The character at the current position ('' at the end)."""
        return self.text[self.position : self.position + 1]

    def argument(self, depth: int) -> _Value | _Text | _Path | Call:
        """Parse one argument."""
        first = self.peek()
        if first == "'":
            return self.string()
        if first == "$":
            return self.path()
        if self.text.startswith("States.", self.position):
            return self.call(depth + 1)
        if (match := _NUMBER.match(self.text, self.position)) is not None:
            self.position = match.end()
            number = match[0]
            is_float = "." in number or "e" in number.lower()
            return _Value(float(number) if is_float else int(number))
        if (match := _KEYWORD.match(self.text, self.position)) is not None:
            self.position = match.end()
            return _Value({"true": True, "false": False, "null": None}[match[1]])
        raise self.fail("expected a string, number, boolean, null, path or function")

    def string(self) -> _Text:
        """Parse a quoted string literal with its escapes."""
        self.position += 1
        pieces: list[str] = []
        current: list[str] = []
        text = self.text
        while self.position < len(text):
            character = text[self.position]
            if character == "\\":
                escaped = text[self.position + 1 : self.position + 2]
                if escaped not in _LITERAL_ESCAPES:
                    raise self.fail(f"invalid escape sequence '\\{escaped}'")
                current.append(_LITERAL_ESCAPES[escaped])
                self.position += 2
                continue
            if character == "'":
                self.position += 1
                pieces.append("".join(current))
                return _Text("{}".join(pieces), tuple(pieces))
            if text.startswith("{}", self.position):
                pieces.append("".join(current))
                current = []
                self.position += 2
                continue
            current.append(character)
            self.position += 1
        raise self.fail("unterminated string literal")

    def path(self) -> _Path:
        """Parse a path up to the next `,` or `)` outside brackets, parentheses and quotes."""
        start = self.position
        depth = 0
        quote = ""
        text = self.text
        while self.position < len(text):
            character = text[self.position]
            if quote:
                if character == "\\":
                    self.position += 1
                elif character == quote:
                    quote = ""
            elif character in "'\"":
                quote = character
            elif character in "[(":
                depth += 1
            elif character in "])":
                if depth == 0:
                    break
                depth -= 1
            elif character == "," and depth == 0:
                break
            self.position += 1
        return _Path(text[start : self.position].rstrip())


@lru_cache(maxsize=4096)
def parse_intrinsic(expression: str) -> Call:
    """Parse an intrinsic expression once (cached); IntrinsicSyntaxError if it is not valid."""
    return _Parser(expression).parse()


def is_intrinsic(expression: str) -> bool:
    """Whether a `.$` value is an intrinsic function call rather than a path."""
    return expression.lstrip().startswith("States.")


def evaluate_intrinsic(expression: str, data: Any, context: dict, variables: dict) -> Any:
    """Evaluate an intrinsic function expression against the state data, context and variables."""
    try:
        call = parse_intrinsic(expression)
    except IntrinsicSyntaxError as error:
        raise StatesError("States.IntrinsicFailure", str(error)) from error
    return _evaluate_call(call, data, context, variables)


def _evaluate_call(call: Call, data: Any, context: dict, variables: dict) -> Any:
    """Evaluate the arguments, check their number, then apply the function."""
    function, minimum, maximum = FUNCTIONS[call.name]
    count = len(call.arguments)
    if count < minimum or (maximum is not None and count > maximum):
        expected = str(minimum) if minimum == maximum else f"{minimum} or more"
        if maximum is not None and maximum != minimum:
            expected = f"{minimum} to {maximum}"
        raise _failure(call.name, f"expected {expected} arguments but got {count}")
    values = [_evaluate_argument(node, data, context, variables) for node in call.arguments]
    return function(call, values)


def _evaluate_argument(
    node: _Value | _Text | _Path | Call, data: Any, context: dict, variables: dict
) -> Any:
    """The value of one argument node."""
    if isinstance(node, _Path):
        return evaluate_path(node.path, data, context, variables)
    if isinstance(node, Call):
        return _evaluate_call(node, data, context, variables)
    return node.value


def _failure(name: str, detail: str) -> StatesError:
    """The States.IntrinsicFailure for a failed call of function `name`."""
    return StatesError("States.IntrinsicFailure", f"Invalid arguments in {name}: {detail}")


def json_type(value: Any) -> str:
    """The JSON type name of a value: string, number, boolean, null, array or object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _expect(name: str, position: int, value: Any, kind: str) -> None:
    """Fail unless argument number `position` (1-based) has JSON type `kind`."""
    if json_type(value) != kind:
        raise _failure(
            name, f"argument {position} must be a JSON {kind}, but was a {json_type(value)}"
        )


def _java_round(value: float) -> int:
    """Round half up, as Java's Math.round (Step Functions rounds non-integers this way)."""
    return math.floor(value + 0.5)


def _integer(name: str, position: int, value: Any) -> int:
    """An integer argument; non-integer numbers are rounded to the nearest integer."""
    _expect(name, position, value, "number")
    return value if isinstance(value, int) else _java_round(value)


def _format_value(value: Any) -> str:
    """How States.Format prints an argument (Java's toString for arrays and objects)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "[" + ", ".join(_format_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={_format_value(item)}" for key, item in value.items()) + "}"
    return json.dumps(value)


def _format(call: Call, values: list[Any]) -> str:
    """States.Format: replace each `{}` of the template with the next argument."""
    template = call.arguments[0]
    if isinstance(template, _Text):
        pieces = template.pieces
    else:
        _expect(call.name, 1, values[0], "string")
        pieces = tuple(values[0].split("{}"))
    arguments = values[1:]
    if len(pieces) - 1 != len(arguments):
        raise _failure(
            call.name,
            f"the template has {len(pieces) - 1} placeholders but {len(arguments)} "
            "arguments were given",
        )
    parts = [pieces[0]]
    for argument, piece in zip(arguments, pieces[1:], strict=True):
        parts.append(_format_value(argument))
        parts.append(piece)
    return "".join(parts)


def _string_to_json(call: Call, values: list[Any]) -> Any:
    """States.StringToJson: parse an escaped JSON string."""
    _expect(call.name, 1, values[0], "string")
    try:
        return json.loads(values[0])
    except json.JSONDecodeError as error:
        raise _failure(call.name, f"the string is not valid JSON: {error.msg}") from error


def _json_to_string(call: Call, values: list[Any]) -> str:
    """States.JsonToString: serialise a value as compact JSON."""
    return to_json(values[0])


def _array(call: Call, values: list[Any]) -> list[Any]:
    """States.Array: the arguments as an array."""
    return list(values)


def _array_partition(call: Call, values: list[Any]) -> list[list[Any]]:
    """States.ArrayPartition: split an array into chunks of a given size."""
    _expect(call.name, 1, values[0], "array")
    size = _integer(call.name, 2, values[1])
    if size <= 0:
        raise _failure(call.name, f"the chunk size must be a positive integer, but was {size}")
    items = values[0]
    return [items[start : start + size] for start in range(0, len(items), size)]


def json_equal(left: Any, right: Any) -> bool:
    """JSON equality: like ==, except that booleans never equal numbers."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(json_equal, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    return json_type(left) == json_type(right) and left == right


def _array_contains(call: Call, values: list[Any]) -> bool:
    """States.ArrayContains: whether the array holds the value."""
    _expect(call.name, 1, values[0], "array")
    return any(json_equal(item, values[1]) for item in values[0])


def _array_range(call: Call, values: list[Any]) -> list[int]:
    """States.ArrayRange: integers from start to end inclusive, by step (at most 1000)."""
    start, end, step = (_integer(call.name, i + 1, value) for i, value in enumerate(values))
    if step == 0:
        raise _failure(call.name, "the step must not be 0")
    count = max(0, (end - start) // step + 1)
    if count > MAX_ARRAY_RANGE_ITEMS:
        raise _failure(
            call.name, f"the range has {count} items, more than the {MAX_ARRAY_RANGE_ITEMS} allowed"
        )
    return list(range(start, end + (1 if step > 0 else -1), step))


def _array_get_item(call: Call, values: list[Any]) -> Any:
    """States.ArrayGetItem: the item at an index."""
    _expect(call.name, 1, values[0], "array")
    index = values[1]
    if json_type(index) != "number" or index != int(index) or index < 0:
        raise _failure(
            call.name, f"the index must be a non-negative integer, but was {to_json(index)}"
        )
    if int(index) >= len(values[0]):
        raise _failure(
            call.name, f"the index {int(index)} is out of bounds for size {len(values[0])}"
        )
    return values[0][int(index)]


def _array_length(call: Call, values: list[Any]) -> int:
    """States.ArrayLength: the number of items."""
    _expect(call.name, 1, values[0], "array")
    return len(values[0])


def _array_unique(call: Call, values: list[Any]) -> list[Any]:
    """States.ArrayUnique: the items without duplicates, first occurrences kept in order."""
    _expect(call.name, 1, values[0], "array")
    unique: list[Any] = []
    seen: set[str] = set()
    for item in values[0]:
        key = json.dumps(item, sort_keys=True)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _limited_string(name: str, value: Any) -> str:
    """A string argument of at most 10,000 characters."""
    _expect(name, 1, value, "string")
    if len(value) > MAX_ENCODING_INPUT_CHARACTERS:
        raise _failure(
            name,
            f"the input has {len(value)} characters, more than the "
            f"{MAX_ENCODING_INPUT_CHARACTERS} allowed",
        )
    return value


def _base64_encode(call: Call, values: list[Any]) -> str:
    """States.Base64Encode: MIME Base64 of the UTF-8 bytes of a string."""
    return base64.b64encode(_limited_string(call.name, values[0]).encode()).decode("ascii")


def _base64_decode(call: Call, values: list[Any]) -> str:
    """States.Base64Decode: the UTF-8 text of Base64-encoded data."""
    encoded = _limited_string(call.name, values[0])
    try:
        return base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise _failure(call.name, "the input is not valid Base64-encoded UTF-8 text") from error


def _hash(call: Call, values: list[Any]) -> str:
    """States.Hash: the hex digest of a string with MD5, SHA-1, SHA-256, SHA-384 or SHA-512."""
    data = _limited_string(call.name, values[0])
    algorithm = values[1]
    if algorithm not in HASH_ALGORITHMS:
        raise _failure(
            call.name,
            f"the algorithm {to_json(algorithm)} is not one of {', '.join(HASH_ALGORITHMS)}",
        )
    return HASH_ALGORITHMS[algorithm](data.encode()).hexdigest()


def _json_merge(call: Call, values: list[Any]) -> dict:
    """States.JsonMerge: a shallow merge, the second object's keys winning."""
    _expect(call.name, 1, values[0], "object")
    _expect(call.name, 2, values[1], "object")
    _expect(call.name, 3, values[2], "boolean")
    if values[2]:
        raise _failure(
            call.name, "only the shallow merging mode is supported: isDeepMerge must be false"
        )
    return {**values[0], **values[1]}


def _math_random(call: Call, values: list[Any]) -> int:
    """States.MathRandom: a random integer from start (inclusive) to end (exclusive)."""
    start = _integer(call.name, 1, values[0])
    end = _integer(call.name, 2, values[1])
    if start >= end:
        raise _failure(call.name, f"the start {start} must be less than the end {end}")
    if len(values) == 3:
        return random.Random(_integer(call.name, 3, values[2])).randrange(start, end)
    return random.randrange(start, end)


def _math_add(call: Call, values: list[Any]) -> int:
    """States.MathAdd: the sum of two integers (non-integers are rounded first)."""
    total = 0
    for position, value in enumerate(values, start=1):
        number = _integer(call.name, position, value)
        if not _INT_MIN <= number <= _INT_MAX:
            raise _failure(call.name, f"argument {position} is outside the 32-bit integer range")
        total += number
    return total


def _string_split(call: Call, values: list[Any]) -> list[str]:
    """States.StringSplit: split at any of the delimiter characters, dropping empty parts."""
    _expect(call.name, 1, values[0], "string")
    _expect(call.name, 2, values[1], "string")
    if not values[1]:
        return [values[0]] if values[0] else []
    pattern = "|".join(re.escape(character) for character in values[1])
    return [part for part in re.split(pattern, values[0]) if part]


def _uuid(call: Call, values: list[Any]) -> str:
    """States.UUID: a version 4 UUID."""
    return str(uuid.uuid4())


_Function = Callable[[Call, list[Any]], Any]

FUNCTIONS: dict[str, tuple[_Function, int, int | None]] = {
    "States.Format": (_format, 1, None),
    "States.StringToJson": (_string_to_json, 1, 1),
    "States.JsonToString": (_json_to_string, 1, 1),
    "States.Array": (_array, 0, None),
    "States.ArrayPartition": (_array_partition, 2, 2),
    "States.ArrayContains": (_array_contains, 2, 2),
    "States.ArrayRange": (_array_range, 3, 3),
    "States.ArrayGetItem": (_array_get_item, 2, 2),
    "States.ArrayLength": (_array_length, 1, 1),
    "States.ArrayUnique": (_array_unique, 1, 1),
    "States.Base64Encode": (_base64_encode, 1, 1),
    "States.Base64Decode": (_base64_decode, 1, 1),
    "States.Hash": (_hash, 2, 2),
    "States.JsonMerge": (_json_merge, 3, 3),
    "States.MathRandom": (_math_random, 2, 3),
    "States.MathAdd": (_math_add, 2, 2),
    "States.StringSplit": (_string_split, 2, 2),
    "States.UUID": (_uuid, 0, 0),
}
"""Every intrinsic function: its implementation and its minimum and maximum argument counts."""
