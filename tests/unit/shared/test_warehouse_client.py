"""The warehouse client's fulfilment request."""

from sluice_shared.providers.warehouse import WarehouseClient
from tests.fixtures.orders import BUSINESS_KEY, order_model
from tests.fixtures.provider_server import ScriptedResponse
from tests.fixtures.providers import http_client


def test_create_fulfilment_sends_ship_to_and_sku_quantities(provider_server):
    """GIVEN an order WHEN fulfilled THEN sales order, reference, ship-to and lines are sent."""
    provider_server.script(
        "POST", "/fulfilments", ScriptedResponse(201, {"id": "F-1", "status": "accepted"})
    )
    order = order_model()
    assert order.shipping_address is not None
    client = WarehouseClient(http_client("warehouse", provider_server.base_url))
    created = client.create_fulfilment(order, order.shipping_address, BUSINESS_KEY, "SO-1", "k")
    [sent] = provider_server.requests_to("POST", "/fulfilments")
    assert created.id == "F-1"
    assert sent.body == {
        "salesOrderId": "SO-1",
        "externalReference": BUSINESS_KEY,
        "shipTo": {
            "name": "Ada Lovelace",
            "line1": "12 Analytical Row",
            "city": "London",
            "postalCode": "N1 9GU",
            "countryCode": "GB",
        },
        "lines": [{"sku": "MUG-BLUE", "quantity": 2}, {"sku": "TEA-EARL-250", "quantity": 1}],
    }
    assert sent.headers["idempotency-key"] == "k"
