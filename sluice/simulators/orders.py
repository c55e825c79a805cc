"""Realistic storefront orders from a seeded random source, and deliberately invalid ones.

Orders have the shape of the storefront order webhook (`sluice_shared.models.orders.Order`):
snake_case fields, money as strings with two places, totals that add up.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

_CENT = Decimal("0.01")
_FIRST_NAMES = ("Ada", "Bram", "Chloé", "Dara", "Emil", "Fatima", "Grete", "Hugo", "Ines", "Jonas")
_LAST_NAMES = ("Jansen", "Okafor", "Müller", "Rossi", "Novak", "García", "Svensson", "Dubois")
_CITIES = (
    ("Amsterdam", "NL", "1012 AB"),
    ("Berlin", "DE", "10115"),
    ("Lyon", "FR", "69001"),
    ("Milano", "IT", "20121"),
    ("Gent", "BE", "9000"),
    ("Wien", "AT", "1010"),
)
_STREETS = ("Keizersgracht", "Hauptstraße", "Rue de la République", "Via Roma", "Veldstraat")
_PRODUCTS = (
    ("TEE-BLK-M", "Organic tee, black, M", "24.95"),
    ("TEE-WHT-L", "Organic tee, white, L", "24.95"),
    ("HOOD-GRY-M", "Hoodie, grey, M", "69.00"),
    ("CAP-NVY", "Cap, navy", "19.50"),
    ("SOCK-3PK", "Socks, 3 pack", "12.00"),
    ("BAG-TOTE", "Canvas tote", "15.00"),
    ("MUG-LOGO", "Enamel mug", "14.50"),
    ("JKT-RAIN-S", "Rain jacket, S", "129.00"),
)
_EPOCH = datetime(2024, 11, 29, 8, 0, tzinfo=UTC)


class OrderProblem(StrEnum):
    """A data error that validation must catch; the value is the field it breaks."""

    ZERO_QUANTITY = "line_items.0.quantity"
    BAD_EMAIL = "customer.email"
    NO_LINE_ITEMS = "line_items"
    BAD_CURRENCY = "currency"
    NEGATIVE_PRICE = "line_items.0.unit_price"
    MISSING_CUSTOMER = "customer"


def _money(value: Decimal) -> str:
    """Money as a string with two places."""
    return str(value.quantize(_CENT))


class OrderFactory:
    """Makes orders with increasing ids (from `first_id`) from a seeded random source."""

    def __init__(self, seed: int = 0, *, first_id: int = 1001, currency: str = "EUR") -> None:
        self._rng = random.Random(seed)
        self._next_id = first_id
        self._currency = currency

    def order(self, **overrides: Any) -> dict[str, Any]:
        """A valid order; `overrides` replace top-level fields."""
        order_id = str(self._next_id)
        self._next_id += 1
        first, last = self._rng.choice(_FIRST_NAMES), self._rng.choice(_LAST_NAMES)
        email = f"{first.lower()}.{last.lower()}{self._rng.randint(1, 999)}@example.com"
        address = self._address(first, last)
        lines = [
            {"sku": sku, "title": title, "quantity": self._rng.randint(1, 3), "unit_price": price}
            for sku, title, price in self._rng.sample(_PRODUCTS, self._rng.randint(1, 4))
        ]
        subtotal = sum(Decimal(line["unit_price"]) * line["quantity"] for line in lines)
        shipping = Decimal("0.00") if subtotal >= 50 else Decimal("4.95")
        tax = (subtotal * Decimal("0.21") / Decimal("1.21")).quantize(_CENT)
        created_at = _EPOCH + timedelta(minutes=self._rng.randint(0, 60 * 24 * 4))
        order: dict[str, Any] = {
            "id": order_id,
            "created_at": created_at.isoformat(),
            "currency": self._currency,
            "customer": {"email": email, "first_name": first, "last_name": last},
            "shipping_address": address,
            "billing_address": dict(address),
            "line_items": lines,
            "shipping_total": _money(shipping),
            "tax_total": _money(tax),
            "taxes_included": True,
            "total": _money(subtotal + shipping),
        }
        return {**order, **overrides}

    def invalid_order(self, problem: OrderProblem) -> dict[str, Any]:
        """An order that is well-formed JSON but breaks `problem`'s field."""
        order = self.order()
        if problem is OrderProblem.ZERO_QUANTITY:
            order["line_items"][0]["quantity"] = 0
        elif problem is OrderProblem.BAD_EMAIL:
            order["customer"]["email"] = "not-an-email"
        elif problem is OrderProblem.NO_LINE_ITEMS:
            order["line_items"] = []
        elif problem is OrderProblem.BAD_CURRENCY:
            order["currency"] = "EURO"
        elif problem is OrderProblem.NEGATIVE_PRICE:
            order["line_items"][0]["unit_price"] = "-5.00"
        elif problem is OrderProblem.MISSING_CUSTOMER:
            del order["customer"]
        return order

    def random_problem(self) -> OrderProblem:
        """A seeded pick among the problems."""
        return self._rng.choice(list(OrderProblem))

    def draw(self) -> float:
        """A uniform draw in [0, 1) from the factory's seeded source."""
        return self._rng.random()

    def _address(self, first: str, last: str) -> dict[str, Any]:
        """A postal address in one of a few European cities."""
        city, country, postal_code = self._rng.choice(_CITIES)
        return {
            "first_name": first,
            "last_name": last,
            "address1": f"{self._rng.choice(_STREETS)} {self._rng.randint(1, 250)}",
            "city": city,
            "postal_code": postal_code,
            "country_code": country,
        }
