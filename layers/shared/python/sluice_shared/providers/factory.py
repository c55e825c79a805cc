"""Provider clients built from the environment's settings and keys, reused by warm invocations.

A client (and its connection pool) is cached per settings and API key, so a changed
parameter or a rotated key builds a new one on the next call after Powertools' cache expires.
"""

import functools

from sluice_shared import settings
from sluice_shared.providers import erp, warehouse
from sluice_shared.providers.client import ProviderClient
from sluice_shared.providers.config import ProviderSettings, load_api_key, load_provider_settings
from sluice_shared.providers.erp import ErpClient
from sluice_shared.providers.warehouse import WarehouseClient


@functools.lru_cache(maxsize=4)
def _erp_client(provider_settings: ProviderSettings, api_key: str) -> ErpClient:
    """The ERP client for these settings and key."""
    return ErpClient(ProviderClient(erp.PROVIDER, provider_settings, api_key))


@functools.lru_cache(maxsize=4)
def _warehouse_client(provider_settings: ProviderSettings, api_key: str) -> WarehouseClient:
    """The warehouse client for these settings and key."""
    return WarehouseClient(ProviderClient(warehouse.PROVIDER, provider_settings, api_key))


def erp_client(
    settings_parameter: str | None = None, api_key_secret_name: str | None = None
) -> ErpClient:
    """The ERP client configured by `ERP_SETTINGS_PARAMETER` and `ERP_API_KEY_SECRET_NAME`."""
    provider_settings = load_provider_settings(settings.erp_settings_parameter(settings_parameter))
    api_key = load_api_key(settings.erp_api_key_secret_name(api_key_secret_name))
    return _erp_client(provider_settings, api_key)


def warehouse_client(
    settings_parameter: str | None = None, api_key_secret_name: str | None = None
) -> WarehouseClient:
    """The warehouse client configured by `WAREHOUSE_SETTINGS_PARAMETER` and its key's secret."""
    provider_settings = load_provider_settings(
        settings.warehouse_settings_parameter(settings_parameter)
    )
    api_key = load_api_key(settings.warehouse_api_key_secret_name(api_key_secret_name))
    return _warehouse_client(provider_settings, api_key)


def clear_clients() -> None:
    """Forget the cached provider clients (tests, or after changing settings in-process)."""
    _erp_client.cache_clear()
    _warehouse_client.cache_clear()
