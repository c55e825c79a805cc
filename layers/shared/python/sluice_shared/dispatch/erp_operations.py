"""ERP operations sent through the ERP request queue."""

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from sluice_shared.dispatch.envelope import RequestEnvelope
from sluice_shared.dispatch.errors import RequestInvalid
from sluice_shared.models.field_errors import field_errors
from sluice_shared.providers.client import ProviderClient

RECORD_CUSTOMER_ORDER = "customers.recordOrder"


class CustomerOrderPayload(BaseModel):
    """The payload of `customers.recordOrder` (sent by the orders workflow)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    customer_id: str = Field(min_length=1)
    sales_order_id: str = Field(min_length=1)
    order_total: Decimal
    currency: str = Field(min_length=3, max_length=3)


def _payload(request: RequestEnvelope) -> CustomerOrderPayload:
    """The request's payload, or `RequestInvalid` naming the bad fields."""
    try:
        return CustomerOrderPayload.model_validate(request.payload)
    except ValidationError as error:
        problems = "; ".join(f"{item['field']}: {item['message']}" for item in field_errors(error))
        raise RequestInvalid(f"invalid {RECORD_CUSTOMER_ORDER} payload: {problems}") from error


def record_customer_order(client: ProviderClient, request: RequestEnvelope) -> dict[str, Any]:
    """`POST /customers/{id}/orders`: add the order to the customer's history (CRM/loyalty).

    Its `Idempotency-Key` is the request's key as the dispatcher hands it over: per account
    (`idempotency.for_provider`), so two accounts' requests are never taken for one.
    """
    payload = _payload(request)
    return client.request(
        "POST",
        f"/customers/{quote(payload.customer_id, safe='')}/orders",
        body={
            "salesOrderId": payload.sales_order_id,
            "externalReference": request.business_key,
            "orderTotal": f"{payload.order_total:.2f}",
            "currency": payload.currency,
        },
        idempotency_key=request.idempotency_key,
    )
