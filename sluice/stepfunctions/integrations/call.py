"""One call of a task integration: the resource, its arguments and the engine around it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.integrations.clients import Integrations
from sluice.stepfunctions.integrations.resources import TaskResource
from sluice.stepfunctions.runtime.control import Cancellation

if TYPE_CHECKING:
    from sluice.stepfunctions.runtime.engine import Engine


@dataclass
class TaskCall:
    """What an integration needs to run one Task attempt."""

    resource: TaskResource
    arguments: Any
    integrations: Integrations
    engine: Engine
    execution_arn: str
    cancellation: Cancellation
    wait: Callable[[threading.Event, float | None], bool]

    @property
    def region(self) -> str:
        """The region the resource lives in."""
        return self.resource.region

    def argument_object(self) -> dict[str, Any]:
        """The arguments as an object (service integrations take named members)."""
        if not isinstance(self.arguments, dict):
            raise StatesError(
                "States.Runtime", f"The parameters of '{self.resource.arn}' must be an object"
            )
        return self.arguments
