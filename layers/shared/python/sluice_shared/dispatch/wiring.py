"""The dispatcher as the Lambda runs it: clients, tables and settings from the environment.

Provider clients (and their connection pools) are cached per settings, API key and
governor, like `sluice_shared.providers.factory`; they differ from the factory's in their
request guard: the governor's backoff without sync-budget leases (see governor.py).

A request naming an `account` gets that account's client: its own settings and API key from
the provider's settings parameter (`accounts`), and its own backoff gate, so one failing
account does not hold back another. Settings and keys are read through Powertools' cache,
not once per request.
"""

import functools
from collections import Counter
from collections.abc import Callable

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared import settings
from sluice_shared.aws import dynamodb_client, sqs_client, stepfunctions_client
from sluice_shared.dispatch import dispatcher
from sluice_shared.dispatch.callbacks import TaskCallbacks
from sluice_shared.dispatch.deferral import MessageDeferrer
from sluice_shared.dispatch.dispatcher import Dispatcher
from sluice_shared.dispatch.errors import AccountUnknown, OperationUnknown
from sluice_shared.dispatch.idempotency import OnceRunner
from sluice_shared.dispatch.registry import default_registry
from sluice_shared.governor import Governor, GovernorConfig, GovernorTable
from sluice_shared.observability import get_metrics
from sluice_shared.providers import erp, warehouse
from sluice_shared.providers.client import ProviderClient
from sluice_shared.providers.config import (
    ProviderSettings,
    account_access,
    load_api_key,
    load_provider_settings,
)

# Where each provider's settings parameter and API key secret are named.
_PROVIDER_SOURCES: dict[str, tuple[Callable[[], str], Callable[[], str]]] = {
    erp.PROVIDER: (settings.erp_settings_parameter, settings.erp_api_key_secret_name),
    warehouse.PROVIDER: (
        settings.warehouse_settings_parameter,
        settings.warehouse_api_key_secret_name,
    ),
}
# A record waits out a backoff this short in its thread (the invocation may run 120 s)
# instead of being deferred, which would spend one of its receives.
MAX_BACKOFF_WAIT_SECONDS = 5.0
# The backoff state is read once a second per warm instance, not once per request.
STATE_CACHE_SECONDS = 1.0
# Metric names of the ways a record can end (Dispatcher outcomes).
_OUTCOME_METRICS = {
    dispatcher.DONE: "RequestsDone",
    dispatcher.ANSWERED: "RequestsAnsweredWithFailure",
    dispatcher.WORKFLOW_GONE: "RequestsForGoneWorkflows",
    dispatcher.DEFERRED: "RequestsDeferred",
    dispatcher.DUPLICATE_IN_PROGRESS: "RequestsDuplicateInProgress",
    dispatcher.POISON: "RequestsPoison",
    dispatcher.RETRIED: "RequestsRetried",
}


@functools.cache
def _governor(table_name: str) -> Governor:
    """The governor on `table_name`, reused by warm invocations."""
    config = GovernorConfig(
        max_backoff_wait_seconds=MAX_BACKOFF_WAIT_SECONDS, state_cache_seconds=STATE_CACHE_SECONDS
    )
    return Governor(GovernorTable(table_name, dynamodb_client()), config)


# One client (and connection pool) per provider account in use; settings or a key that
# change make a new one, so the cache also holds a few superseded clients.
@functools.lru_cache(maxsize=64)
def _client(
    provider: str, provider_settings: ProviderSettings, api_key: str, governor: Governor
) -> ProviderClient:
    """A provider client whose requests go through its account's backoff gate, with the
    provider's async read timeout (a dispatched call may take minutes)."""
    return ProviderClient(
        provider,
        provider_settings.for_async_calls(),
        api_key,
        guard=governor.request_guard(provider_settings.account),
    )


def provider_client(provider: str, account: str | None = None) -> ProviderClient:
    """The dispatcher's client for `provider`'s `account` (None: its default account).

    Raises `OperationUnknown` for a provider and `AccountUnknown` for an account that is not
    configured: both permanent, so the request is answered or left for the DLQ.
    """
    sources = _PROVIDER_SOURCES.get(provider)
    if sources is None:
        raise OperationUnknown(f"no provider {provider!r} is configured")
    settings_parameter, api_key_secret_name = (source() for source in sources)
    provider_settings = load_provider_settings(settings_parameter)
    access = account_access(provider_settings, api_key_secret_name, account)
    if access is None:
        known = ", ".join(provider_settings.account_names)
        raise AccountUnknown(
            f"no account {account!r} of provider {provider!r} is configured (known: {known})"
        )
    return _client(
        provider,
        access.settings,
        load_api_key(access.api_key_secret_name),
        _governor(settings.governor_table_name()),
    )


def build_dispatcher(context: LambdaContext | None) -> Dispatcher:
    """A dispatcher for one invocation (cheap: the clients behind it are cached)."""
    return Dispatcher(
        registry=default_registry(),
        client_for=provider_client,
        callbacks=TaskCallbacks(stepfunctions_client()),
        deferrer=MessageDeferrer(sqs_client()),
        once=OnceRunner(settings.idempotency_table_name(), dynamodb_client(), context),
    )


def publish_outcomes(outcomes: Counter[str]) -> None:
    """One count metric per way the batch's records ended."""
    metrics = get_metrics()
    for outcome, records in outcomes.items():
        metrics.add_metric(name=_OUTCOME_METRICS[outcome], unit=MetricUnit.Count, value=records)


def clear_caches() -> None:
    """Forget cached clients and governors (tests start each AWS mock fresh)."""
    _governor.cache_clear()
    _client.cache_clear()
