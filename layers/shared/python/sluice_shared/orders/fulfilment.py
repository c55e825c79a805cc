"""Ask the warehouse to ship an order, once per business key."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.idempotency import once_per_business_key
from sluice_shared.keys import fulfilment_idempotency_key
from sluice_shared.models.steps import FulfilmentResult, FulfilmentStepInput
from sluice_shared.observability import count
from sluice_shared.orders.errors import OrderInvalid
from sluice_shared.providers.factory import warehouse_client
from sluice_shared.providers.warehouse import WarehouseClient

KEY_PREFIX = "sluice.orders.create_fulfilment"


def _create_fulfilment(step: FulfilmentStepInput, warehouse: WarehouseClient) -> FulfilmentResult:
    """Send the fulfilment request (the Idempotency-Key guards retries after expiry)."""
    ship_to = step.order.shipping_address
    if ship_to is None:
        raise OrderInvalid(step.business_key, ["shipping_address is missing"])
    created = warehouse.create_fulfilment(
        step.order,
        ship_to,
        step.business_key,
        step.sales_order_id,
        idempotency_key=fulfilment_idempotency_key(step.business_key),
    )
    count("FulfilmentsCreated")
    return FulfilmentResult(fulfilment_id=created.id)


def create_fulfilment(
    step: FulfilmentStepInput,
    context: LambdaContext | None = None,
    *,
    warehouse: WarehouseClient | None = None,
    idempotency_table_name: str | None = None,
) -> FulfilmentResult:
    """The order's warehouse fulfilment: created on the first call, the same one on repeats."""
    create_once = once_per_business_key(
        _create_fulfilment,
        key_prefix=KEY_PREFIX,
        result_model=FulfilmentResult,
        context=context,
        table_name=idempotency_table_name,
    )
    return create_once(step=step, warehouse=warehouse or warehouse_client())
