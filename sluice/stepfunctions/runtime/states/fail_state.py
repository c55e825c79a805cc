"""The Fail state: ends its scope with an error and a cause."""

from __future__ import annotations

from typing import Any

from sluice.stepfunctions.asl.payload import evaluate_field
from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.runtime import processing as io
from sluice.stepfunctions.runtime.state_run import StateOutcome, StateRun


def run(run: StateRun) -> StateOutcome:
    """Run a Fail state: always raises its error."""
    state = run.state
    if run.language == io.JSONATA:
        states = io.jsonata_states(run.raw_input, run.context, has_result=False)
        error = io.jsonata(state.get("Error"), states, run.variables)
        cause = io.jsonata(state.get("Cause"), states, run.variables)
    else:
        error = _field(run, "Error")
        cause = _field(run, "Cause")
    raise StatesError(_text(error), _text(cause))


def _field(run: StateRun, name: str) -> Any:
    state = run.state
    if f"{name}Path" in state:
        return evaluate_field(
            f"{name}Path", state[f"{name}Path"], run.raw_input, run.context, run.variables
        )
    return state.get(name)


def _text(value: Any) -> str:
    return "" if value is None else str(value)
