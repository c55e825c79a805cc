"""Fixtures for the dispatcher tests: mocked tables and queue, a fake ERP, a dispatcher."""

from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from moto import mock_aws

from sluice_shared import settings
from sluice_shared.dispatch import Dispatcher, default_registry
from sluice_shared.dispatch.callbacks import TaskCallbacks
from sluice_shared.dispatch.deferral import MessageDeferrer
from sluice_shared.dispatch.idempotency import OnceRunner
from sluice_shared.dispatch.wiring import clear_caches, provider_client
from sluice_shared.governor import GovernorTable
from tests.fixtures.aws import IDEMPOTENCY_TABLE_NAME, create_idempotency_table, reset_caches
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.provider_server import FakeProvider, provider_server
from tests.fixtures.providers import configure_erp
from tests.unit.dispatch.support import FakeStepFunctions, RequestQueue
from tests.unit.governor.support import create_governor_table

__all__ = ["provider_server"]


@dataclass
class DispatchWorld:
    """Everything a dispatcher test touches."""

    dispatcher: Dispatcher
    queue: RequestQueue
    erp: FakeProvider
    stepfunctions: FakeStepFunctions
    governor_table: GovernorTable


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """No client, setting or logger cached by an earlier test."""
    reset_caches()
    clear_caches()
    yield
    reset_caches()
    clear_caches()


@pytest.fixture
def world(
    monkeypatch: pytest.MonkeyPatch, provider_server: FakeProvider
) -> Iterator[DispatchWorld]:
    """A dispatcher wired as in Lambda (mocked AWS, the fake ERP), fake Step Functions."""
    with mock_aws():
        create_idempotency_table()
        governor_table = create_governor_table()
        monkeypatch.setenv(settings.IDEMPOTENCY_TABLE_NAME, IDEMPOTENCY_TABLE_NAME)
        monkeypatch.setenv(settings.GOVERNOR_TABLE_NAME, governor_table.table_name)
        configure_erp(monkeypatch, provider_server.base_url)
        queue = RequestQueue()
        stepfunctions = FakeStepFunctions()
        dispatcher = Dispatcher(
            registry=default_registry(),
            client_for=provider_client,
            callbacks=TaskCallbacks(stepfunctions),
            deferrer=MessageDeferrer(queue.client),
            once=OnceRunner(IDEMPOTENCY_TABLE_NAME, boto3.client("dynamodb"), FakeLambdaContext()),
            heartbeat_seconds=0.005,
        )
        yield DispatchWorld(dispatcher, queue, provider_server, stepfunctions, governor_table)
