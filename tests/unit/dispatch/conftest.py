"""Fixtures for the dispatcher tests: mocked tables and queue, a fake ERP, a dispatcher."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from sluice_shared import clock, settings
from sluice_shared.dispatch import Dispatcher, default_registry
from sluice_shared.dispatch.callbacks import TaskCallbacks
from sluice_shared.dispatch.deferral import MessageDeferrer
from sluice_shared.dispatch.idempotency import OnceRunner
from sluice_shared.dispatch.wiring import clear_caches
from sluice_shared.governor import Governor, GovernorTable
from sluice_shared.providers.client import ProviderClient
from tests.fixtures.aws import IDEMPOTENCY_TABLE_NAME, create_idempotency_table, reset_caches
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.provider_server import FakeProvider, provider_server
from tests.fixtures.providers import ERP, configure_erp, fake_provider_settings
from tests.unit.dispatch.support import NOW, FakeStepFunctions, RequestQueue
from tests.unit.governor.support import FakeClock, create_governor_table

__all__ = ["provider_server"]


@dataclass
class DispatchWorld:
    """Everything a dispatcher test touches; `dispatcher_with(**changes)` builds another one
    with some constructor arguments changed."""

    dispatcher: Dispatcher
    queue: RequestQueue
    erp: FakeProvider
    stepfunctions: FakeStepFunctions
    governor_table: GovernorTable
    dispatcher_with: Callable[..., Dispatcher]


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """No client, setting or logger cached by an earlier test."""
    reset_caches()
    clear_caches()
    yield
    reset_caches()
    clear_caches()


@pytest.fixture
def mocked_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[GovernorTable]:
    """Mocked idempotency and governor tables, named in the environment as the template does."""
    with mock_aws():
        create_idempotency_table()
        governor_table = create_governor_table()
        monkeypatch.setenv(settings.IDEMPOTENCY_TABLE_NAME, IDEMPOTENCY_TABLE_NAME)
        monkeypatch.setenv(settings.GOVERNOR_TABLE_NAME, governor_table.table_name)
        yield governor_table


@pytest.fixture
def world(mocked_aws: GovernorTable, provider_server: FakeProvider) -> DispatchWorld:
    """A dispatcher on mocked AWS and the fake ERP, with fake Step Functions.

    The ERP client is built directly (the Lambda wiring reads SSM and Secrets Manager; the
    handler tests cover that) and its governor refuses during any backoff, never sleeping.
    """
    governor = Governor(mocked_aws)
    erp_settings = fake_provider_settings(provider_server.base_url)

    def client_for(provider: str, account: str | None) -> ProviderClient:
        return ProviderClient(provider, erp_settings, ERP.api_key, guard=governor.request_guard())

    queue = RequestQueue()
    stepfunctions = FakeStepFunctions()
    parts: dict[str, Any] = {
        "registry": default_registry(),
        "client_for": client_for,
        "callbacks": TaskCallbacks(stepfunctions),
        "deferrer": MessageDeferrer(queue.client),
        "once": OnceRunner(IDEMPOTENCY_TABLE_NAME, boto3.client("dynamodb"), FakeLambdaContext()),
        "heartbeat_seconds": 0.005,
    }

    def dispatcher_with(**changes: Any) -> Dispatcher:
        return Dispatcher(**{**parts, **changes})

    return DispatchWorld(
        dispatcher_with(), queue, provider_server, stepfunctions, mocked_aws, dispatcher_with
    )


@pytest.fixture
def configured_erp(
    mocked_aws: GovernorTable, monkeypatch: pytest.MonkeyPatch, provider_server: FakeProvider
) -> FakeProvider:
    """The fake ERP's settings and key in mocked SSM and Secrets Manager, as Lambda reads them."""
    configure_erp(monkeypatch, provider_server.base_url)
    return provider_server


@pytest.fixture
def frozen_time() -> Iterator[FakeClock]:
    """The shared layer's clock, frozen at NOW."""
    frozen = FakeClock(NOW)
    previous = clock.install(frozen)
    yield frozen
    clock.install(previous)
