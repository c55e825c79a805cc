"""Lambda handler: ask the warehouse to ship the order, once per business key."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.models.steps import FulfilmentStepInput
from sluice_shared.observability import append_correlation_ids, instrument
from sluice_shared.orders.fulfilment import create_fulfilment
from sluice_shared.orders.payloads import parse_step_input


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """`{"businessKey", "order", "salesOrderId"}` -> `{"fulfilmentId"}`."""
    step = parse_step_input(FulfilmentStepInput, event)
    append_correlation_ids(step.business_key, step.execution_arn)
    return create_fulfilment(step, context).to_json()
