"""Step payloads: camelCase in JSON, the order model inside, bad orders are OrderInvalid."""

import pytest

from sluice_shared.models.steps import SalesOrderResult, SalesOrderStepInput
from sluice_shared.orders.errors import OrderInvalid
from sluice_shared.orders.payloads import parse_step_input
from tests.fixtures.orders import BUSINESS_KEY, step_payload


def test_a_sample_payload_parses_into_its_model():
    """GIVEN create-sales-order.json WHEN parsed THEN key, order and customer are read."""
    step = parse_step_input(SalesOrderStepInput, step_payload("create-sales-order"))
    assert (step.business_key, step.customer_id) == (BUSINESS_KEY, "CUST-000381")
    assert step.order.id == "1042"


def test_an_execution_arn_is_read_when_the_state_machine_passes_it():
    """GIVEN an executionArn in the payload WHEN parsed THEN it is kept for logging."""
    arn = "arn:aws:states:us-east-1:123456789012:execution:orders:order-shopify-1042"
    step = parse_step_input(
        SalesOrderStepInput, step_payload("create-sales-order", executionArn=arn)
    )
    assert step.execution_arn == arn


def test_a_payload_with_a_bad_order_is_order_invalid_naming_the_field():
    """GIVEN a payload whose order has quantity 0 WHEN parsed THEN OrderInvalid names it."""
    payload = step_payload("create-sales-order")
    payload["order"]["line_items"][0]["quantity"] = 0
    with pytest.raises(OrderInvalid, match=r"order\.line_items\.0\.quantity") as raised:
        parse_step_input(SalesOrderStepInput, payload)
    assert raised.value.business_key == BUSINESS_KEY


def test_a_payload_missing_its_customer_id_is_order_invalid():
    """GIVEN no customerId WHEN parsed THEN OrderInvalid names `customerId`."""
    payload = step_payload("create-sales-order")
    del payload["customerId"]
    with pytest.raises(OrderInvalid, match="customerId"):
        parse_step_input(SalesOrderStepInput, payload)


def test_results_dump_with_camel_case_names():
    """GIVEN a result WHEN dumped THEN the contract's field names."""
    result = SalesOrderResult(sales_order_id="SO-1", sales_order_number="10001")
    assert result.to_json() == {"salesOrderId": "SO-1", "salesOrderNumber": "10001"}
