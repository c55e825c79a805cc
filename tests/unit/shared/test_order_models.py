"""The storefront order model: strict on money, quantities and codes, lenient on extras."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from sluice_shared.models.field_errors import field_errors
from sluice_shared.models.orders import Order
from tests.fixtures.orders import line_item, order_payload


def error_fields(payload: dict) -> list[str]:
    """The dotted field paths a payload's validation errors name."""
    with pytest.raises(ValidationError) as raised:
        Order.model_validate(payload)
    return [error["field"] for error in field_errors(raised.value)]


def test_the_sample_order_is_valid():
    """GIVEN events/orders/order.json WHEN parsed THEN id, lines and totals are read."""
    order = Order.model_validate(order_payload())
    assert order.id == "1042"
    assert [line.sku for line in order.line_items] == ["MUG-BLUE", "TEA-EARL-250"]
    assert order.total == Decimal("111.43")


def test_money_dumps_as_strings_with_two_places_in_json_mode():
    """GIVEN a price of 19.9 WHEN dumped as JSON THEN the string `19.90`."""
    order = Order.model_validate(order_payload(line_items=[line_item(unit_price="19.9")]))
    assert order.to_json()["line_items"][0]["unit_price"] == "19.90"
    assert order.to_json()["total"] == "111.43"


def test_unknown_fields_are_ignored():
    """GIVEN storefront-specific fields WHEN parsed THEN they are dropped, not rejected."""
    order = Order.model_validate(order_payload(tags=["vip"], gateway="stripe"))
    assert "tags" not in order.to_json()


def test_currency_is_upper_cased():
    """GIVEN currency `eur` WHEN parsed THEN `EUR`."""
    assert Order.model_validate(order_payload(currency="eur")).currency == "EUR"


@pytest.mark.parametrize("currency", ["EURO", "E1R", "", "€"])
def test_a_currency_that_is_not_three_letters_is_rejected(currency):
    """GIVEN a malformed currency WHEN parsed THEN the error names `currency`."""
    assert error_fields(order_payload(currency=currency)) == ["currency"]


def test_email_is_validated():
    """GIVEN a customer email without a domain WHEN parsed THEN `customer.email` fails."""
    payload = order_payload(customer={"email": "ada@"})
    assert error_fields(payload) == ["customer.email"]


def test_email_is_lower_cased():
    """GIVEN a mixed-case email WHEN parsed THEN stored lower-case."""
    order = Order.model_validate(order_payload())
    assert order.customer.email == "ada.lovelace@example.com"


def test_an_order_needs_at_least_one_line():
    """GIVEN no line items WHEN parsed THEN `line_items` fails."""
    assert error_fields(order_payload(line_items=[])) == ["line_items"]


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "two"])
def test_quantity_must_be_a_positive_whole_number(quantity):
    """GIVEN a bad quantity WHEN parsed THEN `line_items.0.quantity` fails."""
    payload = order_payload(line_items=[line_item(quantity=quantity)])
    assert error_fields(payload) == ["line_items.0.quantity"]


@pytest.mark.parametrize("price", ["-0.01", "1.999", "abc", "NaN"])
def test_unit_price_must_be_non_negative_with_at_most_two_places(price):
    """GIVEN a bad unit price WHEN parsed THEN `line_items.0.unit_price` fails."""
    payload = order_payload(line_items=[line_item(unit_price=price)])
    assert error_fields(payload) == ["line_items.0.unit_price"]


def test_created_at_needs_a_time_zone():
    """GIVEN a naive timestamp WHEN parsed THEN `created_at` fails."""
    assert error_fields(order_payload(created_at="2025-03-14T09:26:53")) == ["created_at"]


def test_every_bad_field_is_reported_at_once():
    """GIVEN several bad fields WHEN parsed THEN each is named."""
    payload = order_payload(currency="??", total="x")
    del payload["customer"]
    assert sorted(error_fields(payload)) == ["currency", "customer", "total"]


def test_numeric_order_ids_become_strings():
    """GIVEN id 1042 as a number WHEN parsed THEN the string `1042`."""
    assert Order.model_validate(order_payload(id=1042)).id == "1042"


def test_zip_is_read_as_postal_code():
    """GIVEN a Shopify-style `zip` WHEN parsed THEN it is the postal code."""
    order = Order.model_validate(order_payload())
    assert order.shipping_address is not None
    assert order.shipping_address.postal_code == "N1 9GU"


def test_shipping_and_tax_default_to_zero():
    """GIVEN no shipping or tax totals WHEN parsed THEN both are 0.00."""
    payload = order_payload()
    del payload["shipping_total"], payload["tax_total"]
    order = Order.model_validate(payload)
    assert (order.shipping_total, order.tax_total) == (Decimal("0.00"), Decimal("0.00"))


def test_a_dumped_order_parses_back_to_the_same_order():
    """GIVEN an order dumped as JSON WHEN parsed again THEN equal (steps pass it along)."""
    order = Order.model_validate(order_payload())
    assert Order.model_validate(order.to_json()) == order
