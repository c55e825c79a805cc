"""Warehouse operations: fulfilments and the shipments a test triggers."""

import pytest

from sluice.simulators import UnknownFulfilment
from tests.unit.simulators.helpers import get, post

FULFILMENT = {
    "salesOrderId": "SO-000001",
    "externalReference": "order-shopify-1001",
    "shipTo": {"line1": "Keizersgracht 1", "city": "Amsterdam", "countryCode": "NL"},
    "lines": [{"sku": "TEE-BLK-M", "quantity": 2}, {"sku": "CAP-NVY", "quantity": 1}],
}


def test_a_fulfilment_is_accepted_and_can_be_read(warehouse):
    """GIVEN a valid body WHEN posted THEN 201 accepted with an id, and GET returns it."""
    created = post(warehouse, "/fulfilments", FULFILMENT)
    assert created.status_code == 201
    assert (created.json()["id"], created.json()["status"]) == ("FUL-000001", "accepted")
    assert get(warehouse, "/fulfilments/FUL-000001").json() == created.json()


def test_a_fulfilment_without_lines_or_address_is_422(warehouse):
    """GIVEN no lines and an address without a city WHEN posted THEN 422 naming both."""
    body = {**FULFILMENT, "lines": [], "shipTo": {"line1": "x", "countryCode": "NL"}}
    response = post(warehouse, "/fulfilments", body)
    assert response.status_code == 422
    assert {p["field"] for p in response.json()["errors"]} == {"lines", "shipTo.city"}


def test_shipping_a_fulfilment_gives_the_shipment_confirmed_body(warehouse):
    """GIVEN a fulfilment WHEN the test ships it THEN the webhook body names the order,
    carrier and tracking, and the fulfilment reads as shipped."""
    fulfilment = post(warehouse, "/fulfilments", FULFILMENT).json()
    shipment = warehouse.ship(fulfilment["id"], carrier="DHL")
    assert shipment["event"] == "shipment.confirmed"
    assert shipment["fulfilmentId"] == fulfilment["id"]
    assert (shipment["salesOrderId"], shipment["externalReference"]) == (
        "SO-000001",
        "order-shopify-1001",
    )
    assert shipment["trackingUrl"].endswith(shipment["trackingNumber"])
    assert shipment["lines"] == FULFILMENT["lines"]
    assert get(warehouse, f"/fulfilments/{fulfilment['id']}").json()["status"] == "shipped"


def test_shipping_an_unknown_fulfilment_raises(warehouse):
    """GIVEN no such fulfilment WHEN shipped THEN UnknownFulfilment."""
    with pytest.raises(UnknownFulfilment):
        warehouse.ship("FUL-404")
