"""Records the engine keeps: state machines, executions, history events, checkpoints, map runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class StateMachineRecord:
    """A state machine as CreateStateMachine made it."""

    arn: str
    name: str
    definition: str
    role_arn: str
    type: str
    creation_date: datetime
    update_date: datetime
    revision_id: str
    logging_configuration: dict[str, Any] = field(default_factory=dict)
    tracing_configuration: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class ExecutionRecord:
    """An execution: its identity, status, input/output and redrive counters."""

    arn: str
    state_machine_arn: str
    name: str
    status: str
    input: str
    start_date: datetime
    definition: str
    role_arn: str = ""
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    stop_date: datetime | None = None
    redrive_count: int = 0
    redrive_date: datetime | None = None
    map_run_arn: str | None = None
    parent_arn: str | None = None
    trace_header: str | None = None


@dataclass
class HistoryEvent:
    """One history event; `details` goes under `details_key` (e.g. taskScheduledEventDetails)."""

    id: int
    type: str
    timestamp: datetime
    previous_event_id: int
    details_key: str | None = None
    details: dict[str, Any] | None = None

    def to_api(self) -> dict[str, Any]:
        """Return the event as GetExecutionHistory returns it."""
        event: dict[str, Any] = {
            "timestamp": self.timestamp,
            "type": self.type,
            "id": self.id,
            "previousEventId": self.previous_event_id,
        }
        if self.details_key is not None:
            event[self.details_key] = self.details or {}
        return event


@dataclass
class ScopeCheckpoint:
    """Where a scope (the execution, a Map iteration, a Parallel branch) stands, for redrive.

    `status` is RUNNING, SUCCEEDED or FAILED; `state` is the state being run (or last run) with
    its `input` and the scope's own `variables`; `output` is the scope's result once it succeeded.
    """

    execution_arn: str
    scope: str
    status: str
    state: str | None
    input: Any
    variables: dict[str, Any]
    output: Any = None


@dataclass
class TaskTokenRecord:
    """A task token handed to a worker and what became of it."""

    token: str
    execution_arn: str
    state_name: str
    status: str
    created: datetime


@dataclass
class MapRunRecord:
    """A distributed Map run and the counts of its items and child executions."""

    arn: str
    execution_arn: str
    state_machine_arn: str
    status: str
    start_date: datetime
    max_concurrency: int
    tolerated_failure_percentage: float
    tolerated_failure_count: int
    stop_date: datetime | None = None
    redrive_count: int = 0
    redrive_date: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)
