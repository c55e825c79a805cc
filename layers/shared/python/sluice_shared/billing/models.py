"""The warehouse's shipment-confirmed webhook body, an order's billing terms, the steps' payloads.

A 3PL knows what left its dock, not what it costs: a shipment names the order (the business
key the fulfilment was created with), its lines (sku and quantity), carrier and tracking.
Prices, currency and the payment to capture come from the order's terms, recorded when the
orders workflow published `OrderProcessed`. A shipment may carry only some of an order's
lines (partial shipments): each is billed for its own lines. JSON names are camelCase.
"""

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from sluice_shared.models.orders import CurrencyCode, Money

Reference = Annotated[str, Field(min_length=1, max_length=255)]
Sku = Annotated[str, Field(min_length=1, max_length=64)]
Quantity = Annotated[int, Field(gt=0)]


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
    """One shipped product: what the warehouse counted out."""

    sku: Sku
    quantity: Quantity


class Shipment(_BillingModel):
    """A shipment the warehouse confirmed: what left, for which order, how it is tracked."""

    shipment_id: Annotated[str, Field(min_length=1, max_length=64)]
    order_key: Reference = Field(alias="externalReference")
    fulfilment_id: Reference | None = None
    carrier: Reference
    tracking_number: Reference
    tracking_url: Annotated[str, Field(max_length=2048)] | None = None
    shipped_at: AwareDatetime
    lines: Annotated[list[ShippedLine], Field(min_length=1)]


class PricedLine(_BillingModel):
    """A product, a quantity and the unit price it is billed at."""

    sku: Sku
    quantity: Quantity
    unit_price: Money


class OrderTerms(_BillingModel):
    """What an order's shipments are billed by: the detail of its `OrderProcessed` event."""

    order_key: Reference = Field(alias="businessKey")
    order_id: Reference
    source: Reference
    currency: CurrencyCode
    payment_reference: Reference | None = None
    sales_order_id: Reference
    fulfilment_id: Reference | None = None
    lines: Annotated[list[PricedLine], Field(min_length=1)]


class CaptureStepInput(_BillingModel):
    """The payload of capture_payment: the shipment, named by its business key."""

    business_key: Annotated[str, Field(min_length=1, max_length=80)]
    shipment: Shipment
    execution_arn: str | None = None


class CaptureResult(_BillingModel):
    """The capture, and the priced lines and order ids the invoice and tracking steps send on."""

    capture_id: str
    amount: str
    currency: str
    order_id: str
    sales_order_id: str
    lines: list[PricedLine]
