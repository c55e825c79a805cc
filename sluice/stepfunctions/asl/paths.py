"""JSONPath for ASL: reference paths (get/set), `.$` paths, `$$` context and `$var` variables.

Copy semantics: nothing here mutates its inputs. `get`/`evaluate_path` return the selected
value itself (not a copy), so callers must treat state data as immutable; `set` copies only
the objects along the path and shares every other branch with the input.
https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import jsonpath

from sluice.stepfunctions.errors import StatesError

_STEP = re.compile(
    r"""\.(?P<name>[^.\[\]'"*]+)"""
    r"""|\['(?P<single>(?:[^'\\]|\\.)*)'\]"""
    r"""|\["(?P<double>(?:[^"\\]|\\.)*)"\]"""
    r"""|\[(?P<index>\d+)\]"""
)
_VARIABLE_ROOT = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_ESCAPE = re.compile(r"\\(.)")

Step = str | int
"""One step of a reference path: an object key or an array index."""


_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def to_json(value: Any) -> str:
    """Serialise a value as Step Functions prints it in causes: compact JSON."""
    return _COMPACT.encode(value)


def _normalized(steps: tuple[Step, ...]) -> str:
    """Jayway-style normalised form of a path, e.g. `$['a'][0]`."""
    return "$" + "".join(f"[{step}]" if isinstance(step, int) else f"['{step}']" for step in steps)


def parse_steps(path: str) -> tuple[Step, ...] | None:
    """Split a `$`-rooted reference path into names and indices; None if it is not one."""
    if not path.startswith("$"):
        return None
    steps: list[Step] = []
    position = 1
    while position < len(path):
        match = _STEP.match(path, position)
        if match is None:
            return None
        if match["name"] is not None:
            steps.append(match["name"])
        elif match["index"] is not None:
            steps.append(int(match["index"]))
        else:
            quoted = match["single"] if match["single"] is not None else match["double"]
            steps.append(_ESCAPE.sub(r"\1", quoted))
        position = match.end()
    return tuple(steps)


def _walk(steps: tuple[Step, ...], data: Any, path: str) -> Any:
    """Follow the steps through data; raise States.Runtime naming the path if one is missing."""
    current = data
    for position, step in enumerate(steps):
        if isinstance(step, int):
            found = isinstance(current, list) and step < len(current)
        else:
            found = isinstance(current, dict) and step in current
        if not found:
            if position == len(steps) - 1:
                detail = f"No results for path: {_normalized(steps)}"
            else:
                detail = f"Missing property in path {_normalized(steps[: position + 1])}"
            raise PathNotFound(path, data, detail)
        current = current[step]
    return current


class PathNotFound(StatesError):
    """A path selected nothing in its data (`States.Runtime`); keeps the path and the data."""

    def __init__(self, path: str, data: Any, detail: str) -> None:
        super().__init__("States.Runtime", f"Invalid path '{path}' : {detail}")
        self.path = path
        self.data = data


class ReferencePath:
    """A compiled reference path: only names and indices, so it selects exactly one node."""

    __slots__ = ("path", "steps")

    def __init__(self, path: str, steps: tuple[Step, ...]) -> None:
        self.path = path
        self.steps = steps

    def get(self, data: Any) -> Any:
        """The node the path selects in data; `States.Runtime` if it is missing."""
        if not self.steps:
            return data
        return _walk(self.steps, data, self.path)

    def set(self, data: Any, value: Any) -> Any:
        """A copy of data with value placed at the path (ResultPath); `$` replaces the whole.

        Missing objects along the path are created; a step into a non-object raises
        `States.ResultPathMatchFailure`.
        """
        if not self.steps:
            return value
        return self._set_from(0, data, value)

    def _set_from(self, position: int, node: Any, value: Any) -> Any:
        """Copy node with the path from `position` on set to value."""
        step = self.steps[position]
        last = position == len(self.steps) - 1
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                raise self._match_failure(step, node)
            updated_list = list(node)
            updated_list[step] = value if last else self._set_from(position + 1, node[step], value)
            return updated_list
        if not isinstance(node, dict):
            raise self._match_failure(step, node)
        updated = dict(node)
        if last:
            updated[step] = value
        else:
            child = node.get(step, {})
            updated[step] = self._set_from(position + 1, child, value)
        return updated

    def _match_failure(self, step: Step, node: Any) -> StatesError:
        """The ResultPathMatchFailure for a step that cannot be applied to node."""
        return StatesError(
            "States.ResultPathMatchFailure",
            f'Unable to apply step "{step}" to input {to_json(node)}',
        )


@lru_cache(maxsize=4096)
def reference_path(path: str) -> ReferencePath:
    """Compile a `$`-rooted reference path (cached); ValueError if it is not a reference path."""
    steps = parse_steps(path)
    if steps is None:
        raise ValueError(f"The value for the field must be a valid ReferencePath: {path}")
    return ReferencePath(path, steps)


class _CompiledPath:
    """A `.$` path compiled once: which document it reads and how it selects from it."""

    __slots__ = ("definite", "path", "query", "root", "steps", "variable")

    def __init__(self, path: str) -> None:
        self.path = path
        self.variable: str | None = None
        if path.startswith("$$"):
            self.root = "context"
            relative = path[1:]
        elif (match := _VARIABLE_ROOT.match(path)) is not None:
            self.root = "variable"
            self.variable = match[1]
            relative = "$" + path[match.end() :]
        elif path.startswith("$"):
            self.root = "input"
            relative = path
        else:
            raise ValueError(f"Invalid JSONPath '{path}': a path starts with '$'")
        self.steps = parse_steps(relative)
        self.query: jsonpath.JSONPath | None = None
        self.definite = True
        if self.steps is None:
            try:
                self.query = jsonpath.compile(relative)
            except jsonpath.JSONPathError as error:
                raise ValueError(f"Invalid JSONPath '{path}': {error}") from error
            self.definite = self.query.singular_query()

    def select(self, document: Any) -> Any:
        """Apply the path to its root document (Jayway semantics: indefinite paths give lists)."""
        if self.steps is not None:
            return _walk(self.steps, document, self.path) if self.steps else document
        assert self.query is not None
        matches = self.query.findall(document)
        if not self.definite:
            return matches
        if not matches:
            raise PathNotFound(self.path, document, f"No results for path: {self.path}")
        return matches[0]


@lru_cache(maxsize=4096)
def compile_path(path: str) -> _CompiledPath:
    """Compile a JSONPath (input `$`, context `$$` or variable `$name`) once; ValueError if bad."""
    return _CompiledPath(path)


def evaluate_path(path: str, data: Any, context: dict, variables: dict) -> Any:
    """Evaluate a JSONPath against the state data, the context object or a variable.

    `$...` reads data, `$$...` the context object, `$name...` the workflow variable `name`.
    A definite path that selects nothing raises `States.Runtime` (a `PathNotFound` for plain
    reference paths); wildcards, slices and filters return a list, possibly empty.
    """
    try:
        compiled = compile_path(path)
    except ValueError as error:
        raise StatesError("States.Runtime", str(error)) from error
    if compiled.root == "input":
        return compiled.select(data)
    if compiled.root == "context":
        return compiled.select(context)
    if compiled.variable not in variables:
        raise StatesError(
            "States.Runtime", f"Invalid path '{path}' : Variable '{compiled.variable}' not found"
        )
    return compiled.select(variables[compiled.variable])
