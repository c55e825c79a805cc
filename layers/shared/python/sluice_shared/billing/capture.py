"""Capture a shipment's payment at the gateway, once per shipment whatever is repeated.

Three guards, each covering what the one before cannot: Powertools idempotency returns the
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
from sluice_shared.billing.errors import ShipmentInvalid
from sluice_shared.billing.gateway import PaymentGatewayClient, payment_gateway_client
from sluice_shared.billing.keys import capture_idempotency_key
from sluice_shared.billing.models import CaptureResult, CaptureStepInput
from sluice_shared.billing.records import get_shipment, record_capture, text
from sluice_shared.idempotency import once_per_business_key
from sluice_shared.observability import count, get_logger

KEY_PREFIX = "sluice.billing.capture_payment"


def _utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class CaptureDependencies:
    """The gateway and the shipments table; tests pass their own."""

    gateway: PaymentGatewayClient
    dynamodb: BaseClient
    shipments_table_name: str
    clock: Callable[[], datetime] = _utc_now

    @classmethod
    def from_environment(cls) -> "CaptureDependencies":
        """Dependencies named by the function's environment variables."""
        return cls(
            gateway=payment_gateway_client(),
            dynamodb=dynamodb_client(),
            shipments_table_name=settings.shipments_table_name(),
        )


def _capture(step: CaptureStepInput, deps: CaptureDependencies) -> CaptureResult:
    """Return the recorded capture, or capture now and record it."""
    shipment = step.shipment
    result = {"amount": f"{shipment.amount:.2f}", "currency": shipment.currency}
    item = get_shipment(deps.dynamodb, deps.shipments_table_name, step.business_key)
    if not item:
        raise ShipmentInvalid(step.business_key, ["the shipment is not recorded"])
    recorded = text(item, "captureId")
    if recorded is not None:
        get_logger().info("capture already recorded; the gateway is not called")
        count("CapturesAlreadyRecorded")
        return CaptureResult(capture_id=recorded, **result)
    captured = deps.gateway.capture(
        business_key=step.business_key,
        amount=shipment.amount,
        currency=shipment.currency,
        payment_reference=shipment.payment_reference,
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
