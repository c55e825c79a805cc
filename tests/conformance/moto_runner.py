"""moto's Step Functions parser as a conformance engine, with Lambda routed to in-process functions.

Three small patches, active only inside `moto_engine()`:

- `LambdaBackend.invoke`: moto's Lambda backend runs functions in Docker. The parser calls
  Lambda through a boto3 client that moto intercepts and hands to this one backend method
  (for both a bare function ARN and `arn:aws:states:::lambda:invoke`), so replacing it routes
  every invocation to the case's `FunctionRegistry`; an unhandled error is answered the way
  Lambda answers it: the `X-Amz-Function-Error: Unhandled` header and the error document.
- `RetrierDecl` sleeps with `time.sleep(interval)` and `WaitFunction._wait_interval` blocks
  on an event for the Wait state's seconds; both are replaced by a recorder, so retry
  intervals and Wait states cost no wall time and the run reports the seconds they asked for.
  (TimeoutSeconds and HeartbeatSeconds still use wall time: cases keep them at 1 second.)

One quirk of moto's API layer (not its interpreter) is undone when reading results:
DescribeExecution returns an execution output that is a JSON string without its quotes
(`yes` for the result `"yes"`), so such an output is quoted again before it is parsed.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any
from unittest import mock

from botocore.exceptions import ClientError
from moto import mock_aws
from moto.awslambda.models import LambdaBackend
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import (
    WaitFunction,
)

from .case import ROLE_ARN
from .lambdas import FunctionRegistry, LambdaError
from .resources import client
from .runner import ApiRefused

MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}}
_POLL_SECONDS = 0.002


class _VirtualWaits:
    """Records the seconds moto's Wait states and retriers ask to sleep, without sleeping."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._lock = threading.Lock()

    def record(self, seconds: float) -> None:
        """Add `seconds` (negative waits, e.g. past timestamps, count as zero)."""
        with self._lock:
            self.seconds += max(seconds, 0.0)


class MotoEngine:
    """The conformance `Engine` protocol over moto's parser, reached through boto3."""

    def __init__(self, waits: _VirtualWaits) -> None:
        self.registry: FunctionRegistry | None = None
        self._waits = waits
        self._sfn = client("stepfunctions")

    def serve(self, registry: FunctionRegistry) -> None:
        """Route Lambda invocations to `registry`."""
        self.registry = registry

    def invoke(self, function_name: str, body: Any, response_headers: dict[str, str]) -> bytes:
        """Answer one Lambda Invoke call as Lambda would, from the registry's function."""
        if self.registry is None:
            raise LookupError("no functions are being served")
        event = json.loads(body) if body else {}
        try:
            result = self.registry.invoke(function_name, event)
        except LambdaError as error:
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps(error.payload()).encode()
        return json.dumps(result).encode()

    def pass_time(self, seconds: float) -> None:
        """Do nothing: on moto, wall time passes while a function or worker blocks."""

    def waited_seconds(self) -> float:
        """Return the seconds Wait states and retriers asked for."""
        return self._waits.seconds

    def create_state_machine(self, name: str, definition: str) -> str:
        """Create a state machine on moto."""
        try:
            response = self._sfn.create_state_machine(
                name=name, definition=definition, roleArn=ROLE_ARN
            )
        except ClientError as error:
            raise _refusal(error) from error
        return response["stateMachineArn"]

    def start_execution(self, state_machine_arn: str, name: str, input_text: str) -> str:
        """Start an execution on moto."""
        try:
            response = self._sfn.start_execution(
                stateMachineArn=state_machine_arn, name=name, input=input_text
            )
        except ClientError as error:
            raise _refusal(error) from error
        return response["executionArn"]

    def await_execution(self, execution_arn: str, timeout: float) -> dict[str, Any]:
        """Poll DescribeExecution until the execution is no longer RUNNING, up to `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            description = self._sfn.describe_execution(executionArn=execution_arn)
            if description["status"] != "RUNNING":
                return _quote_bare_string_output(description)
            if time.monotonic() > deadline:
                raise TimeoutError(f"{execution_arn} still RUNNING after {timeout} s on moto")
            time.sleep(_POLL_SECONDS)

    def state_transitions(self, execution_arn: str) -> int:
        """Return how many states the execution entered (what AWS bills as transitions)."""
        events = self._sfn.get_execution_history(executionArn=execution_arn)["events"]
        return sum(1 for event in events if event["type"].endswith("StateEntered"))

    def redrive_execution(self, execution_arn: str) -> None:
        """Redrive on moto (which, at 5.2, does not implement RedriveExecution)."""
        self._sfn.redrive_execution(executionArn=execution_arn)

    def send_task_success(self, token: str, output: str) -> None:
        """SendTaskSuccess on moto."""
        self._sfn.send_task_success(taskToken=token, output=output)

    def send_task_failure(self, token: str, error: str, cause: str) -> None:
        """SendTaskFailure on moto."""
        self._sfn.send_task_failure(taskToken=token, error=error, cause=cause)

    def send_task_heartbeat(self, token: str) -> None:
        """SendTaskHeartbeat on moto."""
        self._sfn.send_task_heartbeat(taskToken=token)


def _quote_bare_string_output(description: dict[str, Any]) -> dict[str, Any]:
    """Return `description` with a bare-string output (moto's quirk) turned into JSON text."""
    output = description.get("output")
    if output is None:
        return description
    try:
        json.loads(output)
    except ValueError:
        return {**description, "output": json.dumps(output)}
    return description


def _refusal(error: ClientError) -> ApiRefused:
    """Return the ApiRefused for a boto3 ClientError."""
    details = error.response.get("Error", {})
    return ApiRefused(details.get("Code", ""), details.get("Message", ""))


@contextmanager
def moto_engine() -> Iterator[MotoEngine]:
    """Yield a MotoEngine inside a fresh `mock_aws` with the Lambda and sleep patches applied."""
    waits = _VirtualWaits()
    engines: list[MotoEngine] = []

    def invoke(
        backend: LambdaBackend,
        function_name: str,
        qualifier: str | None,
        body: Any,
        headers: Any,
        response_headers: dict[str, str],
    ) -> bytes:
        return engines[0].invoke(function_name, body, response_headers)

    def wait_interval(function: WaitFunction, env: Any, wait_seconds: int) -> None:
        waits.record(wait_seconds)

    virtual_time = SimpleNamespace(sleep=waits.record)
    with (
        mock.patch.object(LambdaBackend, "invoke", invoke),
        mock.patch.object(retrier_decl, "time", virtual_time),
        mock.patch.object(WaitFunction, "_wait_interval", wait_interval),
        mock_aws(config=MOTO_CONFIG),
    ):
        engines.append(MotoEngine(waits))
        yield engines[0]
