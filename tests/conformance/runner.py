"""Runs one case on an engine (moto's parser or sluice) and reports what happened as an Outcome."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from .case import EXECUTION_NAME, Case, Outcome, WorkerContext
from .lambdas import FunctionRegistry
from .resources import client, create_resources

RUN_TIMEOUT_SECONDS = 15.0
_WORKER_JOIN_SECONDS = 5.0


class ApiRefused(Exception):
    """The engine's API refused a request with an AWS error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Engine(Protocol):
    """One engine's Step Functions API, reduced to what a conformance run needs."""

    def serve(self, registry: FunctionRegistry) -> None:
        """Route the engine's Lambda invocations to `registry`'s functions."""
        ...

    def pass_time(self, seconds: float) -> None:
        """Let `seconds` pass in the engine's time (no-op where wall time passes anyway)."""
        ...

    def waited_seconds(self) -> float:
        """Return the time the run spent in Wait states and retry intervals."""
        ...

    def create_state_machine(self, name: str, definition: str) -> str:
        """Create a standard state machine and return its ARN (raise ApiRefused)."""
        ...

    def start_execution(self, state_machine_arn: str, name: str, input_text: str) -> str:
        """Start an execution and return its ARN (raise ApiRefused)."""
        ...

    def await_execution(self, execution_arn: str, timeout: float) -> dict[str, Any]:
        """Wait until the execution is not RUNNING; return its DescribeExecution response."""
        ...

    def state_transitions(self, execution_arn: str) -> int:
        """Return how many states the execution entered (what AWS bills as transitions)."""
        ...

    def redrive_execution(self, execution_arn: str) -> None:
        """Redrive a failed execution (raise ApiRefused)."""
        ...

    def send_task_success(self, token: str, output: str) -> None:
        """Report a task token's success."""
        ...

    def send_task_failure(self, token: str, error: str, cause: str) -> None:
        """Report a task token's failure."""
        ...

    def send_task_heartbeat(self, token: str) -> None:
        """Report a task token's heartbeat."""
        ...


EngineOpener = Callable[[], AbstractContextManager[Engine]]


def _outcome(description: dict[str, Any], registry: FunctionRegistry, engine: Engine) -> Outcome:
    """Return the Outcome of a finished execution's DescribeExecution response."""
    output = description.get("output")
    return Outcome(
        status=description["status"],
        output=None if output is None else json.loads(output),
        error=description.get("error"),
        cause=description.get("cause"),
        calls=dict(registry.calls),
        waited_seconds=engine.waited_seconds(),
    )


def _start_worker(case: Case, engine: Engine, stop: threading.Event) -> threading.Thread | None:
    """Start the case's worker thread, if it has one."""
    if case.worker is None:
        return None
    context = WorkerContext(
        control=engine, sqs=client("sqs"), pass_time=engine.pass_time, stopped=stop.is_set
    )
    thread = threading.Thread(target=case.worker, args=(context,), daemon=True)
    thread.start()
    return thread


def _execute(
    case: Case, engine: Engine, registry: FunctionRegistry
) -> tuple[Outcome, Outcome | None]:
    """Create the machines, run the case (and its redrive); return the final and first outcomes."""
    for name, definition in case.resources.state_machines.items():
        engine.create_state_machine(name, json.dumps(definition))
    try:
        machine_arn = engine.create_state_machine("conformance", case.definition_text())
        execution_arn = engine.start_execution(machine_arn, EXECUTION_NAME, case.input_text())
    except ApiRefused as refusal:
        return (
            Outcome(status=None, api_error=refusal.code, api_message=refusal.message),
            None,
        )
    first = _outcome(engine.await_execution(execution_arn, RUN_TIMEOUT_SECONDS), registry, engine)
    if case.redrive is None:
        return first, None
    registry.fixed = True
    engine.redrive_execution(execution_arn)
    final = _outcome(engine.await_execution(execution_arn, RUN_TIMEOUT_SECONDS), registry, engine)
    return final, first


def run_case(case: Case, open_engine: EngineOpener) -> tuple[Outcome, Outcome | None]:
    """Run `case` on a fresh engine; return its final outcome and, for redrive cases, the first."""
    with open_engine() as engine:
        registry = FunctionRegistry(case.lambdas, engine.pass_time)
        engine.serve(registry)
        create_resources(case.resources)
        stop = threading.Event()
        worker = _start_worker(case, engine, stop)
        try:
            return _execute(case, engine, registry)
        finally:
            stop.set()
            registry.release()
            if worker is not None:
                worker.join(_WORKER_JOIN_SECONDS)
