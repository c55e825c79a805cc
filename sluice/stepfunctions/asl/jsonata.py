"""JSONata mode: `{% expression %}` strings evaluated with `$states`, variables and AWS's functions.

A string is an expression exactly when it starts with `{%` and ends with `%}` (no surrounding
whitespace allowed); any other string is a literal. jsonatapy's compiled programs belong to
the thread that made them: using or even dropping one on another thread fails. So all JSONata
work runs on one dedicated thread (`_JsonataThread`), which compiles each expression once
(cached) with Step Functions' extra functions registered: `$partition`, `$range`,
`$hash`, `$random` (with an optional seed), `$uuid` and `$parse`; `$eval` is not supported.
Evaluation errors and undefined results raise `States.QueryEvaluationError`. Inputs are never
mutated.
https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
"""

from __future__ import annotations

import atexit
import json
import queue
import random
import re
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import jsonatapy

from sluice.stepfunctions.asl.intrinsics import HASH_ALGORITHMS, MAX_ARRAY_RANGE_ITEMS
from sluice.stepfunctions.errors import StatesError

_OPEN = "{%"
_CLOSE = "%}"
_REFERENCED_NAME = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STATES = "states"
_MAX_CACHED = 4096
_STOP_WAIT_SECONDS = 2.0
_HOST_ERROR_PREFIX = re.compile(r"^host function raised \w+: ")


class JsonataFunctionError(ValueError):
    """An AWS JSONata function was called with arguments it does not accept."""


def is_jsonata(value: Any) -> bool:
    """Whether a value is a JSONata expression string (`{% ... %}`)."""
    return (
        isinstance(value, str)
        and len(value) >= 4
        and value.startswith(_OPEN)
        and value.endswith(_CLOSE)
    )


def _is_integer(value: Any) -> bool:
    """Whether a JSONata number is integral (JSONata numbers arrive as int or float)."""
    return not isinstance(value, bool) and isinstance(value, int | float) and value == int(value)


def _partition(items: Any, size: Any) -> list[list[Any]]:
    """`$partition(array, chunkSize)`: split an array into chunks."""
    if not isinstance(items, list):
        raise JsonataFunctionError("$partition expects an array as its first argument")
    if not _is_integer(size) or size <= 0:
        raise JsonataFunctionError("$partition expects a positive integer chunk size")
    step = int(size)
    return [items[start : start + step] for start in range(0, len(items), step)]


