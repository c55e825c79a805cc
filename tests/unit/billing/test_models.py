"""The shipment model: each shipment is billed for its own lines; keys derive from the shipment."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from sluice_shared.billing.keys import (
    capture_idempotency_key,
    rerun_execution_name,
)
from sluice_shared.billing.models import Shipment
from tests.unit.billing.support import shipment, shipment_body


def test_given_shipped_lines_when_billed_then_the_amount_is_quantity_times_unit_price():
    partial = shipment(
        lines=[
            {"sku": "MUG-BLUE", "quantity": 2, "unitPrice": "19.99"},
            {"sku": "TEA-EARL-250", "quantity": 3, "unitPrice": "4.1"},
        ]
    )
    assert partial.amount == Decimal("52.28")


def test_given_a_lower_case_currency_when_parsed_then_it_is_upper_cased():
    assert shipment(currency="eur").currency == "EUR"


def test_given_a_shipment_when_dumped_then_it_keeps_the_webhook_field_names():
    dumped = shipment().to_json()
    assert dumped["externalReference"] == "order-shopify-1042"
    assert dumped["lines"][0] == {"sku": "MUG-BLUE", "quantity": 2, "unitPrice": "19.99"}


def test_given_a_shipment_without_a_payment_reference_when_parsed_then_it_is_refused():
    body = shipment_body()
    del body["paymentReference"]
    with pytest.raises(ValidationError, match="paymentReference"):
        Shipment.model_validate(body)


def test_given_a_shipment_key_when_keys_are_derived_then_every_attempt_sends_the_same_keys():
    key = "shipment-3pl-SHP-000042"
    assert capture_idempotency_key(key) == "shipment-3pl-SHP-000042-capture"
    assert rerun_execution_name(key, 2) == "shipment-3pl-SHP-000042-r2"


def test_given_a_long_shipment_key_when_rerun_then_the_name_stays_within_80_characters():
    key = "shipment-3pl-" + "X" * 67
    name = rerun_execution_name(key, 3)
    assert len(name) == 80
    assert name != rerun_execution_name(key, 2)
