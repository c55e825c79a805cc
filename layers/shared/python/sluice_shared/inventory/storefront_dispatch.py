"""The storefront dispatcher as the Lambda runs it: the shared dispatcher, paced per invocation.

It is the ERP dispatcher's code (`sluice_shared.dispatch`: registry, partial batch
responses, idempotency, deferral of throttled messages, callbacks) with one difference: the
storefront limits requests per second, not connections, so every request also waits for its
turn on a `Pacer` holding this invocation's share of the rate limit (see pacing.py). The
pacer lives for one invocation, so the client (and its connection pool) does too.
"""

import functools
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared import settings
from sluice_shared.aws import dynamodb_client, stepfunctions_client
from sluice_shared.dispatch.callbacks import TaskCallbacks
from sluice_shared.dispatch.deferral import MessageDeferrer
from sluice_shared.dispatch.dispatcher import BatchResult, Dispatcher
from sluice_shared.dispatch.errors import AccountUnknown, OperationUnknown
from sluice_shared.dispatch.idempotency import OnceRunner
from sluice_shared.dispatch.registry import default_registry
from sluice_shared.dispatch.wiring import MAX_BACKOFF_WAIT_SECONDS, sqs_client
from sluice_shared.governor import DEFAULT_ACCOUNT, Governor, GovernorConfig, GovernorTable
from sluice_shared.inventory import storefront
from sluice_shared.inventory.pacing import Pacer
from sluice_shared.providers.client import ProviderClient
from sluice_shared.providers.config import load_api_key, load_provider_settings


@functools.cache
def _governor(table_name: str) -> Governor:
    """The governor on `table_name` (backoff only), reused by warm invocations."""
    config = GovernorConfig(max_backoff_wait_seconds=MAX_BACKOFF_WAIT_SECONDS)
    return Governor(GovernorTable(table_name, dynamodb_client()), config)


def storefront_client(pacer: Pacer) -> ProviderClient:
    """A storefront client whose requests pass the governor's backoff gate, then the pacer."""
    governor = _governor(settings.governor_table_name())
    return ProviderClient(
        storefront.PROVIDER,
        load_provider_settings(settings.storefront_settings_parameter()),
        load_api_key(settings.storefront_api_key_secret_name()),
        guard=pacer.guard(governor.request_guard(DEFAULT_ACCOUNT)),
    )


def dispatch_storefront_batch(event: dict[str, Any], context: LambdaContext | None) -> BatchResult:
    """Perform one SQS batch of storefront requests within this invocation's rate share."""
    pacer = Pacer.for_share(
        settings.storefront_rate_limit_per_second(), settings.storefront_dispatcher_concurrency()
    )
    client = storefront_client(pacer)

    def client_for(provider: str, account: str | None) -> ProviderClient:
        if provider != storefront.PROVIDER:
            raise OperationUnknown(f"the storefront dispatcher does not call {provider!r}")
        if account not in (None, DEFAULT_ACCOUNT):
            raise AccountUnknown(f"the storefront has only the account {DEFAULT_ACCOUNT!r}")
        return client

    dispatcher = Dispatcher(
        registry=default_registry(),
        client_for=client_for,
        callbacks=TaskCallbacks(stepfunctions_client()),
        deferrer=MessageDeferrer(sqs_client()),
        once=OnceRunner(settings.idempotency_table_name(), dynamodb_client(), context),
    )
    result = dispatcher.process_batch(event, context)
    pacer.drain()
    return result


def clear_caches() -> None:
    """Forget the cached governor (tests start each AWS mock fresh)."""
    _governor.cache_clear()
