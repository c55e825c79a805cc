"""Price a shipment by its order's terms: each shipped line at the unit price the order agreed."""

from dataclasses import dataclass
from decimal import Decimal

from sluice_shared.billing.errors import ShipmentInvalid
from sluice_shared.billing.models import OrderTerms, PricedLine, Shipment

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class PricedShipment:
    """A shipment's lines with their prices, what they add up to and the payment to capture."""

    lines: list[PricedLine]
    amount: Decimal
    payment_reference: str


def _ordered(terms: OrderTerms) -> tuple[dict[str, int], dict[str, set[Decimal]]]:
    """Quantities ordered and unit prices agreed, by sku."""
    quantities: dict[str, int] = {}
    prices: dict[str, set[Decimal]] = {}
    for line in terms.lines:
        quantities[line.sku] = quantities.get(line.sku, 0) + line.quantity
        prices.setdefault(line.sku, set()).add(line.unit_price)
    return quantities, prices


def _problems(shipment: Shipment, terms: OrderTerms) -> list[str]:
    """Why the shipment cannot be billed by these terms (empty when it can)."""
    quantities, prices = _ordered(terms)
    problems = []
    if terms.payment_reference is None:
        problems.append(f"order {terms.order_key} carries no payment reference to capture")
    for line in shipment.lines:
        if line.sku not in quantities:
            problems.append(f"sku {line.sku} is not in order {terms.order_key}")
        elif line.quantity > quantities[line.sku]:
            problems.append(
                f"sku {line.sku}: {line.quantity} shipped, {quantities[line.sku]} ordered"
            )
        elif len(prices[line.sku]) > 1:
            problems.append(f"sku {line.sku} has several unit prices in order {terms.order_key}")
    return problems


def price_shipment(business_key: str, shipment: Shipment, terms: OrderTerms) -> PricedShipment:
    """The shipment's priced lines and amount; `ShipmentInvalid` lists what does not fit."""
    problems = _problems(shipment, terms)
    if problems:
        raise ShipmentInvalid(business_key, problems)
    _, prices = _ordered(terms)
    lines = [
        PricedLine(sku=line.sku, quantity=line.quantity, unit_price=next(iter(prices[line.sku])))
        for line in shipment.lines
    ]
    amount = sum((line.unit_price * line.quantity for line in lines), Decimal("0")).quantize(_CENT)
    if amount <= 0:
        raise ShipmentInvalid(business_key, ["the shipped lines add up to no amount to bill"])
    return PricedShipment(lines, amount, str(terms.payment_reference))
