"""Payment capture: once per shipment whatever is repeated; a decline is a business outcome."""

from datetime import UTC, datetime

import boto3
import pytest

from sluice.simulators.faults import Faults
from sluice_shared.billing.capture import CaptureDependencies, capture_payment
from sluice_shared.billing.errors import CaptureConflict, PaymentDeclined, ShipmentInvalid
from sluice_shared.billing.gateway import payment_gateway_client
from sluice_shared.billing.models import CaptureStepInput
from sluice_shared.billing.records import record_capture
from sluice_shared.providers.errors import ProviderUnavailable
from tests.fixtures.aws import IDEMPOTENCY_TABLE_NAME
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.unit.billing.support import (
    SHIPMENTS_TABLE_NAME,
    shipment,
    store_shipment,
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
    result = _capture(_step())
    [request] = configured_payments.requests("POST", "/captures")
    assert request.headers["idempotency-key"] == "shipment-3pl-SHP-000042-capture"
    assert request.body["amount"] == "39.98"
    assert request.body["currency"] == "EUR"
    assert request.body["paymentReference"] == "pay_3PkQ2ZL9r1"
    assert result.amount == "39.98"
    assert result.capture_id == configured_payments.captures[0]["id"]


def test_given_a_capture_when_done_then_the_shipment_records_it(configured_payments):
    result = _capture(_step())
    item = stored_shipment("shipment-3pl-SHP-000042")
    assert item["captureId"] == result.capture_id
    assert item["capturedAt"] == "2025-03-15T13:06:00.000Z"


def test_given_a_retried_capture_when_repeated_then_the_gateway_is_called_once(
    configured_payments,
):
    step = _step()
    first = _capture(step)
    second = _capture(step)
    assert second == first
    assert len(configured_payments.requests("POST", "/captures")) == 1
    assert len(configured_payments.captures) == 1


def test_given_expired_idempotency_records_when_rerun_then_the_recorded_capture_is_returned(
    configured_payments,
):
    step = _step()
    first = _capture(step)
    _forget_idempotency_records()
    again = _capture(step)
    assert again.capture_id == first.capture_id
    assert len(configured_payments.requests("POST", "/captures")) == 1


def test_given_a_lost_answer_when_retried_then_the_gateway_replays_the_first_capture(
    configured_payments,
):
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
    step = _step(paymentReference="pay_declined")
    with pytest.raises(PaymentDeclined, match="card_declined"):
        _capture(step)
    assert configured_payments.captures == []
    assert "captureId" not in stored_shipment(step.business_key)


def test_given_a_gateway_outage_when_captured_then_provider_unavailable_is_raised(
    configured_payments,
):
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
