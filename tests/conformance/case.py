"""What a conformance case is: a definition, its input, its functions and the documented result."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .lambdas import HandlerFactory

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/conformance"
BUCKET = "conformance-bucket"
EXECUTION_NAME = "conformance-run"


def function_arn(name: str) -> str:
    """Return the ARN of a conformance Lambda function."""
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def queue_url(name: str) -> str:
    """Return the URL of a conformance SQS queue."""
    return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"


def topic_arn(name: str) -> str:
    """Return the ARN of a conformance SNS topic."""
    return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"


def state_machine_arn(name: str) -> str:
    """Return the ARN of a conformance state machine."""
    return f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}"


@dataclass(frozen=True)
class Expected:
    """A run's result. `None` fields (except status/output/error/cause) are not checked.

    `api_error` is the error code of a refused CreateStateMachine or StartExecution call, with
    `api_message` its message; `calls` counts the function invocations; `waited_seconds` is
    the time the run spent in Wait states and retry intervals.
    """

    status: str | None = "SUCCEEDED"
    output: Any = None
    error: str | None = None
    cause: Any = None
    api_error: str | None = None
    api_message: Any = None
    calls: Mapping[str, int] | None = None
    waited_seconds: float | None = None

    def checked(self) -> dict[str, Any]:
        """Return the fields this expectation checks, as a dict to compare with an outcome."""
        view: dict[str, Any] = {
            "status": self.status,
            "output": self.output,
            "error": self.error,
            "cause": self.cause,
        }
        if self.api_error is not None:
            view["api_error"] = self.api_error
            view["api_message"] = self.api_message
        if self.calls is not None:
            view["calls"] = dict(self.calls)
        if self.waited_seconds is not None:
            view["waited_seconds"] = self.waited_seconds
        return view


def refused(code: str, message: Any) -> Expected:
    """The expectation that the API refuses the request with `code` and `message`."""
    return Expected(status=None, api_error=code, api_message=message)


@dataclass(frozen=True)
class Outcome:
    """What one engine did with a case."""

    status: str | None
    output: Any = None
    error: str | None = None
    cause: str | None = None
    api_error: str | None = None
    api_message: str | None = None
    calls: Mapping[str, int] = field(default_factory=dict)
    waited_seconds: float = 0.0

    def observed(self, expected: Expected) -> dict[str, Any]:
        """Return the fields `expected` checks, taken from this outcome."""
        view: dict[str, Any] = {
            "status": self.status,
            "output": self.output,
            "error": self.error,
            "cause": self.cause,
        }
        if expected.api_error is not None:
            view["api_error"] = self.api_error
            view["api_message"] = self.api_message
        if expected.calls is not None:
            view["calls"] = {name: self.calls.get(name, 0) for name in expected.calls}
        if expected.waited_seconds is not None:
            view["waited_seconds"] = self.waited_seconds
        return view


@dataclass(frozen=True)
class Divergence:
    """moto's parser differs from AWS's documentation here: what moto does, why it is wrong."""

    reason: str
    doc: str
    moto: Expected


@dataclass(frozen=True)
class Resources:
    """AWS resources a case needs, created in the moto mock before the run.

    Tables have a string partition key `pk`; `objects` are keys and bodies in `BUCKET`;
    `state_machines` are created on the engine under test before the case's own machine.
    """

    queues: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    items: Mapping[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)
    objects: Mapping[str, str] = field(default_factory=dict)
    topics: tuple[str, ...] = ()
    state_machines: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


class TaskControl(Protocol):
    """The callback API of the engine under test, as a worker holding a task token sees it."""

    def send_task_success(self, token: str, output: str) -> None:
        """Report the task's success with a JSON `output`."""
        ...

    def send_task_failure(self, token: str, error: str, cause: str) -> None:
        """Report the task's failure."""
        ...

    def send_task_heartbeat(self, token: str) -> None:
        """Report that the task is still being worked on."""
        ...


@dataclass(frozen=True)
class WorkerContext:
    """What a worker thread gets: the engine's callback API, boto3 clients and the run's time."""

    control: TaskControl
    sqs: Any
    pass_time: Callable[[float], None]
    stopped: Callable[[], bool]


Worker = Callable[[WorkerContext], None]


@dataclass(frozen=True)
class Case:
    """One conformance case.

    `expected` is AWS's documented result, backed by `doc`. `divergence` records where moto's
    parser differs (its test then asserts moto's recorded behaviour, so a fixed moto is
    noticed); `moto_unsupported` says why the case runs on sluice alone. With `redrive`, the
    first run must end as `redrive` says, the faults are then fixed, the execution is redriven
    and `expected` is the result after the redrive.
    """

    name: str
    definition: Mapping[str, Any] | str
    expected: Expected
    doc: str
    input: Any = field(default_factory=dict)
    raw_input: str | None = None
    lambdas: Mapping[str, HandlerFactory] = field(default_factory=dict)
    resources: Resources = field(default_factory=Resources)
    worker: Worker | None = None
    redrive: Expected | None = None
    divergence: Divergence | None = None
    moto_unsupported: str | None = None

    def definition_text(self) -> str:
        """Return the definition as the JSON text sent to CreateStateMachine."""
        if isinstance(self.definition, str):
            return self.definition
        return json.dumps(self.definition)

    def input_text(self) -> str:
        """Return the execution input as the JSON text sent to StartExecution."""
        if self.raw_input is not None:
            return self.raw_input
        return json.dumps(self.input)
