"""Lambda handler: create the order's ERP sales order, once per business key."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.models.steps import SalesOrderStepInput
from sluice_shared.observability import append_correlation_ids, instrument
from sluice_shared.orders.payloads import parse_step_input
from sluice_shared.orders.sales_orders import create_sales_order


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """`{"businessKey", "order", "customerId"}` -> `{"salesOrderId", "salesOrderNumber"}`."""
    step = parse_step_input(SalesOrderStepInput, event)
    append_correlation_ids(step.business_key, step.execution_arn)
    return create_sales_order(step, context).to_json()
