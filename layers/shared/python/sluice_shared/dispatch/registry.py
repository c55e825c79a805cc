"""Which provider call an envelope's `operation` stands for."""

from collections.abc import Callable, Mapping
from typing import Any

from sluice_shared.billing import invoices, tracking
from sluice_shared.dispatch import erp_operations
from sluice_shared.dispatch.envelope import RequestEnvelope
from sluice_shared.dispatch.errors import OperationUnknown
from sluice_shared.inventory import storefront
from sluice_shared.providers import erp
from sluice_shared.providers.client import ProviderClient

Operation = Callable[[ProviderClient, RequestEnvelope], dict[str, Any]]
"""Performs one request with the provider's client; returns the JSON result."""


class OperationRegistry:
    """Operations by provider and name."""

    def __init__(self, operations: Mapping[tuple[str, str], Operation]) -> None:
        self._operations = dict(operations)

    def find(self, provider: str, operation: str) -> Operation:
        """The operation `operation` of `provider`, or `OperationUnknown`."""
        found = self._operations.get((provider, operation))
        if found is None:
            raise OperationUnknown(f"no operation {operation!r} for provider {provider!r}")
        return found


def default_registry() -> OperationRegistry:
    """Every operation the suite's workflows send."""
    return OperationRegistry(
        {
            (erp.PROVIDER, erp_operations.RECORD_CUSTOMER_ORDER): (
                erp_operations.record_customer_order
            ),
            (erp.PROVIDER, invoices.CREATE_INVOICE): invoices.create_invoice,
            (tracking.STOREFRONT, tracking.SEND_TRACKING): tracking.send_tracking,
            (storefront.PROVIDER, storefront.SET_LEVELS): storefront.set_levels,
        }
    )
