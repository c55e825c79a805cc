"""One visit of one state: its input, context object, variables and where its events go."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sluice.stepfunctions.runtime.context import context_object
from sluice.stepfunctions.runtime.scope import Scope

if TYPE_CHECKING:
    from sluice.stepfunctions.runtime.execution import ExecutionRuntime


@dataclass
class StateOutcome:
    """What a state produced: its output, the next state (None at the end), its assignments.

    `output_json` is the output serialised, once the executor has done it for the history.
    """

    output: Any
    next_state: str | None
    assigned: dict[str, Any] = field(default_factory=dict)
    output_json: str | None = None


def next_state(state: dict[str, Any]) -> str | None:
    """The state after this one: its `Next`, or None when it ends the scope."""
    return state.get("Next")


class StateRun:
    """One attempt at running a state, with everything its type module needs."""

    def __init__(
        self,
        runtime: ExecutionRuntime,
        scope: Scope,
        name: str,
        state: dict[str, Any],
        raw_input: Any,
        language: str,
        entered_time: datetime,
        retry_count: int = 0,
        resuming: bool = False,
        inspection: dict[str, Any] | None = None,
        context_override: dict[str, Any] | None = None,
    ) -> None:
        self.runtime = runtime
        self.scope = scope
        self.name = name
        self.state = state
        self.raw_input = raw_input
        self.language = language
        self.entered_time = entered_time
        self.retry_count = retry_count
        self.resuming = resuming
        self.inspection = inspection
        self.task_token: str | None = None
        self._context_override = context_override
        self._context: dict[str, Any] | None = None

    @property
    def context(self) -> dict[str, Any]:
        """The context object of this visit."""
        if self._context is None:
            self._context = context_object(
                self.runtime.info,
                self.name,
                self.entered_time,
                self.retry_count,
                self.task_token,
                self.scope.map_item,
            )
            if self._context_override:
                self._context = _merged(self._context, self._context_override)
        return self._context

    def set_task_token(self, token: str) -> None:
        """Expose a task token as `$$.Task.Token`."""
        self.task_token = token
        self._context = None

    @property
    def variables(self) -> dict[str, Any]:
        """The workflow variables this state can read."""
        return self.scope.visible_variables

    def event(
        self, event_type: str, details_key: str | None = None, details: dict[str, Any] | None = None
    ) -> int:
        """Record a history event in this state's scope."""
        return self.scope.cursor.add(event_type, details_key, details)

    def inspect(self, key: str, value: Any) -> None:
        """Note an intermediate value for TestState's inspection data."""
        if self.inspection is not None:
            self.inspection[key] = value


def _merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`base` with `override`'s members laid over it, objects merged recursively."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged
