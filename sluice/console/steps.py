"""An execution's steps, read from its history: each state entered and exited, and how it ended.

History events link to the event before them (`previousEventId`); a task's scheduled, started,
failed and succeeded events chain back to the state it belongs to, and so does the event that
closes the execution, which names the step it failed at. A redrive (`ExecutionRedriven`)
starts a new run of the same history; each step remembers the run it belongs to.
https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sluice.console.causes import ReadableCause, readable_cause

ENTERED = "StateEntered"
EXITED = "StateExited"
REDRIVEN = "ExecutionRedriven"
EXECUTION_FAILURES = frozenset({"ExecutionFailed", "ExecutionTimedOut"})
EXECUTION_ENDS = EXECUTION_FAILURES | {"ExecutionSucceeded", "ExecutionAborted"}


class Outcome(StrEnum):
    """How a step ended, as the page labels it."""

    SUCCEEDED = "succeeded"
    CAUGHT = "caught"
    FAILED = "failed"
    RUNNING = "running"
    STOPPED = "stopped"


@dataclass(frozen=True)
class Failure:
    """One failed attempt of a step: the event that said so, the error and its cause."""

    event_type: str
    error: str
    cause: ReadableCause


@dataclass
class Step:
    """One state the execution entered: when, with what, and how it ended."""

    name: str
    state_type: str
    run: int
    entered: datetime
    input: str | None
    exited: datetime | None = None
    output: str | None = None
    attempts: int = 0
    failures: list[Failure] = field(default_factory=list)
    outcome: Outcome = Outcome.RUNNING
    last_attempt_failed: bool = False


@dataclass(frozen=True)
class Timeline:
    """The steps of every run, oldest first, and when each redrive (run 1, 2, ...) began."""

    steps: list[Step]
    redrives: dict[int, datetime]

    def failed_step(self) -> Step | None:
        """The step the execution's latest run failed at, if it failed at one."""
        latest = max((step.run for step in self.steps), default=0)
        failed = [s for s in self.steps if s.run == latest and s.outcome is Outcome.FAILED]
        return failed[-1] if failed else None


def timeline(events: Iterable[Mapping[str, Any]]) -> Timeline:
    """Build the steps of an execution from its history events (oldest first)."""
    builder = _TimelineBuilder()
    for event in events:
        builder.add(event)
    return Timeline(builder.steps, builder.redrives)


class _TimelineBuilder:
    """Follows the history event by event, keeping the steps still open."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.redrives: dict[int, datetime] = {}
        self._run = 0
        self._open: list[Step] = []
        self._owners: dict[int, Step] = {}

    def add(self, event: Mapping[str, Any]) -> None:
        """Account for one event."""
        kind = str(event["type"])
        details = _details(event)
        if kind.endswith(ENTERED):
            self._enter(event, kind, details)
        elif kind.endswith(EXITED):
            self._exit(event, details)
        elif kind == REDRIVEN:
            self._run += 1
            self.redrives[self._run] = event["timestamp"]
        elif kind in EXECUTION_ENDS:
            self._end(event, kind, details)
        else:
            self._attempt(event, kind, details)

    def _enter(self, event: Mapping[str, Any], kind: str, details: Mapping[str, Any]) -> None:
        step = Step(
            name=str(details.get("name", "")),
            state_type=kind.removesuffix(ENTERED),
            run=self._run,
            entered=event["timestamp"],
            input=details.get("input"),
        )
        if step.state_type == "Fail":
            step.outcome = Outcome.FAILED
        else:
            self._open.append(step)
        self.steps.append(step)
        self._owners[int(event["id"])] = step

    def _exit(self, event: Mapping[str, Any], details: Mapping[str, Any]) -> None:
        name = details.get("name")
        step = next((s for s in reversed(self._open) if s.name == name), None)
        if step is None:
            return
        self._open.remove(step)
        step.exited = event["timestamp"]
        step.output = details.get("output")
        step.outcome = Outcome.CAUGHT if step.last_attempt_failed else Outcome.SUCCEEDED
        self._owners[int(event["id"])] = step

    def _attempt(self, event: Mapping[str, Any], kind: str, details: Mapping[str, Any]) -> None:
        step = self._owner(event)
        if step is None:
            return
        self._owners[int(event["id"])] = step
        if kind.endswith("Scheduled"):
            step.attempts += 1
        if "error" in details:
            step.failures.append(_failure(kind, details))
            step.last_attempt_failed = True
        elif kind.endswith("Succeeded"):
            step.last_attempt_failed = False

    def _end(self, event: Mapping[str, Any], kind: str, details: Mapping[str, Any]) -> None:
        culprit = self._owner(event) if kind in EXECUTION_FAILURES else None
        for step in self._open:
            step.outcome = Outcome.FAILED if step is culprit else Outcome.STOPPED
        if culprit is not None and culprit.state_type == "Fail" and "error" in details:
            culprit.failures.append(_failure(kind, details))
        self._open.clear()

    def _owner(self, event: Mapping[str, Any]) -> Step | None:
        previous = event.get("previousEventId")
        return self._owners.get(int(previous)) if previous is not None else None


def _details(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The event's `...EventDetails` member (empty when it has none)."""
    return next(
        (value for key, value in event.items() if key.endswith("EventDetails")),
        {},
    )


def _failure(kind: str, details: Mapping[str, Any]) -> Failure:
    return Failure(kind, str(details.get("error", "")), readable_cause(details.get("cause")))
