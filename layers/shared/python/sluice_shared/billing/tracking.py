"""`fulfillments.create`: a shipment's tracking sent to the storefront, a dispatcher operation.

Sent by the billing workflow with `sqs:sendMessage` (nobody waits for it) on the storefront's
request queue; `POST /orders/{orderId}/fulfillments` with the request's Idempotency-Key.
"""

from typing import Annotated, Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from sluice_shared.dispatch.envelope import RequestEnvelope
from sluice_shared.dispatch.errors import RequestInvalid
from sluice_shared.models.field_errors import field_errors
from sluice_shared.providers.client import ProviderClient

STOREFRONT = "storefront"
SEND_TRACKING = "fulfillments.create"


class TrackingPayload(BaseModel):
    """The payload of `fulfillments.create`."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    order_id: Annotated[str, Field(min_length=1)]
    carrier: Annotated[str, Field(min_length=1)]
    tracking_number: Annotated[str, Field(min_length=1)]
    tracking_url: str | None = None


def _payload(request: RequestEnvelope) -> TrackingPayload:
    """The request's payload, or `RequestInvalid` naming the bad fields."""
    try:
        return TrackingPayload.model_validate(request.payload)
    except ValidationError as error:
        problems = "; ".join(f"{item['field']}: {item['message']}" for item in field_errors(error))
        raise RequestInvalid(f"invalid {SEND_TRACKING} payload: {problems}") from error


def send_tracking(client: ProviderClient, request: RequestEnvelope) -> dict[str, Any]:
    """Add the tracking number to the storefront order; the storefront's answer."""
    payload = _payload(request)
    body = {"trackingNumber": payload.tracking_number, "carrier": payload.carrier}
    if payload.tracking_url:
        body["trackingUrl"] = payload.tracking_url
    return client.request(
        "POST",
        f"/orders/{quote(payload.order_id, safe='')}/fulfillments",
        body=body,
        idempotency_key=request.idempotency_key,
    )
