"""Provider clients built from the environment's settings and keys, reused by warm invocations.

A client (and its connection pool) is cached per settings, API key and governor table, so a
changed parameter or a rotated key builds a new one on the next call after Powertools' cache
expires. When the function is configured with a governor table (`GOVERNOR_TABLE_NAME`, as the
template configures every sync step), every request of these (sync) clients goes through the
governor: the account's backoff gate and one of its `syncBudget` lease slots, so sync steps and
the dispatcher's B x R connections together stay within the provider's cap. Without it (unit
tests of the clients alone) they are ungoverned.
"""

import functools

from sluice_shared import settings
from sluice_shared.aws import dynamodb_client
from sluice_shared.governor import Governor, GovernorTable
from sluice_shared.providers import erp, warehouse
from sluice_shared.providers.client import ProviderClient
from sluice_shared.providers.config import ProviderSettings, load_api_key, load_provider_settings
from sluice_shared.providers.erp import ErpClient
from sluice_shared.providers.warehouse import WarehouseClient


@functools.cache
def _governor(table_name: str) -> Governor:
    """The governor on `table_name`, reused by warm invocations."""
    return Governor(GovernorTable(table_name, dynamodb_client()))


def governed_client(
    provider: str, provider_settings: ProviderSettings, api_key: str, governor_table: str | None
) -> ProviderClient:
    """A client whose every request holds one of the account's sync lease slots (if governed)."""
    if governor_table is None:
        return ProviderClient(provider, provider_settings, api_key)
    guard = _governor(governor_table).request_guard(
        provider_settings.account, slots=provider_settings.sync_slots
    )
    return ProviderClient(provider, provider_settings, api_key, guard=guard)


@functools.lru_cache(maxsize=4)
def _erp_client(
    provider_settings: ProviderSettings, api_key: str, governor_table: str | None
) -> ErpClient:
    """The ERP client for these settings, key and governor table."""
    return ErpClient(governed_client(erp.PROVIDER, provider_settings, api_key, governor_table))


@functools.lru_cache(maxsize=4)
def _warehouse_client(
    provider_settings: ProviderSettings, api_key: str, governor_table: str | None
) -> WarehouseClient:
    """The warehouse client for these settings, key and governor table."""
    return WarehouseClient(
        governed_client(warehouse.PROVIDER, provider_settings, api_key, governor_table)
    )


def erp_client(
    settings_parameter: str | None = None, api_key_secret_name: str | None = None
) -> ErpClient:
    """The ERP client configured by `ERP_SETTINGS_PARAMETER`, its key's secret and the governor."""
    provider_settings = load_provider_settings(settings.erp_settings_parameter(settings_parameter))
    api_key = load_api_key(settings.erp_api_key_secret_name(api_key_secret_name))
    return _erp_client(provider_settings, api_key, settings.optional_governor_table_name())


def warehouse_client(
    settings_parameter: str | None = None, api_key_secret_name: str | None = None
) -> WarehouseClient:
    """The warehouse client configured by `WAREHOUSE_SETTINGS_PARAMETER`, its key, the governor."""
    provider_settings = load_provider_settings(
        settings.warehouse_settings_parameter(settings_parameter)
    )
    api_key = load_api_key(settings.warehouse_api_key_secret_name(api_key_secret_name))
    return _warehouse_client(provider_settings, api_key, settings.optional_governor_table_name())


def clear_clients() -> None:
    """Forget the cached provider clients and governors (tests, or after changing settings)."""
    _governor.cache_clear()
    _erp_client.cache_clear()
    _warehouse_client.cache_clear()
