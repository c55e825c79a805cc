"""Lambda handler: check an order against the business rules and return it normalized."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.models.steps import OrderStepInput
from sluice_shared.observability import append_correlation_ids, instrument
from sluice_shared.orders.payloads import parse_step_input
from sluice_shared.orders.validation import validate_order


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """`{"businessKey", "order"}` -> `{"order"}`; raises OrderInvalid listing every problem."""
    step = parse_step_input(OrderStepInput, event)
    append_correlation_ids(step.business_key, step.execution_arn)
    return validate_order(step).to_json()
