"""The storefront's inventory operation, performed by the storefront dispatcher.

`inventory.setLevels` sets up to 250 SKUs' available quantities in one
`POST /inventory-levels` request, so the storefront's rate limit (requests per second)
is spent on 250 levels at a time.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sluice_shared.dispatch.envelope import RequestEnvelope
from sluice_shared.dispatch.errors import RequestInvalid
from sluice_shared.inventory.rows import InventoryLevel
from sluice_shared.models.field_errors import field_errors
from sluice_shared.providers.client import ProviderClient

PROVIDER = "storefront"
SET_LEVELS = "inventory.setLevels"
MAX_LEVELS_PER_REQUEST = 250


class SetLevelsPayload(BaseModel):
    """The payload of `inventory.setLevels`: `{"levels": [{"sku", "available"}, ...]}`."""

    model_config = ConfigDict(frozen=True)

    levels: list[InventoryLevel] = Field(min_length=1, max_length=MAX_LEVELS_PER_REQUEST)


def set_levels_payload(levels: list[InventoryLevel]) -> dict[str, Any]:
    """The JSON payload for `levels`."""
    return SetLevelsPayload(levels=levels).model_dump(mode="json")


def _payload(request: RequestEnvelope) -> SetLevelsPayload:
    """The request's payload, or `RequestInvalid` naming the bad fields."""
    try:
        return SetLevelsPayload.model_validate(request.payload)
    except ValidationError as error:
        problems = "; ".join(f"{item['field']}: {item['message']}" for item in field_errors(error))
        raise RequestInvalid(f"invalid {SET_LEVELS} payload: {problems}") from error


def set_levels(client: ProviderClient, request: RequestEnvelope) -> dict[str, Any]:
    """`POST /inventory-levels` with the batch; returns how many levels the storefront set."""
    payload = _payload(request)
    answer = client.request(
        "POST",
        "/inventory-levels",
        body=payload.model_dump(mode="json"),
        idempotency_key=request.idempotency_key,
    )
    return {"updated": len(answer.get("inventoryLevels") or [])}
