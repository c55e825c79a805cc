"""The Task state: calls an integration (request-response, `.sync` or `.waitForTaskToken`).

https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
"""

from __future__ import annotations

import json
from typing import Any

from sluice.stepfunctions.asl.paths import evaluate_path, to_json
from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.integrations.call import TaskCall
from sluice.stepfunctions.integrations.errors import LambdaFunctionError
from sluice.stepfunctions.integrations.resources import (
    WAIT_FOR_TASK_TOKEN,
    TaskResource,
    parse_resource,
)
from sluice.stepfunctions.runtime import processing as io
from sluice.stepfunctions.runtime.limits import check_state_output, check_task_parameters
from sluice.stepfunctions.runtime.retry import HEARTBEAT_TIMEOUT, TIMEOUT
from sluice.stepfunctions.runtime.state_run import StateOutcome, StateRun, next_state
from sluice.stepfunctions.tokens import TaskTokenWaiter

_TRUNCATED = {"truncated": False}


def run(run: StateRun) -> StateOutcome:
    """Run one attempt of a Task state."""
    state = run.state
    resource = parse_resource(state["Resource"], run.runtime.region)
    waiter: TaskTokenWaiter | None = None
    if resource.pattern == WAIT_FOR_TASK_TOKEN:
        waiter = run.runtime.engine.issue_task_token(run.runtime.info.arn, run.name)
        run.set_task_token(waiter.token)
    try:
        if run.language == io.JSONATA:
            states = io.jsonata_states(run.raw_input, run.context, has_result=False)
            arguments = io.jsonata(state.get("Arguments", run.raw_input), states, run.variables)
            run.inspect("afterArguments", arguments)
            timeout = _jsonata_seconds(run, states, "TimeoutSeconds")
            heartbeat = _jsonata_seconds(run, states, "HeartbeatSeconds")
        else:
            effective = io.input_path(state, run.raw_input, run.context, run.variables)
            run.inspect("afterInputPath", effective)
            arguments = effective
            if "Parameters" in state:
                arguments = io.payload(state["Parameters"], effective, run.context, run.variables)
                run.inspect("afterParameters", arguments)
            timeout = _jsonpath_seconds(run, effective, "TimeoutSeconds")
            heartbeat = _jsonpath_seconds(run, effective, "HeartbeatSeconds")
        result = _invoke(run, resource, arguments, timeout, heartbeat, waiter)
    finally:
        if waiter is not None and not waiter.released:
            run.runtime.engine.release_task_token(waiter, "ABORTED")
    return process_result(run, result)


def process_result(run: StateRun, result: Any) -> StateOutcome:
    """Turn a Task's (or a mock's) result into the state's output and assignments."""
    state = run.state
    run.inspect("result", result)
    if run.language == io.JSONATA:
        states = io.jsonata_states(run.raw_input, run.context, result, has_result=True)
        output = io.jsonata_output(state, states, run.variables, result)
        return StateOutcome(
            output, next_state(state), io.jsonata_assign(state, states, run.variables)
        )
    assigned = io.jsonpath_assign(state, result, run.context, run.variables)
    selected = result
    if "ResultSelector" in state:
        selected = io.payload(state["ResultSelector"], result, run.context, run.variables)
        run.inspect("afterResultSelector", selected)
    merged = io.result_path(state, run.raw_input, selected)
    run.inspect("afterResultPath", merged)
    output = io.output_path(state, merged, run.context, run.variables)
    return StateOutcome(output, next_state(state), assigned)


