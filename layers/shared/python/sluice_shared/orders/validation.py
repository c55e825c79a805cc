"""Business rules an order must meet before anything is sent to a provider."""

from collections import defaultdict
from decimal import Decimal

from sluice_shared.models.orders import Order
from sluice_shared.models.steps import OrderStepInput, ValidatedOrder
from sluice_shared.observability import count
from sluice_shared.orders.errors import OrderInvalid

TOTAL_TOLERANCE = Decimal("0.01")
MAX_QUANTITY = 10_000


def totals_problems(order: Order) -> list[str]:
    """The total must equal lines + shipping + tax - discounts, within a cent.

    With `taxes_included` (prices carry VAT, as EU storefronts send them) the tax is part of
    the line prices already and is not added again.
    """
    lines = sum((line.unit_price * line.quantity for line in order.line_items), Decimal("0.00"))
    added_tax = Decimal("0.00") if order.taxes_included else order.tax_total
    expected = lines + order.shipping_total + added_tax - order.discount_total
    if abs(expected - order.total) <= TOTAL_TOLERANCE:
        return []
    return [
        f"total {order.total} does not equal lines {lines} + shipping {order.shipping_total}"
        f" + tax {added_tax} - discounts {order.discount_total} = {expected}"
    ]


def price_conflict_problems(order: Order) -> list[str]:
    """A SKU may appear on several lines, but always at the same unit price."""
    prices: dict[str, set[Decimal]] = defaultdict(set)
    for line in order.line_items:
        prices[line.sku].add(line.unit_price)
    return [
        f"sku {sku} appears with conflicting unit prices {', '.join(map(str, sorted(found)))}"
        for sku, found in prices.items()
        if len(found) > 1
    ]


def shipping_address_problems(order: Order) -> list[str]:
    """The warehouse needs somewhere to ship to."""
    return [] if order.shipping_address is not None else ["shipping_address is missing"]


def quantity_problems(order: Order) -> list[str]:
    """No line may order more than MAX_QUANTITY units (a typo, not an order)."""
    return [
        f"line_items.{index}.quantity {line.quantity} exceeds {MAX_QUANTITY}"
        for index, line in enumerate(order.line_items)
        if line.quantity > MAX_QUANTITY
    ]


def business_problems(order: Order) -> list[str]:
    """Every business rule the order breaks, in a fixed order."""
    return [
        *shipping_address_problems(order),
        *quantity_problems(order),
        *price_conflict_problems(order),
        *totals_problems(order),
    ]


def validate_order(step: OrderStepInput) -> ValidatedOrder:
    """The normalized order, or `OrderInvalid` listing every broken rule."""
    problems = business_problems(step.order)
    if problems:
        count("OrdersInvalid")
        raise OrderInvalid(step.business_key, problems)
    count("OrdersValidated")
    return ValidatedOrder(order=step.order)
