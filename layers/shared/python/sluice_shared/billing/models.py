"""The warehouse's shipment-confirmed webhook body and the billing steps' payloads.

A shipment may carry only some of an order's lines (partial shipments): each shipment is
billed for its own lines, `quantity x unitPrice`. JSON names are camelCase.
"""

from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from sluice_shared.models.orders import CurrencyCode, Money

_CENT = Decimal("0.01")
Reference = Annotated[str, Field(min_length=1, max_length=255)]


class _BillingModel(BaseModel):
    """camelCase in JSON, snake_case in Python; unknown fields ignored; strings trimmed."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        str_strip_whitespace=True,
        coerce_numbers_to_str=True,
        frozen=True,
    )

    def to_json(self) -> dict[str, object]:
        """The model as JSON-ready data: money as strings, absent optional fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class ShippedLine(_BillingModel):
    """One shipped product and the price it is billed at."""

    sku: Annotated[str, Field(min_length=1, max_length=64)]
    quantity: Annotated[int, Field(gt=0)]
    unit_price: Money


class Shipment(_BillingModel):
    """A shipment the warehouse confirmed: what left, for which order, how it is tracked."""

    shipment_id: Annotated[str, Field(min_length=1, max_length=64)]
    order_id: Reference
    order_key: Reference = Field(alias="externalReference")
    sales_order_id: Reference
    fulfilment_id: Reference | None = None
    carrier: Reference
    tracking_number: Reference
    tracking_url: Annotated[str, Field(max_length=2048)] | None = None
    shipped_at: AwareDatetime
    currency: CurrencyCode
    payment_reference: Reference
    lines: Annotated[list[ShippedLine], Field(min_length=1)]

    @model_validator(mode="after")
    def _bills_something(self) -> "Shipment":
        """A shipment whose lines add up to nothing has nothing to capture."""
        if self.amount <= 0:
            raise ValueError("the shipped lines add up to no amount to bill")
        return self

    @property
    def amount(self) -> Decimal:
        """What the shipped lines cost: the sum of quantity x unit price, two places."""
        total = sum((line.unit_price * line.quantity for line in self.lines), Decimal("0"))
        return total.quantize(_CENT)


class CaptureStepInput(_BillingModel):
    """The payload of capture_payment: the shipment, named by its business key."""

    business_key: Annotated[str, Field(min_length=1, max_length=80)]
    shipment: Shipment
    execution_arn: str | None = None


class CaptureResult(_BillingModel):
    """What capture_payment returns: the gateway's capture and what it captured."""

    capture_id: str
    amount: str
    currency: str
