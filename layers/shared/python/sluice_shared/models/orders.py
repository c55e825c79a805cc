"""The storefront order webhook body as pydantic v2 models.

Strict where a wrong value would corrupt downstream records (money, quantities, currency),
lenient where storefronts differ (unknown fields are ignored, codes are upper-cased, numeric
ids become strings). Money is `Decimal` with two places and dumps as a string in JSON mode.
"""

import re
from decimal import Decimal
from typing import Annotated

from pydantic import (
    AfterValidator,
    AliasChoices,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)

_CENT = Decimal("0.01")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MAX_EMAIL_LENGTH = 254


def _upper(value: object) -> object:
    """Upper-case a string (storefronts send `eur` as often as `EUR`)."""
    return value.upper() if isinstance(value, str) else value


def _two_places(value: Decimal) -> Decimal:
    """Write money with exactly two decimal places (`19.9` -> `19.90`)."""
    return value.quantize(_CENT)


def _email(value: str) -> str:
    """Check an email address's shape and lower-case it (lookups compare case-insensitively)."""
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL.match(value):
        raise ValueError("value is not a valid email address")
    return value.lower()


Money = Annotated[
    Decimal, Field(ge=0, max_digits=14, decimal_places=2), AfterValidator(_two_places)
]
CurrencyCode = Annotated[str, BeforeValidator(_upper), Field(pattern=r"^[A-Z]{3}$")]
CountryCode = Annotated[str, BeforeValidator(_upper), Field(pattern=r"^[A-Z]{2}$")]
Email = Annotated[str, AfterValidator(_email)]
Text = Annotated[str, Field(min_length=1, max_length=255)]


class _StorefrontModel(BaseModel):
    """Common configuration: ignore unknown fields, trim strings, accept numbers as ids."""

    model_config = ConfigDict(
        extra="ignore", str_strip_whitespace=True, coerce_numbers_to_str=True, frozen=True
    )


class Address(_StorefrontModel):
    """A postal address."""

    first_name: Text | None = None
    last_name: Text | None = None
    company: Text | None = None
    address1: Text
    address2: Text | None = None
    city: Text
    province: Text | None = None
    postal_code: Text | None = Field(
        default=None, validation_alias=AliasChoices("postal_code", "zip")
    )
    country_code: CountryCode
    phone: Text | None = None


class Customer(_StorefrontModel):
    """The customer who placed the order."""

    email: Email
    first_name: Text | None = None
    last_name: Text | None = None
    phone: Text | None = None


class LineItem(_StorefrontModel):
    """One ordered product."""

    sku: Annotated[str, Field(min_length=1, max_length=64)]
    title: Text
    quantity: Annotated[int, Field(gt=0)]
    unit_price: Money


class Order(_StorefrontModel):
    """A storefront order as its webhook delivers it."""

    id: Annotated[str, Field(min_length=1, max_length=64)]
    created_at: AwareDatetime
    currency: CurrencyCode
    customer: Customer
    shipping_address: Address | None = None
    billing_address: Address | None = None
    line_items: Annotated[list[LineItem], Field(min_length=1)]
    shipping_total: Money = Decimal("0.00")
    tax_total: Money = Decimal("0.00")
    discount_total: Money = Decimal("0.00")
    taxes_included: bool = False
    total: Money
    note: Annotated[str, Field(max_length=5000)] | None = None
    # The storefront's authorised payment, which billing captures against when it ships.
    payment_reference: Text | None = None

    def to_json(self) -> dict[str, object]:
        """The order as JSON-ready data: money as strings, absent optional fields left out."""
        return self.model_dump(mode="json", exclude_none=True)
