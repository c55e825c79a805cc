"""Lambda handler: capture a shipment's payment at the gateway, once per shipment."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.billing.capture import capture_payment
from sluice_shared.billing.payloads import parse_capture_input
from sluice_shared.observability import append_correlation_ids, instrument


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """`{"businessKey", "shipment"}` -> `{"captureId", "amount", "currency"}`."""
    step = parse_capture_input(event)
    append_correlation_ids(step.business_key, step.execution_arn)
    return capture_payment(step, context).to_json()
