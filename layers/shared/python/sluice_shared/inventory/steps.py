"""Payloads the inventory state machine sends to each Lambda step, and what each returns.

JSON names are camelCase as in the state machine; Python names snake_case.
"""

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from sluice_shared.inventory.errors import StepInputInvalid
from sluice_shared.inventory.rows import InventoryLevel
from sluice_shared.inventory.storefront import MAX_LEVELS_PER_REQUEST
from sluice_shared.models.field_errors import field_errors


class StepModel(BaseModel):
    """camelCase in JSON, snake_case in Python; unknown fields ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )

    def to_json(self) -> dict[str, object]:
        """The model as the JSON object a handler returns."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class RunStep(StepModel):
    """Fields every step gets: the run's business key and, for logs, the execution ARN."""

    business_key: str = Field(min_length=1, max_length=80)
    execution_arn: str | None = None


class ValidateSnapshotInput(RunStep):
    """The payload of validate_snapshot: which object, at which ETag."""

    bucket: str = Field(min_length=1)
    key: str = Field(min_length=1)
    etag: str = Field(min_length=1)


class ValidationResult(StepModel):
    """What validate_snapshot returns: counts, the decision, and where its files are."""

    rows: int
    accepted: int
    rejected: int
    rejected_percent: float
    threshold_percent: float
    over_threshold: bool
    accepted_key: str
    report_key: str


class ComputeDeltasInput(RunStep):
    """The payload of compute_deltas: the run's accepted rows."""

    bucket: str = Field(min_length=1)
    accepted_key: str = Field(min_length=1)


class DeltaResult(StepModel):
    """What compute_deltas returns."""

    changed: int
    unchanged: int
    changes_key: str


class QueueLevelsInput(RunStep):
    """The payload of queue_levels: one Map batch of changed levels (CSV values as strings)."""

    levels: list[InventoryLevel] = Field(min_length=1, max_length=MAX_LEVELS_PER_REQUEST)


class QueueResult(StepModel):
    """What queue_levels returns: how many levels its request carries."""

    queued: int


Step = TypeVar("Step", bound=RunStep)


def parse_step(model: type[Step], event: Any) -> Step:
    """`event` as `model`, or `StepInputInvalid` naming every bad field."""
    try:
        return model.model_validate(event)
    except ValidationError as error:
        problems = "; ".join(f"{item['field']}: {item['message']}" for item in field_errors(error))
        raise StepInputInvalid(f"invalid {model.__name__}: {problems}") from error
