"""The Pass state: passes its input (or a fixed Result, or Parameters) on, transformed."""

from __future__ import annotations

from sluice.stepfunctions.runtime import processing as io
from sluice.stepfunctions.runtime.state_run import StateOutcome, StateRun, next_state


def run(run: StateRun) -> StateOutcome:
    """Run a Pass state."""
    state = run.state
    if run.language == io.JSONATA:
        states = io.jsonata_states(run.raw_input, run.context, has_result=False)
        output = io.jsonata_output(state, states, run.variables, run.raw_input)
        assigned = io.jsonata_assign(state, states, run.variables)
        return StateOutcome(output, next_state(state), assigned)
    context, variables = run.context, run.variables
    effective = io.input_path(state, run.raw_input, context, variables)
    run.inspect("afterInputPath", effective)
    if "Parameters" in state:
        effective = io.payload(state["Parameters"], effective, context, variables)
        run.inspect("afterParameters", effective)
    result = state.get("Result", effective)
    run.inspect("result", result)
    assigned = io.jsonpath_assign(state, result, context, variables)
    merged = io.result_path(state, run.raw_input, result)
    run.inspect("afterResultPath", merged)
    output = io.output_path(state, merged, context, variables)
    return StateOutcome(output, next_state(state), assigned)
