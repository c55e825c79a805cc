"""The context object (`$$` in JSONPath, `$states.context` in JSONata) of a running state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


def iso_time(value: datetime) -> str:
    """Format a time as Step Functions does in the context object (`2024-01-01T00:00:00.000Z`)."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


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


def context_object(
    info: ExecutionInfo,
    state_name: str,
    entered_time: datetime,
    retry_count: int,
    task_token: str | None = None,
    map_item: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the context object of one state visit."""
    execution: dict[str, Any] = {
        "Id": info.arn,
        "Input": info.input,
        "Name": info.name,
        "RoleArn": info.role_arn,
        "StartTime": iso_time(info.start_time),
        "RedriveCount": info.redrive_count,
    }
    if info.redrive_time is not None:
        execution["RedriveTime"] = iso_time(info.redrive_time)
    context: dict[str, Any] = {
        "Execution": execution,
        "State": {
            "EnteredTime": iso_time(entered_time),
            "Name": state_name,
            "RetryCount": retry_count,
        },
        "StateMachine": {"Id": info.state_machine_arn, "Name": info.state_machine_name},
    }
    if task_token is not None:
        context["Task"] = {"Token": task_token}
    if map_item is not None:
        context["Map"] = {"Item": map_item}
    return context
