"""Definition validation: parse an ASL document and reject what CreateStateMachine rejects.

Every problem found is reported in one `InvalidDefinition`, each as AWS phrases it: a code
(`INVALID_JSON_DESCRIPTION`, `SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`,
`DUPLICATE_STATE_NAME`), a message and the JSON pointer of the offending field, e.g.
`Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: Foo at
/States/Bar/Next'`. Nested machines (Parallel branches, Map processors) are validated with
their own state names and their own transition scope.
https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from sluice.stepfunctions.asl.choice import (
    COMPARISONS,
    OPERATORS,
    PATH_COMPARISONS,
    TYPE_TESTS,
    parse_timestamp,
)
from sluice.stepfunctions.asl.intrinsics import IntrinsicSyntaxError, is_intrinsic, parse_intrinsic
from sluice.stepfunctions.asl.jsonata import compile_jsonata, is_jsonata
from sluice.stepfunctions.asl.paths import compile_path, parse_steps
from sluice.stepfunctions.errors import InvalidDefinition

JSONPATH = "JSONPath"
"""The default query language."""
JSONATA = "JSONata"
"""The JSONata query language."""
STATE_TYPES = ("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
"""Every state type of the Amazon States Language."""
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,79}")
_TERMINAL_TYPES = frozenset({"Choice", "Succeed", "Fail"})
_SCHEMA = "SCHEMA_VALIDATION_FAILED"

_TOP_LEVEL_FIELDS = frozenset(
    {"StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"}
)
_NESTED_FIELDS = frozenset({"StartAt", "States", "Comment", "QueryLanguage", "ProcessorConfig"})

_COMMON = frozenset({"Type", "Comment", "QueryLanguage"})
_TRANSITION = frozenset({"Next", "End"})
_TASK_LIKE = frozenset({"Retry", "Catch"})
# Fields each state type accepts in each query language (the ASL reference, per state type).
_FIELDS: dict[str, dict[str, frozenset[str]]] = {
    JSONPATH: {
        "Pass": frozenset({"InputPath", "OutputPath", "Parameters", "ResultPath", "Result"})
        | {"Assign"},
        "Task": frozenset({"Resource", "InputPath", "OutputPath", "Parameters", "ResultPath"})
        | {"ResultSelector", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds"}
        | {"HeartbeatSecondsPath", "Credentials", "Assign"}
        | _TASK_LIKE,
        "Choice": frozenset({"Choices", "Default", "InputPath", "OutputPath", "Assign"}),
        "Wait": frozenset({"Seconds", "SecondsPath", "Timestamp", "TimestampPath", "InputPath"})
        | {"OutputPath", "Assign"},
        "Succeed": frozenset({"InputPath", "OutputPath"}),
        "Fail": frozenset({"Error", "ErrorPath", "Cause", "CausePath"}),
        "Parallel": frozenset({"Branches", "InputPath", "OutputPath", "Parameters", "ResultPath"})
        | {"ResultSelector", "Assign"}
        | _TASK_LIKE,
        "Map": frozenset({"ItemProcessor", "Iterator", "ItemsPath", "ItemSelector", "Parameters"})
        | {"ItemReader", "ItemBatcher", "ResultWriter", "MaxConcurrency", "MaxConcurrencyPath"}
        | {"ToleratedFailurePercentage", "ToleratedFailurePercentagePath"}
        | {"ToleratedFailureCount", "ToleratedFailureCountPath", "Label", "InputPath"}
        | {"OutputPath", "ResultPath", "ResultSelector", "Assign"}
        | _TASK_LIKE,
    },
    JSONATA: {
        "Pass": frozenset({"Output", "Assign"}),
        "Task": frozenset({"Resource", "Arguments", "Output", "Assign", "TimeoutSeconds"})
        | {"HeartbeatSeconds", "Credentials"}
        | _TASK_LIKE,
        "Choice": frozenset({"Choices", "Default", "Output", "Assign"}),
        "Wait": frozenset({"Seconds", "Timestamp", "Output", "Assign"}),
        "Succeed": frozenset({"Output"}),
        "Fail": frozenset({"Error", "Cause"}),
        "Parallel": frozenset({"Branches", "Arguments", "Output", "Assign"}) | _TASK_LIKE,
        "Map": frozenset({"ItemProcessor", "Items", "ItemSelector", "ItemReader", "ItemBatcher"})
        | {"ResultWriter", "MaxConcurrency", "ToleratedFailurePercentage", "Label"}
        | {"ToleratedFailureCount", "Output", "Assign"}
        | _TASK_LIKE,
    },
}
_RETRIER_FIELDS = frozenset({"ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate"})
_RETRIER_FIELDS |= {"MaxDelaySeconds", "JitterStrategy", "Comment"}
_CATCHER_FIELDS = {
    JSONPATH: frozenset({"ErrorEquals", "Next", "ResultPath", "Assign", "Comment"}),
    JSONATA: frozenset({"ErrorEquals", "Next", "Output", "Assign", "Comment"}),
}
_JSONATA_RULE_FIELDS = frozenset({"Condition", "Next", "Comment", "Assign", "Output"})
_JSONPATH_RULE_FIELDS = frozenset({"Variable", "Next", "Comment", "Assign", "And", "Or", "Not"})
# Reference paths (one node, no wildcards) and general paths, by field name.
_REFERENCE_PATH_FIELDS = ("ResultPath", "ItemsPath", "SecondsPath", "TimestampPath")
_REFERENCE_PATH_FIELDS += ("TimeoutSecondsPath", "HeartbeatSecondsPath", "MaxConcurrencyPath")
_REFERENCE_PATH_FIELDS += ("ToleratedFailureCountPath", "ToleratedFailurePercentagePath")
_PATH_FIELDS = ("InputPath", "OutputPath")
_TEMPLATE_FIELDS = ("Parameters", "ResultSelector", "ItemSelector", "Assign", "Credentials")
_POSITIVE_INTEGER_FIELDS = ("TimeoutSeconds", "HeartbeatSeconds")
_NON_NEGATIVE_INTEGER_FIELDS = ("Seconds", "MaxConcurrency", "ToleratedFailureCount")
_EXCLUSIVE_FIELDS = (
    ("TimeoutSeconds", "TimeoutSecondsPath"),
    ("HeartbeatSeconds", "HeartbeatSecondsPath"),
    ("Error", "ErrorPath"),
    ("Cause", "CausePath"),
    ("MaxConcurrency", "MaxConcurrencyPath"),
    ("ToleratedFailureCount", "ToleratedFailureCountPath"),
    ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
    ("ItemProcessor", "Iterator"),
)


def _is_integer(value: Any) -> bool:
    """Whether a JSON value is an integer (booleans are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    """Whether a JSON value is a number (booleans are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_positive_integer(value: Any) -> bool:
    """Whether a JSON value is an integer above 0."""
    return _is_integer(value) and value > 0


def _is_non_negative_integer(value: Any) -> bool:
    """Whether a JSON value is an integer of 0 or more."""
    return _is_integer(value) and value >= 0


def _is_percentage(value: Any) -> bool:
    """Whether a JSON value is a number from 0 to 100."""
    return _is_number(value) and 0 <= value <= 100


def _is_backoff_rate(value: Any) -> bool:
    """Whether a JSON value is a number of at least 1.0."""
    return _is_number(value) and value >= 1.0


def _is_timestamp(value: Any) -> bool:
    """Whether a JSON value is an ASL timestamp string."""
    return isinstance(value, str) and parse_timestamp(value) is not None


_RULE_TEXT: dict[Callable[[Any], bool], str] = {
    _is_timestamp: "a valid timestamp",
    _is_positive_integer: "a positive integer",
    _is_non_negative_integer: "a non-negative integer",
    _is_percentage: "a number between 0 and 100",
    _is_backoff_rate: "a number of at least 1.0",
}


class _Validator:
    """Walks one definition, collecting every problem with its JSON pointer."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.state_names: set[str] = set()

    def error(self, code: str, message: str, pointer: str) -> None:
        """Record one problem."""
        self.errors.append(f"{code}: {message} at {pointer or '/'}")

    def machine(self, machine: Any, pointer: str, language: str, top_level: bool) -> None:
        """Validate a state machine or a nested one (branch, item processor)."""
        if not isinstance(machine, dict):
            self.error(_SCHEMA, "Expected an object", pointer)
            return
        allowed = _TOP_LEVEL_FIELDS if top_level else _NESTED_FIELDS
        self.unknown_fields(machine, allowed, pointer)
        language = self.query_language(machine, pointer, language)
        missing = [field for field in ("StartAt", "States") if field not in machine]
        if missing:
            self.error(_SCHEMA, f"These fields are required: [{', '.join(missing)}]", pointer)
        states = machine.get("States")
        if "States" in machine and (not isinstance(states, dict) or not states):
            self.error(
                _SCHEMA, "The field 'States' must be a non-empty object", f"{pointer}/States"
            )
            states = None
        start = machine.get("StartAt")
        if "StartAt" in machine and not isinstance(start, str):
            self.error(_SCHEMA, "The field 'StartAt' must be a string", f"{pointer}/StartAt")
        elif isinstance(states, dict) and isinstance(start, str) and start not in states:
            self.error(
                "MISSING_TRANSITION_TARGET",
                f"Missing 'StartAt' target: {start}",
                f"{pointer}/StartAt",
            )
        if top_level and "TimeoutSeconds" in machine:
            self.scalar(machine, "TimeoutSeconds", pointer, language, _is_positive_integer)
        if isinstance(states, dict):
            for name, state in states.items():
                self.state(name, state, states, f"{pointer}/States/{name}", language)

    def query_language(self, holder: dict, pointer: str, inherited: str) -> str:
        """The query language a machine or state declares, else the inherited one."""
        if "QueryLanguage" not in holder:
            return inherited
        language = holder["QueryLanguage"]
        if language not in (JSONPATH, JSONATA):
            self.error(
                _SCHEMA,
                f"The field 'QueryLanguage' must be one of [JSONPath, JSONata], not {language!r}",
                f"{pointer}/QueryLanguage",
            )
            return inherited
        return language

    def unknown_fields(self, holder: dict, allowed: frozenset[str], pointer: str) -> None:
        """Report every field not in the allowed set."""
        for field in holder:
            if field not in allowed:
                self.error(_SCHEMA, f"Field '{field}' is not supported", pointer)

    def state(self, name: str, state: Any, scope: dict, pointer: str, inherited: str) -> None:
        """Validate one state and its transitions within its scope."""
        if name in self.state_names:
            self.error("DUPLICATE_STATE_NAME", f"Duplicate State name: {name}", pointer)
        self.state_names.add(name)
        if len(name) > 80:
            self.error(_SCHEMA, "State names must be at most 80 characters", pointer)
        if not isinstance(state, dict):
            self.error(_SCHEMA, "Expected an object", pointer)
            return
        state_type = state.get("Type")
        if state_type is None:
            self.error(_SCHEMA, "These fields are required: [Type]", pointer)
            return
        if state_type not in STATE_TYPES:
            self.error(_SCHEMA, f"Field 'Type' has an invalid value: {state_type!r}", pointer)
            return
        language = self.query_language(state, pointer, inherited)
        self.allowed_fields(state, state_type, language, pointer)
        self.transition(state, state_type, scope, pointer)
        for first, second in _EXCLUSIVE_FIELDS:
            if first in state and second in state:
                self.error(
                    _SCHEMA, f"Fields '{first}' and '{second}' are mutually exclusive", pointer
                )
        if language == JSONPATH:
            self.jsonpath_fields(state, pointer)
        else:
            self.jsonata_fields(state, pointer)
        self.numbers(state, pointer, language)
        for field in ("Retry", "Catch"):
            if field in state:
                self.error_handlers(state, field, scope, pointer, language)
        type_check = getattr(self, f"state_{state_type.lower()}", None)
        if type_check is not None:
            type_check(state, scope, pointer, language)

    def allowed_fields(self, state: dict, state_type: str, language: str, pointer: str) -> None:
        """Report fields the state type does not take in its query language."""
        allowed = _COMMON | _FIELDS[language][state_type]
        if state_type not in _TERMINAL_TYPES:
            allowed |= _TRANSITION
        other = JSONATA if language == JSONPATH else JSONPATH
        for field in state:
            if field in allowed:
                continue
            if field in _FIELDS[other][state_type]:
                self.error(
                    _SCHEMA,
                    f"The field '{field}' is not supported for {language} states",
                    pointer,
                )
            else:
                self.error(_SCHEMA, f"Field '{field}' is not supported", pointer)

    def transition(self, state: dict, state_type: str, scope: dict, pointer: str) -> None:
        """Non-terminal states need exactly one of Next and End; Next must name a state."""
        if state_type in _TERMINAL_TYPES:
            return
        has_next = "Next" in state
        has_end = state.get("End") is True
        if "End" in state and state["End"] is not True:
            self.error(_SCHEMA, "The field 'End' must be true when present", f"{pointer}/End")
        if has_next and has_end:
            self.error(_SCHEMA, "Fields 'Next' and 'End' are mutually exclusive", pointer)
        elif not has_next and not has_end:
            self.error(_SCHEMA, "Exactly one of these fields is required: [Next, End]", pointer)
        if has_next:
            self.target(state["Next"], scope, f"{pointer}/Next", "Next")

    def target(self, name: Any, scope: dict, pointer: str, field: str) -> None:
        """Report a transition to a state that is not in scope."""
        if not isinstance(name, str) or name not in scope:
            self.error("MISSING_TRANSITION_TARGET", f"Missing '{field}' target: {name}", pointer)

    # --- query-language specific fields ---------------------------------------------------

    def jsonpath_fields(self, state: dict, pointer: str) -> None:
        """Check paths, payload templates and stray JSONata in a JSONPath state."""
        for field in _REFERENCE_PATH_FIELDS:
            value = state.get(field)
            if field in state and not (value is None and field == "ResultPath"):
                self.reference_path(value, f"{pointer}/{field}")
        for field in _PATH_FIELDS:
            if state.get(field) is not None:
                self.path(state[field], f"{pointer}/{field}")
        for field in ("ErrorPath", "CausePath"):
            if field in state:
                self.path_or_intrinsic(state[field], f"{pointer}/{field}")
        for field in _TEMPLATE_FIELDS:
            if field in state:
                self.template(state[field], f"{pointer}/{field}")
        if isinstance(state.get("Assign"), dict):
            self.variable_names(state["Assign"], f"{pointer}/Assign")

    def jsonata_fields(self, state: dict, pointer: str) -> None:
        """Check that every `{% %}` string in a JSONata state parses."""
        for field, value in state.items():
            if field not in ("Choices", "Branches", "ItemProcessor", "Retry", "Catch"):
                self.jsonata(value, f"{pointer}/{field}")
        if isinstance(state.get("Assign"), dict):
            self.variable_names(state["Assign"], f"{pointer}/Assign")

    def jsonata(self, value: Any, pointer: str) -> None:
        """Report JSONata expressions (anywhere in value) that do not parse."""
        if is_jsonata(value):
            try:
                compile_jsonata(value[2:-2])
            except ValueError as error:
                self.error(
                    _SCHEMA, f"The JSONata expression '{value}' is not valid: {error}", pointer
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                if key.endswith(".$"):
                    self.error(
                        _SCHEMA,
                        f"The field '{key}' uses JSONPath, which JSONata states do not support",
                        f"{pointer}/{key}",
                    )
                self.jsonata(item, f"{pointer}/{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.jsonata(item, f"{pointer}[{index}]")

    def reference_path(self, value: Any, pointer: str) -> None:
        """Report a value that is not a reference path."""
        if not isinstance(value, str) or parse_steps(value) is None:
            self.error(_SCHEMA, f"Value is not a valid reference path: {value}", pointer)

    def path(self, value: Any, pointer: str) -> None:
        """Report a value that is not a valid JSONPath (input, `$$` context or `$var`)."""
        if is_jsonata(value):
            self.error(_SCHEMA, "JSONata expressions are not supported in JSONPath states", pointer)
            return
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            compile_path(value)
        except ValueError:
            self.error(_SCHEMA, f"Value is not a valid JSONPath: {value}", pointer)

    def path_or_intrinsic(self, value: Any, pointer: str) -> None:
        """Report a value that is neither a valid path nor a valid intrinsic function."""
        if isinstance(value, str) and is_intrinsic(value):
            self.intrinsic(value, pointer)
        else:
            self.path(value, pointer)

    def intrinsic(self, value: str, pointer: str) -> None:
        """Report an intrinsic that does not parse or names an unknown function."""
        try:
            parse_intrinsic(value)
        except IntrinsicSyntaxError as error:
            self.error(_SCHEMA, str(error), pointer)

    def template(self, template: Any, pointer: str) -> None:
        """Check the `.$` fields of a JSONPath payload template, recursively."""
        if isinstance(template, dict):
            for key, value in template.items():
                if not key.endswith(".$"):
                    self.template(value, f"{pointer}/{key}")
                elif not isinstance(value, str):
                    self.error(
                        _SCHEMA,
                        f"The value for the field '{key}' must be a STRING that contains a "
                        "JSONPath or an intrinsic function",
                        f"{pointer}/{key}",
                    )
                else:
                    self.path_or_intrinsic(value, f"{pointer}/{key}")
        elif isinstance(template, list):
            for index, item in enumerate(template):
                self.template(item, f"{pointer}[{index}]")

    def variable_names(self, assign: dict, pointer: str) -> None:
        """Report Assign keys that are not valid variable names."""
        for key in assign:
            name = key[:-2] if key.endswith(".$") else key
            if not _VARIABLE_NAME.fullmatch(name):
                self.error(_SCHEMA, f"The variable name '{name}' is not valid", pointer)

    def numbers(self, state: dict, pointer: str, language: str) -> None:
        """Check numeric fields (JSONata states may give them as expressions)."""
        for field in _POSITIVE_INTEGER_FIELDS:
            if field in state:
                self.scalar(state, field, pointer, language, _is_positive_integer)
        for field in _NON_NEGATIVE_INTEGER_FIELDS:
            if field in state:
                self.scalar(state, field, pointer, language, _is_non_negative_integer)
        if "ToleratedFailurePercentage" in state:
            self.scalar(state, "ToleratedFailurePercentage", pointer, language, _is_percentage)
        timeout, heartbeat = state.get("TimeoutSeconds"), state.get("HeartbeatSeconds")
        if _is_integer(timeout) and _is_integer(heartbeat) and heartbeat >= timeout:
            self.error(
                _SCHEMA,
                "The field 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'",
                pointer,
            )

    def scalar(
        self,
        holder: dict,
        field: str,
        pointer: str,
        language: str,
        valid: Callable[[Any], bool],
    ) -> None:
        """Report a field whose value breaks its rule (JSONata expressions only in JSONata)."""
        value = holder[field]
        if is_jsonata(value):
            if language == JSONPATH:
                self.error(
                    _SCHEMA,
                    f"The field '{field}' holds a JSONata expression, which JSONPath states "
                    "do not support",
                    f"{pointer}/{field}",
                )
        elif not valid(value):
            self.error(
                _SCHEMA, f"The field '{field}' must be {_RULE_TEXT[valid]}", f"{pointer}/{field}"
            )

    # --- Retry and Catch ------------------------------------------------------------------

    def error_handlers(
        self, state: dict, field: str, scope: dict, pointer: str, language: str
    ) -> None:
        """Validate a Retry or Catch array."""
        handlers = state[field]
        if not isinstance(handlers, list):
            self.error(_SCHEMA, f"The field '{field}' must be an array", f"{pointer}/{field}")
            return
        for index, handler in enumerate(handlers):
            at = f"{pointer}/{field}[{index}]"
            if not isinstance(handler, dict):
                self.error(_SCHEMA, "Expected an object", at)
                continue
            self.error_equals(handler, at, last=index == len(handlers) - 1, field=field)
            if field == "Retry":
                self.unknown_fields(handler, _RETRIER_FIELDS, at)
                self.retrier(handler, at, language)
            else:
                self.unknown_fields(handler, _CATCHER_FIELDS[language], at)
                self.catcher(handler, scope, at, language)

    def error_equals(self, handler: dict, pointer: str, *, last: bool, field: str) -> None:
        """ErrorEquals: a non-empty array of names; States.ALL alone and in the last handler."""
        names = handler.get("ErrorEquals")
        if "ErrorEquals" not in handler:
            self.error(_SCHEMA, "These fields are required: [ErrorEquals]", pointer)
            return
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            self.error(
                _SCHEMA, "The field 'ErrorEquals' must be a non-empty array of strings", pointer
            )
            return
        if "States.ALL" in names:
            if len(names) > 1:
                self.error(
                    _SCHEMA,
                    "'States.ALL' must appear alone in ErrorEquals",
                    f"{pointer}/ErrorEquals",
                )
            if not last:
                kind = "Retrier" if field == "Retry" else "Catcher"
                self.error(_SCHEMA, f"A {kind} with 'States.ALL' must be the last one", pointer)

    def retrier(self, retrier: dict, pointer: str, language: str) -> None:
        """Check a retrier's numbers and jitter strategy."""
        rules = (
            ("IntervalSeconds", _is_positive_integer),
            ("MaxDelaySeconds", _is_positive_integer),
            ("MaxAttempts", _is_non_negative_integer),
            ("BackoffRate", _is_backoff_rate),
        )
        for field, valid in rules:
            if field in retrier:
                self.scalar(retrier, field, pointer, language, valid)
        if retrier.get("JitterStrategy", "NONE") not in ("FULL", "NONE"):
            self.error(_SCHEMA, "The field 'JitterStrategy' must be FULL or NONE", pointer)

    def catcher(self, catcher: dict, scope: dict, pointer: str, language: str) -> None:
        """Check a catcher's Next target and its ResultPath or JSONata fields."""
        if "Next" not in catcher:
            self.error(_SCHEMA, "These fields are required: [Next]", pointer)
        else:
            self.target(catcher["Next"], scope, f"{pointer}/Next", "Next")
        if language == JSONPATH:
            if catcher.get("ResultPath") is not None:
                self.reference_path(catcher["ResultPath"], f"{pointer}/ResultPath")
            if "Assign" in catcher:
                self.template(catcher["Assign"], f"{pointer}/Assign")
        else:
            for field in ("Output", "Assign"):
                if field in catcher:
                    self.jsonata(catcher[field], f"{pointer}/{field}")

    # --- per state type -------------------------------------------------------------------

    def state_fail(self, state: dict, scope: dict, pointer: str, language: str) -> None:
        """Fail: Error and Cause must be strings."""
        for field in ("Error", "Cause"):
            if field in state and not isinstance(state[field], str):
                self.error(_SCHEMA, f"The field '{field}' must be a string", pointer)

    def state_task(self, state: dict, scope: dict, pointer: str, language: str) -> None:
        """Task: a Resource string is required."""
        if "Resource" not in state:
            self.error(_SCHEMA, "These fields are required: [Resource]", pointer)
        elif not isinstance(state["Resource"], str):
            self.error(_SCHEMA, "The field 'Resource' must be a string", f"{pointer}/Resource")

    def state_wait(self, state: dict, scope: dict, pointer: str, language: str) -> None:
        """Wait: exactly one of Seconds, SecondsPath, Timestamp, TimestampPath."""
        given = [f for f in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath") if f in state]
        if len(given) != 1:
            self.error(
                _SCHEMA,
                "Exactly one of these fields is required: "
                "[Seconds, SecondsPath, Timestamp, TimestampPath]",
                pointer,
            )
        if "Timestamp" in state:
            self.scalar(state, "Timestamp", pointer, language, _is_timestamp)

    def state_parallel(self, state: dict, scope: dict, pointer: str, language: str) -> None:
        """Parallel: a non-empty Branches array, each a machine of its own."""
        branches = state.get("Branches")
        if not isinstance(branches, list) or not branches:
            self.error(_SCHEMA, "The field 'Branches' must be a non-empty array", pointer)
            return
        for index, branch in enumerate(branches):
            self.machine(branch, f"{pointer}/Branches[{index}]", language, top_level=False)

    def state_map(self, state: dict, scope: dict, pointer: str, language: str) -> None:
        """Map: an ItemProcessor (or the older Iterator) holding a machine."""
        field = "ItemProcessor" if "ItemProcessor" in state else "Iterator"
        if field not in state:
            self.error(_SCHEMA, "These fields are required: [ItemProcessor]", pointer)
            return
        self.machine(state[field], f"{pointer}/{field}", language, top_level=False)

    def state_choice(self, state: dict, scope: dict, pointer: str, language: str) -> None:
        """Choice: a non-empty Choices array of rules with Next, and a valid Default."""
        if "Default" in state:
            self.target(state["Default"], scope, f"{pointer}/Default", "Default")
        choices = state.get("Choices")
        if not isinstance(choices, list) or not choices:
            self.error(_SCHEMA, "The field 'Choices' must be a non-empty array", pointer)
            return
        for index, rule in enumerate(choices):
            at = f"{pointer}/Choices[{index}]"
            if not isinstance(rule, dict):
                self.error(_SCHEMA, "Expected an object", at)
                continue
            if "Next" not in rule:
                self.error(_SCHEMA, "These fields are required: [Next]", at)
            else:
                self.target(rule["Next"], scope, f"{at}/Next", "Next")
            if language == JSONATA:
                self.jsonata_rule(rule, at)
            else:
                self.jsonpath_rule(rule, at, top_level=True)

    def jsonata_rule(self, rule: dict, pointer: str) -> None:
        """A JSONata Choice rule: a Condition and the JSONata rule fields only."""
        self.unknown_fields(rule, _JSONATA_RULE_FIELDS, pointer)
        if "Condition" not in rule:
            self.error(_SCHEMA, "These fields are required: [Condition]", pointer)
        for field in ("Condition", "Output", "Assign"):
            if field in rule:
                self.jsonata(rule[field], f"{pointer}/{field}")

    def jsonpath_rule(self, rule: dict, pointer: str, *, top_level: bool) -> None:
        """A JSONPath Choice rule: And/Or/Not, or a Variable with exactly one operator."""
        if not top_level and "Next" in rule:
            self.error(_SCHEMA, "Field 'Next' is not supported in nested rules", pointer)
        allowed = _JSONPATH_RULE_FIELDS | OPERATORS
        for field in rule:
            if field == "Condition":
                self.error(
                    _SCHEMA, "The field 'Condition' is not supported for JSONPath states", pointer
                )
            elif field not in allowed:
                self.error(_SCHEMA, f"Field '{field}' is not supported", pointer)
        if "Assign" in rule:
            self.template(rule["Assign"], f"{pointer}/Assign")
        combinators = [field for field in ("And", "Or", "Not") if field in rule]
        if combinators:
            self.combinator(rule, combinators, pointer)
            return
        operators = [field for field in rule if field in OPERATORS]
        if len(operators) != 1:
            self.error(_SCHEMA, "A choice rule needs exactly one comparison operator", pointer)
        if "Variable" not in rule:
            self.error(_SCHEMA, "These fields are required: [Variable]", pointer)
        else:
            self.path(rule["Variable"], f"{pointer}/Variable")
        if len(operators) == 1:
            self.operand(operators[0], rule[operators[0]], f"{pointer}/{operators[0]}")

    def combinator(self, rule: dict, combinators: list[str], pointer: str) -> None:
        """And/Or take a non-empty array of rules, Not one rule; nothing else beside them."""
        if len(combinators) > 1 or "Variable" in rule or any(f in OPERATORS for f in rule):
            self.error(
                _SCHEMA, "A choice rule must be either a combinator or a comparison", pointer
            )
        field = combinators[0]
        value = rule[field]
        if field == "Not":
            if isinstance(value, dict):
                self.jsonpath_rule(value, f"{pointer}/Not", top_level=False)
            else:
                self.error(_SCHEMA, "The field 'Not' must be an object", pointer)
            return
        if not isinstance(value, list) or not value:
            self.error(_SCHEMA, f"The field '{field}' must be a non-empty array", pointer)
            return
        for index, nested in enumerate(value):
            if isinstance(nested, dict):
                self.jsonpath_rule(nested, f"{pointer}/{field}[{index}]", top_level=False)
            else:
                self.error(_SCHEMA, "Expected an object", f"{pointer}/{field}[{index}]")

    def operand(self, operator: str, value: Any, pointer: str) -> None:
        """Check an operator's value has the type the operator compares."""
        if operator in PATH_COMPARISONS:
            self.path(value, pointer)
            return
        if operator in TYPE_TESTS or operator == "IsPresent" or operator == "BooleanEquals":
            valid = isinstance(value, bool)
        elif operator.startswith("Numeric"):
            valid = _is_number(value)
        elif operator.startswith("Timestamp"):
            valid = isinstance(value, str) and parse_timestamp(value) is not None
        else:
            valid = isinstance(value, str) and operator in COMPARISONS
        if not valid:
            self.error(_SCHEMA, f"The value of '{operator}' has the wrong type: {value!r}", pointer)


def validate_definition(definition: str | dict) -> dict:
    """Parse and validate a definition; return it as a dict or raise InvalidDefinition."""
    if isinstance(definition, str):
        try:
            parsed = json.loads(definition)
        except json.JSONDecodeError as error:
            raise InvalidDefinition(
                f"Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: {error.msg} "
                f"at line {error.lineno}, column {error.colno}'"
            ) from error
    else:
        parsed = definition
    validator = _Validator()
    validator.machine(parsed, "", JSONPATH, top_level=True)
    if validator.errors:
        raise InvalidDefinition(
            f"Invalid State Machine Definition: '{', '.join(validator.errors)}'"
        )
    return parsed
