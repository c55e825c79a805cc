"""The Parallel state: runs its branches at once; the first failed branch fails the state.

https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html
"""

from __future__ import annotations

from typing import Any

from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.runtime import processing as io
from sluice.stepfunctions.runtime.control import Cancellation
from sluice.stepfunctions.runtime.fanout import fan_out
from sluice.stepfunctions.runtime.state_run import StateOutcome, StateRun
from sluice.stepfunctions.runtime.states import task_state


def run(run: StateRun) -> StateOutcome:
    """Run one attempt of a Parallel state."""
    from sluice.stepfunctions.runtime.executor import SUCCEEDED, run_scope

    state = run.state
    runtime = run.runtime
    if run.language == io.JSONATA:
        states = io.jsonata_states(run.raw_input, run.context, has_result=False)
        branch_input = io.jsonata(state.get("Arguments", run.raw_input), states, run.variables)
    else:
        branch_input = io.input_path(state, run.raw_input, run.context, run.variables)
        run.inspect("afterInputPath", branch_input)
        if "Parameters" in state:
            branch_input = io.payload(state["Parameters"], branch_input, run.context, run.variables)
            run.inspect("afterParameters", branch_input)
    prefix = f"{run.scope.key}/{run.name}#"
    if not run.resuming:
        runtime.forget_checkpoints(prefix)
    started = run.event("ParallelStateStarted")
    branches: list[dict[str, Any]] = state["Branches"]

    def run_branch(index: int, branch: dict[str, Any], cancellation: Cancellation) -> Any:
        key = f"{prefix}{index}"
        checkpoint = runtime.checkpoint(key) if run.resuming else None
        if checkpoint is not None and checkpoint.status == SUCCEEDED:
            return checkpoint.output
        scope = run.scope.child(key, run.scope.query_language, cancellation, started)
        return run_scope(runtime, scope, branch, branch_input, checkpoint)

    try:
        outputs = fan_out(
            enumerate(branches), run_branch, run.scope.cancellation, size=len(branches)
        )
    except StatesError:
        run.event("ParallelStateFailed")
        raise
    run.scope.cursor.last_event_id = runtime.recorder.event_count
    run.event("ParallelStateSucceeded")
    return task_state.process_result(run, [outputs[i] for i in range(len(branches))])
