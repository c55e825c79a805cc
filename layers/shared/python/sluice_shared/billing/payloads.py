"""Parse a billing step's payload; a shipment that does not fit the model is `ShipmentInvalid`."""

from typing import Any

from pydantic import ValidationError

from sluice_shared.billing.errors import ShipmentInvalid
from sluice_shared.billing.models import CaptureStepInput
from sluice_shared.models.field_errors import field_errors


def parse_capture_input(event: Any) -> CaptureStepInput:
    """`event` as the capture step's input, or `ShipmentInvalid` naming every bad field."""
    try:
        return CaptureStepInput.model_validate(event)
    except ValidationError as error:
        business_key = event.get("businessKey") if isinstance(event, dict) else None
        problems = [f"{item['field']}: {item['message']}" for item in field_errors(error)]
        raise ShipmentInvalid(business_key, problems) from error
