"""Payment capture: priced by the order's terms, once per shipment whatever is repeated."""

from datetime import UTC, datetime

import boto3
import pytest

from sluice.simulators.faults import Faults
from sluice_shared.billing.capture import CaptureDependencies, capture_payment
from sluice_shared.billing.errors import (
    CaptureConflict,
    OrderTermsNotRecorded,
    PaymentDeclined,
    ShipmentInvalid,
)
from sluice_shared.billing.gateway import payment_gateway_client
from sluice_shared.billing.models import CaptureStepInput
from sluice_shared.billing.records import record_capture
from sluice_shared.providers.errors import ProviderUnavailable
from tests.fixtures.aws import IDEMPOTENCY_TABLE_NAME
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.unit.billing.support import (
    ORDER_TERMS_TABLE_NAME,
    SHIPMENTS_TABLE_NAME,
    shipment,
    store_shipment,
    store_terms,
    stored_shipment,
)

RECEIVED_AT = "2025-03-15T13:05:00.000Z"
CAPTURED_AT = datetime(2025, 3, 15, 13, 6, tzinfo=UTC)


def _step(**changes: object) -> CaptureStepInput:
    business_key = store_shipment(RECEIVED_AT)
    return CaptureStepInput(business_key=business_key, shipment=shipment(**changes))


def _capture(step: CaptureStepInput) -> object:
    deps = CaptureDependencies(
        gateway=payment_gateway_client(),
        dynamodb=boto3.client("dynamodb"),
        shipments_table_name=SHIPMENTS_TABLE_NAME,
        terms_table_name=ORDER_TERMS_TABLE_NAME,
        clock=lambda: CAPTURED_AT,
    )
    return capture_payment(step, FakeLambdaContext(), deps=deps)


def _forget_idempotency_records() -> None:
    """What 24 hours do: Powertools' records expire."""
    client = boto3.client("dynamodb")
    for item in client.scan(TableName=IDEMPOTENCY_TABLE_NAME)["Items"]:
        client.delete_item(TableName=IDEMPOTENCY_TABLE_NAME, Key={"id": item["id"]})


def test_given_a_shipment_when_captured_then_the_gateway_captures_its_lines_with_its_key(
    configured_payments,
):
    store_terms()
    result = _capture(_step())
    [request] = configured_payments.requests("POST", "/captures")
    assert request.headers["idempotency-key"] == "shipment-3pl-SHP-000042-capture"
    assert request.body["amount"] == "39.98"
    assert request.body["currency"] == "EUR"
    assert request.body["paymentReference"] == "pay_3PkQ2ZL9r1"
    assert result.amount == "39.98"
    assert result.capture_id == configured_payments.captures[0]["id"]


def test_given_a_shipment_when_captured_then_the_result_carries_the_order_terms_next_steps_need(
    configured_payments,
):
    store_terms()
    result = _capture(_step())
    assert result.to_json() == {
        "captureId": configured_payments.captures[0]["id"],
        "amount": "39.98",
        "currency": "EUR",
        "orderId": "1042",
        "salesOrderId": "SO-000017",
        "lines": [{"sku": "MUG-BLUE", "quantity": 2, "unitPrice": "19.99"}],
    }


def test_given_a_partial_shipment_when_captured_then_only_its_lines_are_billed(
    configured_payments,
):
    store_terms()
    result = _capture(_step(lines=[{"sku": "TEA-EARL-250", "quantity": 1}]))
    assert result.amount == "49.50"
    assert configured_payments.captures[0]["amount"] == "49.50"


def test_given_terms_not_recorded_yet_when_captured_then_a_retryable_error_and_no_call(
    configured_payments,
):
    with pytest.raises(OrderTermsNotRecorded, match="order-shopify-1042"):
        _capture(_step())
    assert configured_payments.requests("POST", "/captures") == []


def test_given_terms_recorded_after_a_first_attempt_when_retried_then_the_shipment_is_captured(
    configured_payments,
):
    step = _step()
    with pytest.raises(OrderTermsNotRecorded):
        _capture(step)
    store_terms()
    assert _capture(step).amount == "39.98"
    assert len(configured_payments.captures) == 1


