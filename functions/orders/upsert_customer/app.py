"""Lambda handler: find or create the order's customer in the ERP."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.models.steps import OrderStepInput
from sluice_shared.observability import append_correlation_ids, instrument
from sluice_shared.orders.customers import upsert_customer
from sluice_shared.orders.payloads import parse_step_input


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """`{"businessKey", "order"}` -> `{"customerId", "created"}`."""
    step = parse_step_input(OrderStepInput, event)
    append_correlation_ids(step.business_key, step.execution_arn)
    return upsert_customer(step).to_json()
