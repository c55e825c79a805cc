"""Environment variables of the billing functions that the shared settings do not name."""

from sluice_shared import settings

ORDER_TERMS_TABLE_NAME = "ORDER_TERMS_TABLE_NAME"
EVENT_BUS_NAME = "EVENT_BUS_NAME"


def order_terms_table_name(value: str | None = None) -> str:
    """The table of orders' billing terms, keyed by the order's business key."""
    return settings.required(ORDER_TERMS_TABLE_NAME, value)


def event_bus_name(value: str | None = None) -> str:
    """The EventBridge bus billing publishes its events on."""
    return settings.required(EVENT_BUS_NAME, value)
