"""Parse a step's payload; an order that does not fit the model is an `OrderInvalid`."""

from typing import Any, TypeVar

from pydantic import ValidationError

from sluice_shared.models.field_errors import field_errors
from sluice_shared.models.steps import OrderStepInput
from sluice_shared.orders.errors import OrderInvalid

StepInput = TypeVar("StepInput", bound=OrderStepInput)


def parse_step_input(model: type[StepInput], event: Any) -> StepInput:
    """`event` as `model`, or `OrderInvalid` naming every bad field."""
    try:
        return model.model_validate(event)
    except ValidationError as error:
        business_key = event.get("businessKey") if isinstance(event, dict) else None
        problems = [f"{item['field']}: {item['message']}" for item in field_errors(error)]
        raise OrderInvalid(business_key, problems) from error