def test_given_a_sku_the_order_does_not_have_when_captured_then_shipment_invalid_and_no_call(
    configured_payments,
):
    store_terms()
    with pytest.raises(ShipmentInvalid, match="sku CAP-NVY is not in order"):
        _capture(_step(lines=[{"sku": "CAP-NVY", "quantity": 1}]))
    assert configured_payments.requests("POST", "/captures") == []


def test_given_more_shipped_than_ordered_when_captured_then_shipment_invalid(
    configured_payments,
):
    store_terms()
    with pytest.raises(ShipmentInvalid, match="3 shipped, 2 ordered"):
        _capture(_step(lines=[{"sku": "MUG-BLUE", "quantity": 3}]))


def test_given_an_order_without_a_payment_reference_when_captured_then_shipment_invalid(
    configured_payments,
):
    store_terms(paymentReference=None)
    with pytest.raises(ShipmentInvalid, match="no payment reference"):
        _capture(_step())
    assert configured_payments.requests("POST", "/captures") == []


def test_given_a_capture_when_done_then_the_shipment_records_it(configured_payments):
    store_terms()
    result = _capture(_step())
    item = stored_shipment("shipment-3pl-SHP-000042")
    assert item["captureId"] == result.capture_id
    assert item["capturedAt"] == "2025-03-15T13:06:00.000Z"


def test_given_a_retried_capture_when_repeated_then_the_gateway_is_called_once(
    configured_payments,
):
    store_terms()
    step = _step()
    first = _capture(step)
    second = _capture(step)
    assert second == first
    assert len(configured_payments.requests("POST", "/captures")) == 1
    assert len(configured_payments.captures) == 1


def test_given_expired_idempotency_records_when_rerun_then_the_recorded_capture_is_returned(
    configured_payments,
):
    store_terms()
    step = _step()
    first = _capture(step)
    _forget_idempotency_records()
    again = _capture(step)
    assert again.capture_id == first.capture_id
    assert len(configured_payments.requests("POST", "/captures")) == 1


def test_given_a_lost_answer_when_retried_then_the_gateway_replays_the_first_capture(
    configured_payments,
):
    store_terms()
    step = _step()
    with (
        configured_payments.configured(faults=Faults(reset=1.0)),
        pytest.raises(ProviderUnavailable),
    ):
        _capture(step)
    result = _capture(step)
    assert len(configured_payments.captures) == 1
    assert result.capture_id == configured_payments.captures[0]["id"]


def test_given_a_declined_card_when_captured_then_payment_declined_and_nothing_captured(
    configured_payments,
):
    store_terms(paymentReference="pay_declined")
    step = _step()
    with pytest.raises(PaymentDeclined, match="card_declined"):
        _capture(step)
    assert configured_payments.captures == []
    assert "captureId" not in stored_shipment(step.business_key)


def test_given_a_gateway_outage_when_captured_then_provider_unavailable_is_raised(
    configured_payments,
):
    store_terms()
    with (
        configured_payments.configured(faults=Faults(error_500=1.0)),
        pytest.raises(ProviderUnavailable),
    ):
        _capture(_step())
    assert configured_payments.captures == []


def test_given_no_shipment_record_when_captured_then_shipment_invalid_and_no_call(
    configured_payments,
):
    step = CaptureStepInput(business_key="shipment-3pl-SHP-404", shipment=shipment())
    with pytest.raises(ShipmentInvalid, match="not recorded"):
        _capture(step)
    assert configured_payments.requests("POST", "/captures") == []


def test_given_another_capture_recorded_when_the_gateway_answers_a_new_one_then_conflict(
    configured_payments,
):
    step = _step()
    boto3.client("dynamodb").update_item(
        TableName=SHIPMENTS_TABLE_NAME,
        Key={"businessKey": {"S": step.business_key}},
        UpdateExpression="SET captureId = :id",
        ConditionExpression="attribute_exists(businessKey)",
        ExpressionAttributeValues={":id": {"S": "cap_recorded"}},
    )
    with pytest.raises(CaptureConflict, match="cap_recorded"):
        record_capture(
            boto3.client("dynamodb"),
            SHIPMENTS_TABLE_NAME,
            step.business_key,
            "cap_new",
            CAPTURED_AT,
        )
