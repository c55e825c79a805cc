"""Create the ERP sales order of an order, once per business key."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.idempotency import once_per_business_key
from sluice_shared.keys import sales_order_idempotency_key
from sluice_shared.models.steps import SalesOrderResult, SalesOrderStepInput
from sluice_shared.observability import count
from sluice_shared.providers.erp import ErpClient
from sluice_shared.providers.factory import erp_client

KEY_PREFIX = "sluice.orders.create_sales_order"


def _create_sales_order(step: SalesOrderStepInput, erp: ErpClient) -> SalesOrderResult:
    """Send the sales order to the ERP (the Idempotency-Key guards retries after expiry)."""
    created = erp.create_sales_order(
        step.order,
        step.business_key,
        step.customer_id,
        idempotency_key=sales_order_idempotency_key(step.business_key),
    )
    count("SalesOrdersCreated")
    return SalesOrderResult(sales_order_id=created.id, sales_order_number=created.number)


def create_sales_order(
    step: SalesOrderStepInput,
    context: LambdaContext | None = None,
    *,
    erp: ErpClient | None = None,
    idempotency_table_name: str | None = None,
) -> SalesOrderResult:
    """The order's ERP sales order: created on the first call, the same one on every repeat."""
    create_once = once_per_business_key(
        _create_sales_order,
        key_prefix=KEY_PREFIX,
        result_model=SalesOrderResult,
        context=context,
        table_name=idempotency_table_name,
    )
    return create_once(step=step, erp=erp or erp_client())
