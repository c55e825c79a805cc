"""The Succeed state: ends its scope successfully."""

from __future__ import annotations

from sluice.stepfunctions.runtime import processing as io
from sluice.stepfunctions.runtime.state_run import StateOutcome, StateRun


def run(run: StateRun) -> StateOutcome:
    """Run a Succeed state."""
    state = run.state
    if run.language == io.JSONATA:
        states = io.jsonata_states(run.raw_input, run.context, has_result=False)
        return StateOutcome(io.jsonata_output(state, states, run.variables, run.raw_input), None)
    effective = io.input_path(state, run.raw_input, run.context, run.variables)
    run.inspect("afterInputPath", effective)
    return StateOutcome(io.output_path(state, effective, run.context, run.variables), None)
