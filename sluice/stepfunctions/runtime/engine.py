"""What running states need from the engine around them: task tokens and child executions."""

from __future__ import annotations

from typing import Any, Protocol

from sluice.stepfunctions.records import ExecutionRecord, MapRunRecord
from sluice.stepfunctions.runtime.control import Cancellation
from sluice.stepfunctions.tokens import TaskTokenWaiter


class Engine(Protocol):
    """The services a running execution calls back into (implemented by StepFunctionsService)."""

    def run_map_run_child(
        self,
        map_run: MapRunRecord,
        child_state_machine_arn: str,
        definition: str,
        role_arn: str,
        execution_input: str,
        cancellation: Cancellation,
    ) -> ExecutionRecord:
        """Run one child execution of a distributed map run on the calling thread."""
        ...

    def redrive_map_run_child(
        self, execution_arn: str, cancellation: Cancellation
    ) -> ExecutionRecord:
        """Redrive a failed child execution of a map run on the calling thread."""
        ...

    def map_run_child_result(self, execution_arn: str) -> dict[str, Any]:
        """A closed child execution as a map run reports it (its metadata, error and cause)."""
        ...

    def issue_task_token(self, execution_arn: str, state_name: str) -> TaskTokenWaiter:
        """Create a task token whose outcome a state will wait for."""
        ...

    def release_task_token(self, waiter: TaskTokenWaiter, status: str) -> None:
        """Record that the state stopped waiting on a token (SUCCEEDED, FAILED, TIMED_OUT...)."""
        ...

    def start_child_execution(
        self, state_machine_arn: str, name: str | None, input_json: str, parent_arn: str
    ) -> dict[str, Any]:
        """Start an execution on this engine for a `states:startExecution` task."""
        ...

    def wait_child_execution(
        self, execution_arn: str, cancellation: Cancellation, wait: Any
    ) -> dict[str, Any]:
        """Wait for a child execution to close and return its DescribeExecution response."""
        ...

    def stop_child_execution(self, execution_arn: str) -> None:
        """Stop a child execution whose parent state was stopped."""
        ...
