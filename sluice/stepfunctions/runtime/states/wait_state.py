"""The Wait state: delays for some seconds or until a timestamp, through the injected clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sluice.stepfunctions.asl.paths import evaluate_path
from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.runtime import processing as io
from sluice.stepfunctions.runtime.state_run import StateOutcome, StateRun, next_state


def run(run: StateRun) -> StateOutcome:
    """Run a Wait state."""
    state = run.state
    if run.language == io.JSONATA:
        states = io.jsonata_states(run.raw_input, run.context, has_result=False)
        seconds = _delay(
            run,
            io.jsonata(state.get("Seconds"), states, run.variables),
            io.jsonata(state.get("Timestamp"), states, run.variables),
        )
        output = io.jsonata_output(state, states, run.variables, run.raw_input)
        assigned = io.jsonata_assign(state, states, run.variables)
    else:
        effective = io.input_path(state, run.raw_input, run.context, run.variables)
        run.inspect("afterInputPath", effective)
        seconds = _delay(
            run,
            _path_or_value(run, state, "Seconds", effective),
            _path_or_value(run, state, "Timestamp", effective),
        )
        assigned = io.jsonpath_assign(state, effective, run.context, run.variables)
        output = io.output_path(state, effective, run.context, run.variables)
    run.runtime.flush()
    run.runtime.pause(seconds, run.scope.cancellation)
    return StateOutcome(output, next_state(state), assigned)


def _path_or_value(run: StateRun, state: dict[str, Any], name: str, data: Any) -> Any:
    if f"{name}Path" in state:
        return evaluate_path(state[f"{name}Path"], data, run.context, run.variables)
    return state.get(name)


def _delay(run: StateRun, seconds: Any, timestamp: Any) -> float:
    if seconds is not None:
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise StatesError(
                "States.Runtime", f"The Seconds value must be a non-negative integer: {seconds}"
            )
        return float(seconds)
    if not isinstance(timestamp, str):
        raise StatesError("States.Runtime", f"The Timestamp value is not a string: {timestamp}")
    try:
        target = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError as error:
        raise StatesError(
            "States.Runtime", f"The Timestamp value is not a valid ISO-8601 time: {timestamp}"
        ) from error
    return max((target - run.runtime.clock.now()).total_seconds(), 0.0)
