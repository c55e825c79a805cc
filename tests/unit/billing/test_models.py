"""Shipment and terms models: a 3PL shipment carries no prices; keys derive from the shipment."""

import pytest
from pydantic import ValidationError

from sluice_shared.billing.keys import (
    capture_idempotency_key,
    rerun_execution_name,
)
from sluice_shared.billing.models import OrderTerms, Shipment
from tests.unit.billing.support import order_processed, shipment, shipment_body


def test_given_a_shipment_when_dumped_then_it_keeps_the_webhook_field_names():
    dumped = shipment().to_json()
    assert dumped["externalReference"] == "order-shopify-1042"
    assert dumped["lines"] == [{"sku": "MUG-BLUE", "quantity": 2}]


def test_given_a_shipment_with_prices_when_parsed_then_the_prices_are_ignored():
    priced = shipment(lines=[{"sku": "MUG-BLUE", "quantity": 2, "unitPrice": "0.01"}])
    assert priced.to_json()["lines"] == [{"sku": "MUG-BLUE", "quantity": 2}]


def test_given_a_shipment_without_its_order_reference_when_parsed_then_it_is_refused():
    body = shipment_body()
    del body["externalReference"]
    with pytest.raises(ValidationError, match="externalReference"):
        Shipment.model_validate(body)


def test_given_an_order_processed_detail_when_parsed_then_the_terms_keep_prices_and_ids():
    terms = OrderTerms.model_validate(order_processed()["detail"])
    assert (terms.order_key, terms.order_id, terms.sales_order_id) == (
        "order-shopify-1042",
        "1042",
        "SO-000017",
    )
    assert [(line.sku, str(line.unit_price)) for line in terms.lines] == [
        ("MUG-BLUE", "19.99"),
        ("TEA-EARL-250", "49.50"),
    ]


def test_given_a_lower_case_currency_in_the_terms_when_parsed_then_it_is_upper_cased():
    assert OrderTerms.model_validate(order_processed(currency="eur")["detail"]).currency == "EUR"


def test_given_a_shipment_key_when_keys_are_derived_then_every_attempt_sends_the_same_keys():
    key = "shipment-3pl-SHP-000042"
    assert capture_idempotency_key(key) == "shipment-3pl-SHP-000042-capture"
    assert rerun_execution_name(key, 2) == "shipment-3pl-SHP-000042-r2"


def test_given_a_long_shipment_key_when_rerun_then_the_name_stays_within_80_characters():
    key = "shipment-3pl-" + "X" * 67
    name = rerun_execution_name(key, 3)
    assert len(name) == 80
    assert name != rerun_execution_name(key, 2)
