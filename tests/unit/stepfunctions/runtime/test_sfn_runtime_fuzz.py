"""Fuzzing the service with malformed definitions and inputs: API errors, never a traceback.

A seeded generator mutates valid definitions (drops, retypes and corrupts fields, truncates
the JSON text) and inputs; every case must be refused with `InvalidDefinition` or
`InvalidExecutionInput` through the service, never with another exception.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest

from sluice.stepfunctions.asl.validation import validate_definition
from sluice.stepfunctions.errors import InvalidDefinition, InvalidExecutionInput

from .conftest import ROLE

SEEDS = range(300)
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:f"
VALID_DEFINITIONS: list[dict[str, Any]] = [
    {
        "StartAt": "P",
        "States": {
            "P": {"Type": "Pass", "Parameters": {"a.$": "$.x"}, "ResultPath": "$.r", "Next": "C"},
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.r.a", "NumericGreaterThan": 1, "Next": "T"}],
                "Default": "F",
            },
            "T": {
                "Type": "Task",
                "Resource": FUNCTION,
                "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}],
                "Next": "W",
            },
            "W": {"Type": "Wait", "Seconds": 1, "Next": "S"},
            "S": {"Type": "Succeed"},
            "F": {"Type": "Fail", "Error": "E", "Cause": "c"},
        },
    },
    {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {"v.$": "States.MathAdd($$.Map.Item.Index, 1)"},
                "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
                "Next": "Par",
            },
            "Par": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}],
                "End": True,
            },
        },
    },
    {
        "QueryLanguage": "JSONata",
        "StartAt": "J",
        "States": {
            "J": {
                "Type": "Pass",
                "Output": "{% $states.input.x + 1 %}",
                "Assign": {"seen": "{% true %}"},
                "End": True,
            }
        },
    },
]
# Values a mutation puts where a field was: wrong types, empty and unknown things.
ODD_VALUES: list[Any] = [
    None,
    0,
    -1,
    1.5,
    True,
    "",
    "$$$",
    "{% %}",
    "States.Nope($)",
    "$.a[",
    [],
    {},
    [None],
    {"Type": "Nope"},
    "x" * 300,
]
ODD_KEYS = ["Type", "Next", "End", "Foo", "Parameters", "ResultPath", "Resource", "States"]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a member or element of a JSON document."""
    found: list[tuple[Any, ...]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((*prefix, key))
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.append((*prefix, index))
            found += _paths(value, (*prefix, index))
    return found


def _odd_value(rng: random.Random) -> Any:
    """A fresh copy of one of the odd values (so mutations never share or change them)."""
    return copy.deepcopy(rng.choice(ODD_VALUES))


def _mutate(document: Any, rng: random.Random) -> Any:
    """Apply one to three random corruptions to a copy of a definition."""
    mutated = copy.deepcopy(document)
    for _ in range(rng.randint(1, 3)):
        paths = _paths(mutated)
        if not paths:
            return _odd_value(rng)
        *parent_path, last = rng.choice(paths)
        parent = mutated
        for step in parent_path:
            parent = parent[step]
        action = rng.choice(["drop", "replace", "add"])
        if action == "drop" and isinstance(parent, dict):
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[rng.choice(ODD_KEYS)] = _odd_value(rng)
        else:
            parent[last] = _odd_value(rng)
    return mutated


def _malformed_definition(seed: int) -> str:
    """A definition text that is broken in a seeded way (and rejected by the validator)."""
    rng = random.Random(seed)
    while True:
        base = rng.choice(VALID_DEFINITIONS)
        if rng.random() < 0.15:
            text = json.dumps(base)
            candidate = text[: rng.randint(0, len(text) - 1)]
        else:
            candidate = json.dumps(_mutate(base, rng))
        try:
            validate_definition(candidate)
        except InvalidDefinition:
            return candidate


def _malformed_input(seed: int) -> str:
    """Execution input text that is broken in a seeded way (and is not JSON)."""
    rng = random.Random(seed)
    while True:
        candidate = _corrupted_input(rng)
        try:
            json.loads(candidate)
        except ValueError:
            return candidate


def _corrupted_input(rng: random.Random) -> str:
    """Valid input text truncated, with a character inserted or appended, or plain nonsense."""
    valid = json.dumps({"x": rng.randint(0, 9), "items": [1, 2], "s": "ü\n"})
    choice = rng.randrange(4)
    if choice == 0:
        return valid[: rng.randint(1, len(valid) - 1)]
    if choice == 1:
        position = rng.randrange(len(valid))
        return valid[:position] + rng.choice("{}[]:,\"'\\") + valid[position:]
    if choice == 2:
        return rng.choice(["", "undefined", "{'a': 1}", "[1,]", "NaNa", '{"a" 1}', "\x00"])
    return valid + rng.choice(["}", "]", "x", ",", " {}"])


@pytest.mark.parametrize("seed", SEEDS)
def test_a_malformed_definition_is_refused_as_invalid_definition(harness, seed):
    """GIVEN a seeded corruption of a valid definition WHEN creating a state machine with it
    THEN the service refuses it with InvalidDefinition (no other exception)."""
    definition = _malformed_definition(seed)

    with pytest.raises(InvalidDefinition):
        harness.service.create_state_machine(
            {"name": f"fuzz-{seed}", "definition": definition, "roleArn": ROLE}
        )


@pytest.mark.parametrize("seed", SEEDS)
def test_a_malformed_input_is_refused_as_invalid_execution_input(harness, seed):
    """GIVEN seeded input text that is not JSON WHEN starting an execution THEN the service
    refuses it with InvalidExecutionInput (no other exception)."""
    machine = harness.create(VALID_DEFINITIONS[0], name="fuzz-input")
    execution_input = _malformed_input(seed)

    with pytest.raises(InvalidExecutionInput):
        harness.service.start_execution({"stateMachineArn": machine, "input": execution_input})
