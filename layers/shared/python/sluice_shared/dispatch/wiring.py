"""The dispatcher as the Lambda runs it: clients, tables and settings from the environment.

Provider clients (and their connection pools) are cached per settings, API key and
governor, like `sluice_shared.providers.factory`; they differ from the factory's in their
request guard: the governor's backoff without sync-budget leases (see governor.py).
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
from sluice_shared.dispatch.errors import OperationUnknown
from sluice_shared.dispatch.idempotency import OnceRunner
from sluice_shared.dispatch.registry import default_registry
from sluice_shared.governor import Governor, GovernorConfig, GovernorTable
from sluice_shared.observability import get_metrics
from sluice_shared.providers import erp, warehouse
from sluice_shared.providers.client import ProviderClient
from sluice_shared.providers.config import ProviderSettings, load_api_key, load_provider_settings

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


@functools.lru_cache(maxsize=8)
def _client(
    provider: str, provider_settings: ProviderSettings, api_key: str, governor: Governor
) -> ProviderClient:
    """A provider client whose requests go through its account's backoff gate."""
    return ProviderClient(
        provider,
        provider_settings,
        api_key,
        guard=governor.request_guard(provider_settings.account),
    )


def provider_client(provider: str) -> ProviderClient:
    """The dispatcher's client for `provider`, configured from the environment."""
    sources = _PROVIDER_SOURCES.get(provider)
    if sources is None:
        raise OperationUnknown(f"no provider {provider!r} is configured")
    settings_parameter, api_key_secret_name = (source() for source in sources)
    return _client(
        provider,
        load_provider_settings(settings_parameter),
        load_api_key(api_key_secret_name),
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
