"""sluice's Step Functions engine as a conformance engine, on a virtual clock.

The service runs in-process with a `VirtualClock`, so Wait states and retry intervals cost no
wall time, and `waited_seconds` is the virtual time the run used. Lambda invocations go to the
case's `FunctionRegistry`; every other integration reaches the moto mock the case's resources
were created in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto import mock_aws

from sluice.clock import VirtualClock
from sluice.stepfunctions.errors import ServiceError
from sluice.stepfunctions.integrations import Integrations, LambdaFunctionError
from sluice.stepfunctions.service import StepFunctionsService

from .case import ACCOUNT, REGION, ROLE_ARN
from .lambdas import FunctionRegistry, LambdaError
from .runner import ApiRefused


class SluiceEngine:
    """The conformance `Engine` protocol over `StepFunctionsService`."""

    def __init__(self) -> None:
        self.clock = VirtualClock()
        self._service: StepFunctionsService | None = None
        self._registry: FunctionRegistry | None = None

    @property
    def service(self) -> StepFunctionsService:
        """The service under test (built by `serve`)."""
        if self._service is None:
            raise LookupError("the engine is not serving any functions yet")
        return self._service

    def serve(self, registry: FunctionRegistry) -> None:
        """Build the service with `registry` as its Lambda invoker."""
        self._registry = registry
        self._service = StepFunctionsService(
            clock=self.clock,
            integrations=Integrations(lambda_invoker=self._invoke),
            region=REGION,
            account_id=ACCOUNT,
        )

    def _invoke(self, function_name: str, payload: Any) -> Any:
        """Invoke a registry function, reporting its error as Lambda reports unhandled errors."""
        if self._registry is None:
            raise LookupError("no functions are being served")
        try:
            return self._registry.invoke(function_name, payload)
        except LambdaError as error:
            raise LambdaFunctionError(error.error_type, error.error_message) from error

    def pass_time(self, seconds: float) -> None:
        """Advance the virtual clock."""
        self.clock.advance(seconds)

    def waited_seconds(self) -> float:
        """Return the virtual seconds the run used."""
        return self.clock.monotonic()

    def create_state_machine(self, name: str, definition: str) -> str:
        """CreateStateMachine on the service."""
        request = {"name": name, "definition": definition, "roleArn": ROLE_ARN}
        return self._call("create_state_machine", request)["stateMachineArn"]

    def start_execution(self, state_machine_arn: str, name: str, input_text: str) -> str:
        """StartExecution on the service."""
        request = {"stateMachineArn": state_machine_arn, "name": name, "input": input_text}
        return self._call("start_execution", request)["executionArn"]

    def await_execution(self, execution_arn: str, timeout: float) -> dict[str, Any]:
        """Wait (bounded) for the execution to close and return its description."""
        description = self.service.wait_for_execution(execution_arn, timeout)
        if description["status"] == "RUNNING":
            raise TimeoutError(f"{execution_arn} still RUNNING after {timeout} s on sluice")
        return description

    def state_transitions(self, execution_arn: str) -> int:
        """Return how many states the execution entered (what AWS bills as transitions)."""
        request = {"executionArn": execution_arn, "maxResults": 1000}
        events = self._call("get_execution_history", request)["events"]
        return sum(1 for event in events if event["type"].endswith("StateEntered"))

    def redrive_execution(self, execution_arn: str) -> None:
        """RedriveExecution on the service."""
        self._call("redrive_execution", {"executionArn": execution_arn})

    def send_task_success(self, token: str, output: str) -> None:
        """SendTaskSuccess on the service."""
        self._call("send_task_success", {"taskToken": token, "output": output})

    def send_task_failure(self, token: str, error: str, cause: str) -> None:
        """SendTaskFailure on the service."""
        self._call("send_task_failure", {"taskToken": token, "error": error, "cause": cause})

    def send_task_heartbeat(self, token: str) -> None:
        """SendTaskHeartbeat on the service."""
        self._call("send_task_heartbeat", {"taskToken": token})

    def _call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        """Call a service operation, turning its ServiceError into ApiRefused."""
        try:
            return getattr(self.service, operation)(request)
        except ServiceError as error:
            raise ApiRefused(error.code, error.message) from error


@contextmanager
def sluice_engine() -> Iterator[SluiceEngine]:
    """Yield a SluiceEngine inside a fresh `mock_aws` for the non-Lambda integrations."""
    with mock_aws():
        yield SluiceEngine()
