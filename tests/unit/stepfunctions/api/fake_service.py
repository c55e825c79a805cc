"""A small test double of the Step Functions service, to test the protocol layer on its own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sluice.stepfunctions.errors import ExecutionAlreadyExists, ExecutionDoesNotExist

START_DATE = datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=UTC)
STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:orders"


class FakeStepFunctionsService:
    """Answers StartExecution, DescribeExecution and ListStateMachines from a dict, records calls.

    A name already used raises ExecutionAlreadyExists; an unknown ARN raises
    ExecutionDoesNotExist; a `name` of "explode" raises a bug-like RuntimeError.
    """

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.executions: dict[str, dict[str, Any]] = {}

    def start_execution(self, request: dict[str, Any]) -> dict[str, Any]:
        """Record an execution under its name and return its ARN and start date."""
        self.requests.append(("start_execution", request))
        name = request.get("name", "generated")
        if name == "explode":
            raise RuntimeError("the engine tripped over itself")
        arn = f"{request['stateMachineArn'].replace(':stateMachine:', ':execution:')}:{name}"
        if arn in self.executions:
            raise ExecutionAlreadyExists(f"Execution Already Exists: '{arn}'")
        self.executions[arn] = {
            "executionArn": arn,
            "stateMachineArn": request["stateMachineArn"],
            "name": name,
            "status": "RUNNING",
            "startDate": START_DATE,
            "stopDate": None,
            "input": request.get("input", "{}"),
        }
        return {"executionArn": arn, "startDate": START_DATE}

    def describe_execution(self, request: dict[str, Any]) -> dict[str, Any]:
        """Return a recorded execution, or raise ExecutionDoesNotExist."""
        self.requests.append(("describe_execution", request))
        arn = request["executionArn"]
        if arn not in self.executions:
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{arn}'")
        return self.executions[arn]

    def list_state_machines(self, request: dict[str, Any]) -> dict[str, Any]:
        """Return one state machine."""
        self.requests.append(("list_state_machines", request))
        return {
            "stateMachines": [
                {
                    "stateMachineArn": STATE_MACHINE_ARN,
                    "name": "orders",
                    "type": "STANDARD",
                    "creationDate": START_DATE,
                }
            ]
        }
