"""The warehouse (3PL) API: fulfilments."""

from typing import Any

from pydantic import Field

from sluice_shared.models.orders import Address, Order
from sluice_shared.providers.addresses import address_body
from sluice_shared.providers.client import ProviderClient
from sluice_shared.providers.responses import ProviderResponse, parse_response

PROVIDER = "warehouse"


class WarehouseFulfilment(ProviderResponse):
    """A fulfilment created at the warehouse."""

    id: str = Field(min_length=1)
    status: str = ""


def fulfilment_body(
    order: Order, ship_to: Address, business_key: str, sales_order_id: str
) -> dict[str, Any]:
    """The body of `POST /fulfilments`: what to ship where, lines of sku and quantity."""
    return {
        "salesOrderId": sales_order_id,
        "externalReference": business_key,
        "shipTo": address_body(ship_to),
        "lines": [{"sku": line.sku, "quantity": line.quantity} for line in order.line_items],
    }


class WarehouseClient:
    """Typed calls to the warehouse over a `ProviderClient`."""

    def __init__(self, http: ProviderClient) -> None:
        self.http = http

    def create_fulfilment(
        self,
        order: Order,
        ship_to: Address,
        business_key: str,
        sales_order_id: str,
        idempotency_key: str,
    ) -> WarehouseFulfilment:
        """Ask the warehouse to ship an order; a repeated key returns the first fulfilment."""
        payload = self.http.request(
            "POST",
            "/fulfilments",
            body=fulfilment_body(order, ship_to, business_key, sales_order_id),
            idempotency_key=idempotency_key,
        )
        return parse_response(PROVIDER, WarehouseFulfilment, payload)