def _range(start: Any, end: Any, step: Any) -> list[int]:
    """`$range(start, end, step)`: integers from start to end inclusive (at most 1000)."""
    if not all(_is_integer(value) for value in (start, end, step)):
        raise JsonataFunctionError("$range expects integer start, end and step")
    first, last, increment = int(start), int(end), int(step)
    if increment == 0:
        raise JsonataFunctionError("$range expects a non-zero step")
    if max(0, (last - first) // increment + 1) > MAX_ARRAY_RANGE_ITEMS:
        raise JsonataFunctionError(f"$range cannot return more than {MAX_ARRAY_RANGE_ITEMS} items")
    return list(range(first, last + (1 if increment > 0 else -1), increment))


def _hash(value: Any, algorithm: Any) -> str:
    """`$hash(value, algorithm)`: the hex digest of a string."""
    if not isinstance(value, str):
        raise JsonataFunctionError("$hash expects a string as its first argument")
    if algorithm not in HASH_ALGORITHMS:
        raise JsonataFunctionError(
            f"$hash supports the algorithms {', '.join(HASH_ALGORITHMS)}, not {algorithm!r}"
        )
    return HASH_ALGORITHMS[algorithm](value.encode()).hexdigest()


def _random(*seed: Any) -> float:
    """`$random([seed])`: a number in [0, 1), repeatable when seeded with an integer."""
    if not seed:
        return random.random()
    if len(seed) > 1 or not _is_integer(seed[0]):
        raise JsonataFunctionError("$random accepts one optional integer seed")
    return random.Random(int(seed[0])).random()


def _uuid() -> str:
    """`$uuid()`: a version 4 UUID."""
    return str(uuid.uuid4())


def _parse(text: Any) -> Any:
    """`$parse(jsonString)`: deserialise a JSON string."""
    if not isinstance(text, str):
        raise JsonataFunctionError("$parse expects a string")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise JsonataFunctionError(
            f"$parse could not parse the JSON string: {error.msg}"
        ) from error


def _eval_unsupported(*arguments: Any) -> Any:
    """`$eval` is not available in Step Functions (use `$parse`)."""
    raise JsonataFunctionError("The function $eval is not supported; use $parse instead")


_FUNCTIONS = {
    "partition": _partition,
    "range": _range,
    "hash": _hash,
    "uuid": _uuid,
    "parse": _parse,
}
_OVERRIDES = {"random": _random, "eval": _eval_unsupported}


class CompiledJsonata:
    """A compiled expression with AWS's functions and the variable names it references."""

    __slots__ = ("expression", "names", "program")

    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.program = jsonatapy.compile(expression)
        for name, function in _FUNCTIONS.items():
            self.program.register(name, function)
        for name, function in _OVERRIDES.items():
            self.program.register_override(name, function)
        self.names = frozenset(_REFERENCED_NAME.findall(expression))

    def evaluate(self, states: dict, variables: dict) -> Any:
        """Evaluate with `$states` and the referenced variables bound; undefined is an error."""
        bindings = {name: variables[name] for name in self.names if name in variables}
        if _STATES in self.names:
            bindings[_STATES] = states
        try:
            result = self.program.evaluate_json_or_none(None, bindings)
        except ValueError as error:
            message = _HOST_ERROR_PREFIX.sub("", str(error))
            raise _query_error(
                f"'{self.expression.strip()}' threw an error during evaluation: {message}"
            ) from error
        if result is None:
            raise _query_error(f"'{self.expression.strip()}' returned nothing (undefined).")
        return json.loads(result)


def _query_error(detail: str) -> StatesError:
    """A States.QueryEvaluationError about a JSONata expression."""
    return StatesError("States.QueryEvaluationError", f"The JSONata expression {detail}")


class _JsonataThread:
    """The one thread that owns every compiled program and runs every evaluation."""

    def __init__(self) -> None:
        self._requests: queue.SimpleQueue[tuple[Future, Callable[..., Any], tuple] | None] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._programs: dict[str, CompiledJsonata] = {}

    def call(self, function: Callable[..., Any], *arguments: Any) -> Any:
        """Run `function(*arguments)` on the JSONata thread and return (or raise) its outcome."""
        if threading.current_thread() is self._thread:
            return function(*arguments)
        self._ensure_started()
        outcome: Future = Future()
        self._requests.put((outcome, function, arguments))
        return outcome.result()

    def compiled(self, expression: str) -> CompiledJsonata:
        """The cached program of `expression` (only ever called on the JSONata thread)."""
        program = self._programs.get(expression)
        if program is None:
            if len(self._programs) >= _MAX_CACHED:
                self._programs.clear()
            program = self._programs[expression] = CompiledJsonata(expression)
        return program

    def stop(self) -> None:
        """Drop the programs on their own thread and end it (at interpreter exit)."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._requests.put(None)
            thread.join(_STOP_WAIT_SECONDS)

    def _ensure_started(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._serve, name="sluice-jsonata", daemon=True
                )
                self._thread.start()
                atexit.register(self.stop)

    def _serve(self) -> None:
        while True:
            request = self._requests.get()
            if request is None:
                self._programs.clear()
                return
            outcome, function, arguments = request
            try:
                outcome.set_result(function(*arguments))
            except BaseException as error:
                outcome.set_exception(error)


_JSONATA = _JsonataThread()


def compile_jsonata(expression: str) -> None:
    """Check that a bare JSONata expression compiles (and cache it); ValueError if it does not."""
    _JSONATA.call(_JSONATA.compiled, expression)


def _compiled(text: str) -> CompiledJsonata:
    """The compiled expression of a `{% ... %}` string; a query error if it does not parse."""
    expression = text[len(_OPEN) : -len(_CLOSE)]
    try:
        return _JSONATA.compiled(expression)
    except ValueError as error:
        raise _query_error(f"'{expression.strip()}' could not be parsed: {error}") from error


def render_jsonata(template: Any, states: dict, variables: dict) -> Any:
    """Evaluate every `{% %}` string in a template (objects and arrays recursed).

    `states` is the `$states` object (`input`, `result`, `errorOutput`, `context`);
    `variables` maps workflow variable names to their values.
    """
    if isinstance(template, str) and not is_jsonata(template):
        return template
    if not isinstance(template, str | dict | list):
        return template
    return _JSONATA.call(_render, template, states, variables)


def _render(template: Any, states: dict, variables: dict) -> Any:
    """`render_jsonata` on the JSONata thread."""
    if isinstance(template, str):
        if is_jsonata(template):
            return _compiled(template).evaluate(states, variables)
        return template
    if isinstance(template, dict):
        return {key: _render(value, states, variables) for key, value in template.items()}
    if isinstance(template, list):
        return [_render(item, states, variables) for item in template]
    return template


def evaluate_condition(condition: Any, states: dict, variables: dict) -> bool:
    """Evaluate a Choice rule's `Condition`: a `{% %}` expression (or literal) that is boolean."""
    result = render_jsonata(condition, states, variables)
    if not isinstance(result, bool):
        raise _query_error(f"{condition!r} for the field 'Condition' returned a non-boolean value.")
    return result