def _positive_seconds(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise StatesError("States.Runtime", f"The {name} value must be a positive integer: {value}")
    return value


def _jsonpath_seconds(run: StateRun, data: Any, name: str) -> int | None:
    if f"{name}Path" in run.state:
        value = evaluate_path(run.state[f"{name}Path"], data, run.context, run.variables)
        return _positive_seconds(name, value)
    if name in run.state:
        return _positive_seconds(name, run.state[name])
    return None


def _jsonata_seconds(run: StateRun, states: dict[str, Any], name: str) -> int | None:
    if name not in run.state:
        return None
    return _positive_seconds(name, io.jsonata(run.state[name], states, run.variables))


def _schedule(
    run: StateRun,
    resource: TaskResource,
    arguments: Any,
    timeout: int | None,
    heartbeat: int | None,
) -> None:
    arguments_json = to_json(arguments)
    check_task_parameters(run.name, arguments_json)
    if resource.is_lambda_function:
        details: dict[str, Any] = {
            "resource": resource.arn,
            "input": arguments_json,
            "inputDetails": _TRUNCATED,
        }
        if timeout is not None:
            details["timeoutInSeconds"] = timeout
        run.event("LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", details)
        run.event("LambdaFunctionStarted")
        return
    details = {
        "resourceType": resource.resource_type,
        "resource": resource.resource,
        "region": resource.region,
        "parameters": arguments_json,
    }
    if timeout is not None:
        details["timeoutInSeconds"] = timeout
    if heartbeat is not None:
        details["heartbeatInSeconds"] = heartbeat
    run.event("TaskScheduled", "taskScheduledEventDetails", details)
    run.event(
        "TaskStarted",
        "taskStartedEventDetails",
        {"resourceType": resource.resource_type, "resource": resource.resource},
    )


def _invoke(
    run: StateRun,
    resource: TaskResource,
    arguments: Any,
    timeout: int | None,
    heartbeat: int | None,
    waiter: TaskTokenWaiter | None,
) -> Any:
    runtime = run.runtime
    started = runtime.clock.monotonic()
    _schedule(run, resource, arguments, timeout, heartbeat)
    runtime.flush()
    call = TaskCall(
        resource=resource,
        arguments=arguments,
        integrations=runtime.integrations,
        engine=runtime.engine,
        execution_arn=runtime.info.arn,
        cancellation=run.scope.cancellation,
        wait=lambda event, seconds: runtime.wait(event, seconds, run.scope.cancellation),
    )
    deadline = None if timeout is None else started + timeout
    try:
        result = runtime.call(lambda: runtime.task_invoker(call), deadline, run.scope.cancellation)
        if waiter is not None:
            _record(
                run, resource, "Submitted", {"output": to_json(result), "outputDetails": _TRUNCATED}
            )
            runtime.flush()
            result = _await_token(run, waiter, started, timeout, heartbeat)
        result_json = to_json(result)
        check_state_output(run.name, result_json)
    except LambdaFunctionError as failure:
        error = failure.to_states_error()
    except StatesError as failure:
        error = failure
    else:
        _record(run, resource, "Succeeded", {"output": result_json, "outputDetails": _TRUNCATED})
        return result
    outcome = "TimedOut" if error.error in (TIMEOUT, HEARTBEAT_TIMEOUT) else "Failed"
    _record(run, resource, outcome, {"error": error.error, "cause": error.cause})
    raise error


def _record(run: StateRun, resource: TaskResource, outcome: str, details: dict[str, Any]) -> None:
    if resource.is_lambda_function:
        if outcome == "Submitted":
            return
        run.event(f"LambdaFunction{outcome}", f"lambdaFunction{outcome}EventDetails", details)
        return
    identity = {"resourceType": resource.resource_type, "resource": resource.resource}
    run.event(f"Task{outcome}", f"task{outcome}EventDetails", {**identity, **details})


def _await_token(
    run: StateRun,
    waiter: TaskTokenWaiter,
    started: float,
    timeout: int | None,
    heartbeat: int | None,
) -> Any:
    runtime = run.runtime
    clock = runtime.clock
    while True:
        now = clock.monotonic()
        limits = []
        if timeout is not None:
            limits.append((started + timeout - now, TIMEOUT))
        if heartbeat is not None:
            limits.append((waiter.last_heartbeat + heartbeat - now, HEARTBEAT_TIMEOUT))
        expired = [name for remaining, name in limits if remaining <= 0]
        if expired:
            runtime.engine.release_task_token(waiter, "TIMED_OUT")
            raise StatesError(expired[0], "")
        deadline = now + min(remaining for remaining, _ in limits) if limits else None
        if runtime.wait_until(waiter.event, deadline, run.scope.cancellation):
            break
    outcome = waiter.outcome
    assert outcome is not None
    runtime.engine.release_task_token(waiter, "SUCCEEDED" if outcome.succeeded else "FAILED")
    if outcome.succeeded:
        return json.loads(outcome.output or "null")
    raise StatesError(outcome.error or "", outcome.cause or "")
