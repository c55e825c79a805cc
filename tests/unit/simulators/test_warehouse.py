"""Warehouse operations: fulfilments and the shipments a test triggers."""

import pytest

from sluice.simulators import UnknownFulfilment
from sluice.simulators.webhooks import sign
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
    shipment = warehouse.ship(fulfilment["id"], carrier="DHL").payload()
    assert shipment["event"] == "shipment.confirmed"
    assert shipment["fulfilmentId"] == fulfilment["id"]
    assert shipment["externalReference"] == "order-shopify-1001"
    assert shipment["trackingUrl"].endswith(shipment["trackingNumber"])
    assert shipment["lines"] == FULFILMENT["lines"]
    assert get(warehouse, f"/fulfilments/{fulfilment['id']}").json()["status"] == "shipped"


def test_a_shipment_carries_what_a_3pl_knows_and_no_prices(warehouse):
    """GIVEN a fulfilment WHEN shipped THEN the body has no price, currency or payment field."""
    fulfilment = post(warehouse, "/fulfilments", FULFILMENT).json()
    shipment = warehouse.ship(fulfilment["id"]).payload()
    assert set(shipment) == {
        "event",
        "shipmentId",
        "fulfilmentId",
        "externalReference",
        "carrier",
        "trackingNumber",
        "trackingUrl",
        "shippedAt",
        "lines",
    }
    assert all(set(line) == {"sku", "quantity"} for line in shipment["lines"])


def test_a_shipment_webhook_is_signed_over_its_exact_body(warehouse):
    """GIVEN a warehouse with a webhook secret WHEN it ships THEN the signature header is the
    HMAC-SHA256 of the body bytes with that secret."""
    warehouse.webhook_secret = "test-warehouse-secret"
    fulfilment = post(warehouse, "/fulfilments", FULFILMENT).json()
    webhook = warehouse.ship(fulfilment["id"])
    assert webhook.headers["X-Sluice-Signature"] == sign(webhook.body, "test-warehouse-secret")
    assert webhook.headers["Content-Type"] == "application/json"


def test_a_partial_shipment_carries_only_the_lines_shipped(warehouse):
    """GIVEN a fulfilment of two lines WHEN one is shipped THEN the body lists only it."""
    fulfilment = post(warehouse, "/fulfilments", FULFILMENT).json()
    shipment = warehouse.ship(fulfilment["id"], lines=[{"sku": "CAP-NVY", "quantity": 1}])
    assert shipment.payload()["lines"] == [{"sku": "CAP-NVY", "quantity": 1}]


def test_shipping_an_unknown_fulfilment_raises(warehouse):
    """GIVEN no such fulfilment WHEN shipped THEN UnknownFulfilment."""
    with pytest.raises(UnknownFulfilment):
        warehouse.ship("FUL-404")
