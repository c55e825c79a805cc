"""The validate_order Lambda: the normalized order back, or OrderInvalid."""

import pytest

from sluice_shared.orders.errors import OrderInvalid
from tests.fixtures.handlers import load_handler_module
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.orders import step_payload


def invoke(event: dict) -> dict:
    """Invoke the validate_order handler."""
    return load_handler_module("orders/validate_order").handler(event, FakeLambdaContext())


def test_a_valid_order_comes_back_normalized():
    """GIVEN the sample payload WHEN invoked THEN `{"order": ...}` with the same order."""
    payload = step_payload("validate-order")
    assert invoke(payload) == {"order": payload["order"]}


def test_loose_storefront_values_are_normalized():
    """GIVEN a lower-case currency and a one-place price WHEN invoked THEN EUR and 19.90."""
    payload = step_payload("validate-order")
    payload["order"]["currency"] = "eur"
    payload["order"]["line_items"][0]["unit_price"] = "19.9"
    payload["order"]["total"] = "111.25"
    order = invoke(payload)["order"]
    assert (order["currency"], order["line_items"][0]["unit_price"]) == ("EUR", "19.90")


def test_a_rule_breaking_order_raises_order_invalid_listing_each_problem():
    """GIVEN a bad total and no shipping address WHEN invoked THEN OrderInvalid names both."""
    payload = step_payload("validate-order")
    payload["order"]["total"] = "1.00"
    del payload["order"]["shipping_address"]
    with pytest.raises(OrderInvalid) as raised:
        invoke(payload)
    assert type(raised.value).__name__ == "OrderInvalid"
    assert "shipping_address is missing" in str(raised.value)
    assert "total 1.00 does not equal" in str(raised.value)


def test_a_malformed_order_raises_order_invalid_naming_the_field():
    """GIVEN quantity 0 WHEN invoked THEN OrderInvalid naming `order.line_items.0.quantity`."""
    payload = step_payload("validate-order")
    payload["order"]["line_items"][0]["quantity"] = 0
    with pytest.raises(OrderInvalid, match=r"order\.line_items\.0\.quantity"):
        invoke(payload)
