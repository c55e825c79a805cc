"""Capture a shipment's payment at the gateway, once per shipment whatever is repeated.

The shipment is priced by its order's recorded terms (`sluice_shared.billing.terms`); terms
not recorded yet raise `OrderTermsNotRecorded`, which the state retries with backoff. Three
guards, each covering what the one before cannot: Powertools idempotency returns the
saved result of a retried step (24 hours); the shipment item keeps the capture id, so a
re-run days later returns it without calling the gateway; the gateway's Idempotency-Key
covers a crash between the capture and that write.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.client import BaseClient

from sluice_shared import settings
from sluice_shared.aws import dynamodb_client
from sluice_shared.billing.config import order_terms_table_name
from sluice_shared.billing.errors import OrderTermsNotRecorded, ShipmentInvalid
from sluice_shared.billing.gateway import PaymentGatewayClient, payment_gateway_client
from sluice_shared.billing.keys import capture_idempotency_key
from sluice_shared.billing.models import CaptureResult, CaptureStepInput
from sluice_shared.billing.pricing import price_shipment
from sluice_shared.billing.records import get_shipment, record_capture, text
from sluice_shared.billing.terms import TermsDependencies, get_terms
from sluice_shared.idempotency import once_per_business_key
from sluice_shared.observability import count, get_logger

KEY_PREFIX = "sluice.billing.capture_payment"


def _utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class CaptureDependencies:
    """The gateway, the shipments and order terms tables; tests pass their own."""

    gateway: PaymentGatewayClient
    dynamodb: BaseClient
    shipments_table_name: str
    terms_table_name: str
    clock: Callable[[], datetime] = _utc_now

    @classmethod
    def from_environment(cls) -> "CaptureDependencies":
        """Dependencies named by the function's environment variables."""
        return cls(
            gateway=payment_gateway_client(),
            dynamodb=dynamodb_client(),
            shipments_table_name=settings.shipments_table_name(),
            terms_table_name=order_terms_table_name(),
        )


def _capture(step: CaptureStepInput, deps: CaptureDependencies) -> CaptureResult:
    """Return the recorded capture, or price the shipment, capture now and record it."""
    shipment = step.shipment
    item = get_shipment(deps.dynamodb, deps.shipments_table_name, step.business_key)
    if not item:
        raise ShipmentInvalid(step.business_key, ["the shipment is not recorded"])
    terms = get_terms(TermsDependencies(deps.dynamodb, deps.terms_table_name), shipment.order_key)
    if terms is None:
        raise OrderTermsNotRecorded(step.business_key, shipment.order_key)
    priced = price_shipment(step.business_key, shipment, terms)
    result = {
        "amount": f"{priced.amount:.2f}",
        "currency": terms.currency,
        "order_id": terms.order_id,
        "sales_order_id": terms.sales_order_id,
        "lines": priced.lines,
    }
    recorded = text(item, "captureId")
    if recorded is not None:
        get_logger().info("capture already recorded; the gateway is not called")
        count("CapturesAlreadyRecorded")
        return CaptureResult(capture_id=recorded, **result)
    captured = deps.gateway.capture(
        business_key=step.business_key,
        amount=priced.amount,
        currency=terms.currency,
        payment_reference=priced.payment_reference,
        idempotency_key=capture_idempotency_key(step.business_key),
    )
    record_capture(
        deps.dynamodb, deps.shipments_table_name, step.business_key, captured.id, deps.clock()
    )
    count("PaymentsCaptured")
    return CaptureResult(capture_id=captured.id, **result)


def capture_payment(
    step: CaptureStepInput,
    context: LambdaContext | None = None,
    *,
    deps: CaptureDependencies | None = None,
    idempotency_table_name: str | None = None,
) -> CaptureResult:
    """The shipment's capture: made on the first call, the same one on every repeat."""
    capture_once = once_per_business_key(
        _capture,
        key_prefix=KEY_PREFIX,
        result_model=CaptureResult,
        context=context,
        table_name=idempotency_table_name,
    )
    return capture_once(step=step, deps=deps or CaptureDependencies.from_environment())
