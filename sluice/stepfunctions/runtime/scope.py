"""A scope of states: the execution, a Map iteration or a Parallel branch, with its variables."""

from __future__ import annotations

from typing import Any

from sluice.stepfunctions.runtime.control import Cancellation
from sluice.stepfunctions.runtime.history import EventCursor


class Scope:
    """Where states run: its checkpoint key, variables, history cursor and cancellation.

    Variables of enclosing scopes are visible read-only; assignments land in this scope's own.
    """

    def __init__(
        self,
        key: str,
        cursor: EventCursor,
        cancellation: Cancellation,
        query_language: str,
        outer_variables: dict[str, Any] | None = None,
        variables: dict[str, Any] | None = None,
        map_item: dict[str, Any] | None = None,
    ) -> None:
        self.key = key
        self.cursor = cursor
        self.cancellation = cancellation
        self.query_language = query_language
        self.map_item = map_item
        self._outer = outer_variables or {}
        self.variables: dict[str, Any] = dict(variables or {})
        self._visible = {**self._outer, **self.variables}

    @property
    def visible_variables(self) -> dict[str, Any]:
        """The variables states in this scope can read."""
        return self._visible

    def assign(self, values: dict[str, Any]) -> None:
        """Set variables of this scope (a new dict, so checkpoints holding the old one keep it)."""
        if values:
            self.variables = {**self.variables, **values}
            self._visible = {**self._outer, **self.variables}

    def reset_variables(self, variables: dict[str, Any]) -> None:
        """Replace this scope's own variables (when resuming from a checkpoint)."""
        self.variables = dict(variables)
        self._visible = {**self._outer, **self.variables}

    def child(
        self,
        key: str,
        query_language: str,
        cancellation: Cancellation,
        last_event_id: int,
        map_item: dict[str, Any] | None = None,
    ) -> Scope:
        """Return a nested scope that sees this scope's variables."""
        return Scope(
            key=key,
            cursor=EventCursor(self.cursor.recorder, last_event_id),
            cancellation=cancellation,
            query_language=query_language,
            outer_variables=self._visible,
            map_item=map_item,
        )
