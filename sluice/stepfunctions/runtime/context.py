"""The context object (`$$` in JSONPath, `$states.context` in JSONata) of a running state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any


def iso_time(value: datetime) -> str:
    """Format a time as Step Functions does in the context object (`2024-01-01T00:00:00.000Z`)."""
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}:"
        f"{value.second:02d}.{value.microsecond // 1000:03d}Z"
    )


@dataclass
class ExecutionInfo:
    """What the context object says about the execution and its state machine."""

    arn: str
    name: str
    state_machine_arn: str
    state_machine_name: str
    role_arn: str
    input: Any
    start_time: datetime
    redrive_count: int = 0
    redrive_time: datetime | None = None

    @cached_property
    def execution_context(self) -> dict[str, Any]:
        """`$$.Execution`, built once (context objects share it and never change it)."""
        execution: dict[str, Any] = {
            "Id": self.arn,
            "Input": self.input,
            "Name": self.name,
            "RoleArn": self.role_arn,
            "StartTime": iso_time(self.start_time),
            "RedriveCount": self.redrive_count,
        }
        if self.redrive_time is not None:
            execution["RedriveTime"] = iso_time(self.redrive_time)
        return execution

    @cached_property
    def state_machine_context(self) -> dict[str, Any]:
        """`$$.StateMachine`, built once."""
        return {"Id": self.state_machine_arn, "Name": self.state_machine_name}


def context_object(
    info: ExecutionInfo,
    state_name: str,
    entered_time: datetime,
    retry_count: int,
    task_token: str | None = None,
    map_item: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the context object of one state visit."""
    context: dict[str, Any] = {
        "Execution": info.execution_context,
        "State": {
            "EnteredTime": iso_time(entered_time),
            "Name": state_name,
            "RetryCount": retry_count,
        },
        "StateMachine": info.state_machine_context,
    }
    if task_token is not None:
        context["Task"] = {"Token": task_token}
    if map_item is not None:
        context["Map"] = {"Item": map_item}
    return context
