"""The governor: per provider account backoff, sync-budget leases and the dead man's switch."""

from sluice_shared.governor.backoff import backoff_seconds
from sluice_shared.governor.config import DEFAULT_ACCOUNT, GovernorConfig, integration_key
from sluice_shared.governor.errors import GovernorSaturated, ProviderBackoff
from sluice_shared.governor.governor import Governor
from sluice_shared.governor.silence import Silence, find_silent_integrations
from sluice_shared.governor.store import AccountState, GovernorTable, Lease

__all__ = [
    "DEFAULT_ACCOUNT",
    "AccountState",
    "Governor",
    "GovernorConfig",
    "GovernorSaturated",
    "GovernorTable",
    "Lease",
    "ProviderBackoff",
    "Silence",
    "backoff_seconds",
    "find_silent_integrations",
    "integration_key",
]
