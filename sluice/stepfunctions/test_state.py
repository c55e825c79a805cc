"""TestState: one state run in isolation, with mocks, reporting the retry or catch it would make.

https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sluice.clock import VirtualClock
from sluice.stepfunctions.asl.paths import to_json
from sluice.stepfunctions.errors import InvalidDefinition, StatesError, ValidationException
from sluice.stepfunctions.integrations.call import TaskCall
from sluice.stepfunctions.runtime import processing as io
from sluice.stepfunctions.runtime.context import ExecutionInfo
from sluice.stepfunctions.runtime.control import Cancellation
from sluice.stepfunctions.runtime.execution import ExecutionRuntime
from sluice.stepfunctions.runtime.executor import STATE_TYPES, catch_outcome
from sluice.stepfunctions.runtime.history import EventCursor, HistoryRecorder
from sluice.stepfunctions.runtime.retry import choose_catcher, choose_retry
from sluice.stepfunctions.runtime.scope import Scope
from sluice.stepfunctions.runtime.state_run import StateOutcome, StateRun
from sluice.stepfunctions.runtime.states import task_state
from sluice.stepfunctions.tokens import TaskTokenWaiter, TokenOutcome

if TYPE_CHECKING:
    from sluice.stepfunctions.service import StepFunctionsService

_HANDLES_ERRORS = frozenset({"Task", "Parallel", "Map"})
_DETAILED_LEVELS = frozenset({"DEBUG", "TRACE"})


def _json_member(request: dict[str, Any], name: str, default: Any) -> Any:
    text = request.get(name)
    if text is None:
        return default
    try:
        return json.loads(text)
    except (TypeError, ValueError) as error:
        raise ValidationException(f"The '{name}' member is not valid JSON: {error}") from error


def _load_state(request: dict[str, Any]) -> tuple[str, dict[str, Any], str]:
    """The state to test, its name and the query language it defaults to."""
    try:
        definition = json.loads(request["definition"])
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidDefinition(f"Invalid State Machine Definition: '{error}'") from error
    if not isinstance(definition, dict):
        raise InvalidDefinition("Invalid State Machine Definition: not a JSON object")
    if "States" in definition:
        name = request.get("stateName") or definition.get("StartAt")
        if name not in definition["States"]:
            raise ValidationException(f"State '{name}' is not in the definition")
        default_language = definition.get("QueryLanguage", io.JSONPATH)
        return name, definition["States"][name], default_language
    if "Type" not in definition:
        raise InvalidDefinition("Invalid State Machine Definition: the state has no 'Type'")
    return request.get("stateName") or "TestState", definition, io.JSONPATH


class _MockEngine:
    """The engine a tested state sees: mocked task tokens, no child executions."""

    def __init__(self, service: StepFunctionsService, mock_outcome: TokenOutcome | None) -> None:
        self._service = service
        self._mock_outcome = mock_outcome

    def issue_task_token(self, execution_arn: str, state_name: str) -> TaskTokenWaiter:
        """A token already answered by the mock (or a real one when there is no mock)."""
        if self._mock_outcome is None:
            return self._service.issue_task_token(execution_arn, state_name)
        waiter = TaskTokenWaiter("mock-task-token", execution_arn, state_name, 0.0)
        waiter.outcome = self._mock_outcome
        waiter.event.set()
        return waiter

    def release_task_token(self, waiter: TaskTokenWaiter, status: str) -> None:
        """Release a real token; a mocked one needs nothing."""
        if self._mock_outcome is None:
            self._service.release_task_token(waiter, status)
        else:
            waiter.released = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._service, name)


def _mock_invoker(mock: dict[str, Any]) -> tuple[Any, TokenOutcome]:
    if "errorOutput" in mock:
        failure = mock["errorOutput"] or {}
        outcome = TokenOutcome(False, error=failure.get("error"), cause=failure.get("cause"))

        def fail(call: TaskCall) -> Any:
            raise StatesError(outcome.error or "", outcome.cause or "")

        return fail, outcome
    if "result" not in mock:
        raise ValidationException("A mock needs a 'result' or an 'errorOutput'")
    try:
        result = json.loads(mock["result"])
    except (TypeError, ValueError) as error:
        raise ValidationException(f"The mock result is not valid JSON: {error}") from error

    def succeed(call: TaskCall) -> Any:
        return result if call.resource.pattern != "waitForTaskToken" else {}

    return succeed, TokenOutcome(True, output=mock["result"])


def run_test_state(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    """Answer a TestState request."""
    name, state, default_language = _load_state(request)
    data = _json_member(request, "input", {})
    variables = _json_member(request, "variables", {})
    context = _json_member(request, "context", {})
    configuration = request.get("stateConfiguration") or {}
    level = request.get("inspectionLevel", "INFO")
    mock = request.get("mock")
    clock = VirtualClock(service.clock.now())
    arn = f"arn:aws:states:{service.region}:{service.account_id}:execution:TestState:test"
    invoker, mock_outcome = _mock_invoker(mock) if mock else (None, None)
    recorder = HistoryRecorder(None, clock, arn, 0)
    runtime = ExecutionRuntime(
        ExecutionInfo(
            arn=arn,
            name="test",
            state_machine_arn=arn.replace(":execution:TestState:test", ":stateMachine:TestState"),
            state_machine_name="TestState",
            role_arn=request.get("roleArn", ""),
            input=data,
            start_time=clock.now(),
        ),
        {},
        recorder,
        clock,
        service.integrations,
        _MockEngine(service, mock_outcome),
        service.rng,
        service.region,
    )
    if invoker is not None:
        runtime.task_invoker = invoker
    scope = Scope("", EventCursor(recorder, 0), Cancellation(), default_language, None, variables)
    inspection: dict[str, Any] = {"input": data}
    retry_count = int(configuration.get("retrierRetryCount", 0))
    run = StateRun(
        runtime,
        scope,
        name,
        state,
        data,
        io.query_language(state, default_language),
        clock.now(),
        retry_count,
        inspection=inspection,
        context_override=context,
    )
    response: dict[str, Any] = {}
    error_details: dict[str, Any] = {}
    try:
        outcome = _run(run, state, mock)
        response["status"] = "SUCCEEDED"
    except StatesError as error:
        outcome = _handle_error(run, state, error, retry_count, response, error_details)
    if outcome is not None:
        scope.assign(outcome.assigned)
        response["output"] = to_json(outcome.output)
        if outcome.next_state is not None:
            response["nextState"] = outcome.next_state
    inspection["variables"] = scope.visible_variables
    data_out = {key: to_json(value) for key, value in inspection.items()}
    if level in _DETAILED_LEVELS:
        response["inspectionData"] = data_out
    if error_details:
        response.setdefault("inspectionData", {})["errorDetails"] = error_details
    return response


def _run(run: StateRun, state: dict[str, Any], mock: dict[str, Any] | None) -> StateOutcome:
    if mock and state["Type"] in ("Map", "Parallel"):
        if "errorOutput" in mock:
            failure = mock["errorOutput"] or {}
            raise StatesError(failure.get("error") or "", failure.get("cause") or "")
        return task_state.process_result(run, json.loads(mock["result"]))
    return STATE_TYPES[state["Type"]](run)


def _handle_error(
    run: StateRun,
    state: dict[str, Any],
    error: StatesError,
    retry_count: int,
    response: dict[str, Any],
    error_details: dict[str, Any],
) -> StateOutcome | None:
    response["error"] = error.error
    response["cause"] = error.cause
    handles = state["Type"] in _HANDLES_ERRORS
    retriers = state.get("Retry", []) if handles else []
    decision = choose_retry(retriers, error.error, [retry_count] * len(retriers), run.runtime.rng)
    if decision is not None:
        response["status"] = "RETRIABLE"
        error_details["retryIndex"] = decision.retrier_index
        error_details["retryBackoffIntervalSeconds"] = round(decision.delay_seconds)
        return None
    catchers = state.get("Catch", []) if handles else []
    index = choose_catcher(catchers, error.error)
    if index is None:
        response["status"] = "FAILED"
        return None
    response["status"] = "CAUGHT_ERROR"
    error_details["catchIndex"] = index
    return catch_outcome(run, catchers[index], error)
