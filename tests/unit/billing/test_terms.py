"""Order terms: recorded once from OrderProcessed, whatever EventBridge redelivers."""

from datetime import UTC, datetime

import boto3
import pytest

from sluice_shared.billing.errors import OrderTermsInvalid
from sluice_shared.billing.terms import (
    CONFLICT,
    DUPLICATE,
    RECORDED,
    TermsDependencies,
    get_terms,
    parse_terms,
    record_terms,
)
from tests.unit.billing.support import ORDER_TERMS_TABLE_NAME, order_processed

RECORDED_AT = datetime(2025, 3, 14, 8, 27, 31, tzinfo=UTC)


def _deps() -> TermsDependencies:
    return TermsDependencies(
        dynamodb=boto3.client("dynamodb"),
        table_name=ORDER_TERMS_TABLE_NAME,
        clock=lambda: RECORDED_AT,
    )


def _record(event: dict) -> str:
    return record_terms(parse_terms(event), event["id"], _deps())


def test_given_an_order_processed_event_when_recorded_then_its_terms_can_be_read_back(
    billing_aws,
):
    event = order_processed()
    assert _record(event) == RECORDED
    assert get_terms(_deps(), "order-shopify-1042") == parse_terms(event)


def test_given_an_order_never_processed_when_its_terms_are_read_then_there_are_none(billing_aws):
    assert get_terms(_deps(), "order-shopify-404") is None


def test_given_a_redelivered_event_when_recorded_again_then_nothing_changes(billing_aws):
    event = order_processed()
    _record(event)
    assert _record({**event, "id": "another-delivery"}) == DUPLICATE
    item = boto3.client("dynamodb").get_item(
        TableName=ORDER_TERMS_TABLE_NAME, Key={"orderKey": {"S": "order-shopify-1042"}}
    )["Item"]
    assert item["eventId"]["S"] == event["id"]


def test_given_different_terms_for_a_recorded_order_when_recorded_then_the_first_are_kept(
    billing_aws,
):
    _record(order_processed())
    changed = order_processed(lines=[{"sku": "MUG-BLUE", "quantity": 2, "unitPrice": "0.01"}])
    assert _record(changed) == CONFLICT
    terms = get_terms(_deps(), "order-shopify-1042")
    assert terms is not None
    assert [str(line.unit_price) for line in terms.lines] == ["19.99", "49.50"]


def test_given_an_event_without_lines_or_sales_order_when_parsed_then_terms_invalid_names_both():
    event = order_processed(lines=[])
    del event["detail"]["salesOrderId"]
    with pytest.raises(OrderTermsInvalid) as raised:
        parse_terms(event)
    assert "lines" in str(raised.value)
    assert "salesOrderId" in str(raised.value)
