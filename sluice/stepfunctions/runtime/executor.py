"""The execution loop: runs the states of a scope in turn, with Retry, Catch and checkpoints."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sluice.stepfunctions.asl.paths import to_json
from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.records import ScopeCheckpoint
from sluice.stepfunctions.runtime import processing as io
from sluice.stepfunctions.runtime.control import ExecutionStopped
from sluice.stepfunctions.runtime.execution import ExecutionRuntime
from sluice.stepfunctions.runtime.limits import check_state_input, check_state_output
from sluice.stepfunctions.runtime.retry import choose_catcher, choose_retry
from sluice.stepfunctions.runtime.scope import Scope
from sluice.stepfunctions.runtime.state_run import StateOutcome, StateRun
from sluice.stepfunctions.runtime.states import (
    choice_state,
    fail_state,
    map_state,
    parallel_state,
    pass_state,
    succeed_state,
    task_state,
    wait_state,
)
from sluice.stepfunctions.runtime.workers import EXECUTIONS

STATE_TYPES: dict[str, Callable[[StateRun], StateOutcome]] = {
    "Pass": pass_state.run,
    "Task": task_state.run,
    "Choice": choice_state.run,
    "Wait": wait_state.run,
    "Succeed": succeed_state.run,
    "Fail": fail_state.run,
    "Parallel": parallel_state.run,
    "Map": map_state.run,
}
_HANDLES_ERRORS = frozenset({"Task", "Parallel", "Map"})
# The event recorded when a running state is stopped (StopExecution, a failed sibling).
_ABORTED_EVENTS = {
    "Task": "TaskStateAborted",
    "Wait": "WaitStateAborted",
    "Map": "MapStateAborted",
    "Parallel": "ParallelStateAborted",
}
_TRUNCATED = {"truncated": False}

RUNNING = "RUNNING"
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"


def run_scope(
    runtime: ExecutionRuntime,
    scope: Scope,
    machine: dict[str, Any],
    data: Any,
    checkpoint: ScopeCheckpoint | None = None,
) -> Any:
    """Run a scope's states from `StartAt` (or from its checkpoint) and return its output."""
    states = machine["States"]
    name = machine["StartAt"]
    resuming = False
    if checkpoint is not None and checkpoint.state is not None:
        name, data, resuming = checkpoint.state, checkpoint.input, True
        scope.reset_variables(checkpoint.variables)
    arn = runtime.info.arn
    data_json = None
    while True:
        runtime.check(scope.cancellation)
        EXECUTIONS.share_time()
        variables = scope.variables
        runtime.save_checkpoint(ScopeCheckpoint(arn, scope.key, RUNNING, name, data, variables))
        try:
            outcome = run_state(runtime, scope, name, states[name], data, resuming, data_json)
        except StatesError:
            runtime.save_checkpoint(
                ScopeCheckpoint(arn, scope.key, FAILED, name, data, scope.variables)
            )
            raise
        resuming = False
        if outcome.next_state is None:
            runtime.save_checkpoint(
                ScopeCheckpoint(
                    arn, scope.key, SUCCEEDED, name, data, scope.variables, outcome.output
                )
            )
            return outcome.output
        name, data, data_json = outcome.next_state, outcome.output, outcome.output_json


def run_state(
    runtime: ExecutionRuntime,
    scope: Scope,
    name: str,
    state: dict[str, Any],
    data: Any,
    resuming: bool = False,
    data_json: str | None = None,
) -> StateOutcome:
    """Run one state with its retriers and catchers, recording its entered/exited events.

    `data_json`, when given, is `data` already serialised (the previous state's output, so
    already within the size limit); otherwise the input is serialised and checked here.
    """
    state_type = state["Type"]
    language = io.query_language(state, scope.query_language)
    entered = runtime.clock.now()
    if data_json is None:
        data_json = to_json(data)
        check_state_input(name, data_json)
    scope.cursor.add(
        f"{state_type}StateEntered",
        "stateEnteredEventDetails",
        {"name": name, "input": data_json, "inputDetails": _TRUNCATED},
    )
    aborted_event = _ABORTED_EVENTS.get(state_type)
    if aborted_event is None:
        outcome = _attempts(runtime, scope, name, state, data, language, entered, resuming)
    else:
        frame = runtime.recorder.enter(scope.cursor, aborted_event)
        try:
            outcome = _attempts(runtime, scope, name, state, data, language, entered, resuming)
        except ExecutionStopped:
            runtime.recorder.abort(frame)
            raise
        finally:
            runtime.recorder.leave(frame)
    scope.assign(outcome.assigned)
    if state_type != "Fail":
        output_json = to_json(outcome.output)
        outcome.output_json = output_json
        check_state_output(name, output_json)
        details: dict[str, Any] = {"name": name, "output": output_json, "outputDetails": _TRUNCATED}
        if outcome.assigned:
            details["assignedVariables"] = {k: to_json(v) for k, v in outcome.assigned.items()}
            details["assignedVariablesDetails"] = _TRUNCATED
        scope.cursor.add(f"{state_type}StateExited", "stateExitedEventDetails", details)
    return outcome


def _attempts(
    runtime: ExecutionRuntime,
    scope: Scope,
    name: str,
    state: dict[str, Any],
    data: Any,
    language: str,
    entered: datetime,
    resuming: bool,
) -> StateOutcome:
    """Run a state's attempts: retry its errors as its retriers say, then try its catchers."""
    state_type = state["Type"]
    retriers = state.get("Retry", []) if state_type in _HANDLES_ERRORS else []
    attempts = [0] * len(retriers)
    retry_count = 0
    while True:
        run = StateRun(runtime, scope, name, state, data, language, entered, retry_count, resuming)
        try:
            return STATE_TYPES[state_type](run)
        except StatesError as error:
            decision = choose_retry(retriers, error.error, attempts, runtime.rng)
            if decision is not None:
                attempts[decision.retrier_index] += 1
                retry_count += 1
                resuming = False
                runtime.flush()
                runtime.pause(decision.delay_seconds, scope.cancellation)
                continue
            catchers = state.get("Catch", []) if state_type in _HANDLES_ERRORS else []
            index = choose_catcher(catchers, error.error)
            if index is None:
                raise
            return catch_outcome(run, catchers[index], error)


def error_output(error: StatesError) -> dict[str, str]:
    """The `{"Error", "Cause"}` object a catcher hands on."""
    return {"Error": error.error, "Cause": error.cause}


def catch_outcome(run: StateRun, catcher: dict[str, Any], error: StatesError) -> StateOutcome:
    """The output, next state and assignments of a catcher handling `error`."""
    caught = error_output(error)
    if run.language == io.JSONATA:
        states = io.jsonata_states(
            run.raw_input, run.context, error_output=caught, has_result=False
        )
        output = io.jsonata_output(catcher, states, run.variables, caught)
        return StateOutcome(
            output, catcher["Next"], io.jsonata_assign(catcher, states, run.variables)
        )
    assigned = io.jsonpath_assign(catcher, caught, run.context, run.variables)
    spec = catcher if "ResultPath" in catcher else {"ResultPath": "$"}
    output = io.result_path(spec, run.raw_input, caught)
    return StateOutcome(output, catcher["Next"], assigned)
