"""The Choice state: picks the next state from the first rule that holds, else Default."""

from __future__ import annotations

from typing import Any

from sluice.stepfunctions.asl.choice import evaluate_choice_rule
from sluice.stepfunctions.asl.jsonata import evaluate_condition
from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.runtime import processing as io
from sluice.stepfunctions.runtime.state_run import StateOutcome, StateRun


def run(run: StateRun) -> StateOutcome:
    """Run a Choice state."""
    state = run.state
    if run.language == io.JSONATA:
        return _run_jsonata(run, state)
    context, variables = run.context, run.variables
    effective = io.input_path(state, run.raw_input, context, variables)
    run.inspect("afterInputPath", effective)
    rule = next(
        (
            r
            for r in state.get("Choices", [])
            if evaluate_choice_rule(r, effective, context, variables)
        ),
        None,
    )
    target = _target(state, rule)
    assigned = io.jsonpath_assign(
        rule if rule and "Assign" in rule else state, effective, context, variables
    )
    return StateOutcome(io.output_path(state, effective, context, variables), target, assigned)


def _run_jsonata(run: StateRun, state: dict[str, Any]) -> StateOutcome:
    states = io.jsonata_states(run.raw_input, run.context, has_result=False)
    rule = next(
        (
            r
            for r in state.get("Choices", [])
            if evaluate_condition(r.get("Condition"), states, run.variables)
        ),
        None,
    )
    target = _target(state, rule)
    spec = rule if rule is not None else state
    output_spec = spec if "Output" in spec else state
    assign_spec = spec if "Assign" in spec else state
    output = io.jsonata_output(output_spec, states, run.variables, run.raw_input)
    return StateOutcome(output, target, io.jsonata_assign(assign_spec, states, run.variables))


def _target(state: dict[str, Any], rule: dict[str, Any] | None) -> str:
    if rule is not None:
        return rule["Next"]
    if "Default" in state:
        return state["Default"]
    raise StatesError("States.NoChoiceMatched", "No Choice rule matched and there is no Default")
