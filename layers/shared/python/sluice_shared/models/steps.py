"""Payloads the orders state machine sends to each Lambda step, and what each step returns.

JSON field names are camelCase (`businessKey`) as in the state machine; Python names are
snake_case. `executionArn` is optional: when the state machine passes it, logs carry it.
"""

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from sluice_shared.models.orders import Order


class _StepModel(BaseModel):
    """camelCase in JSON, snake_case in Python; unknown fields ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )

    def to_json(self) -> dict[str, object]:
        """The model as the JSON object a handler returns."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class OrderStepInput(_StepModel):
    """The payload of validate_order and upsert_customer."""

    business_key: str = Field(min_length=1, max_length=80)
    order: Order
    execution_arn: str | None = None


class SalesOrderStepInput(OrderStepInput):
    """The payload of create_sales_order."""

    customer_id: str = Field(min_length=1)


class FulfilmentStepInput(OrderStepInput):
    """The payload of create_fulfilment."""

    sales_order_id: str = Field(min_length=1)


class ValidatedOrder(_StepModel):
    """What validate_order returns: the normalized order."""

    order: Order


class CustomerResult(_StepModel):
    """What upsert_customer returns."""

    customer_id: str
    created: bool


class SalesOrderResult(_StepModel):
    """What create_sales_order returns."""

    sales_order_id: str
    sales_order_number: str


class FulfilmentResult(_StepModel):
    """What create_fulfilment returns."""

    fulfilment_id: str
