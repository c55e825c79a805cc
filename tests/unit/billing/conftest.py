"""Fixtures for the billing tests: mocked AWS named as the template names it, simulators."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from moto import mock_aws

from sluice.simulators.erp import ErpSimulator
from sluice.simulators.payments import PaymentGatewaySimulator
from sluice.simulators.storefront import StorefrontSimulator
from sluice_shared import settings
from sluice_shared.billing import config, gateway
from sluice_shared.billing.events import events_client
from sluice_shared.dispatch.wiring import clear_caches
from tests.fixtures.aws import (
    IDEMPOTENCY_TABLE_NAME,
    create_idempotency_table,
    create_state_machine,
    put_provider_settings,
    put_secret,
    reset_caches,
)
from tests.fixtures.events import TEST_WEBHOOK_SECRET
from tests.fixtures.providers import TEST_READ_TIMEOUT_SECONDS
from tests.unit.billing.support import (
    BILLING_STATE_MACHINE_NAME,
    EVENT_BUS_NAME,
    ORDER_TERMS_TABLE_NAME,
    PAYMENTS_API_KEY_SECRET_NAME,
    PAYMENTS_SETTINGS_PARAMETER,
    SHIPMENTS_TABLE_NAME,
    WAREHOUSE_WEBHOOK_SECRET_NAME,
    create_order_terms_table,
    create_shipments_table,
)


@dataclass(frozen=True)
class BillingAws:
    """Names and ARNs of the mocked billing resources."""

    shipments_table_name: str
    terms_table_name: str
    idempotency_table_name: str
    state_machine_arn: str


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """No client, setting or logger cached by an earlier test."""
    reset_caches()
    gateway.clear_clients()
    events_client.cache_clear()
    clear_caches()
    yield
    reset_caches()
    gateway.clear_clients()
    events_client.cache_clear()
    clear_caches()


@pytest.fixture
def billing_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[BillingAws]:
    """Mocked shipments, order terms and idempotency tables, billing state machine, secret."""
    with mock_aws():
        create_shipments_table()
        create_order_terms_table()
        create_idempotency_table()
        resources = BillingAws(
            shipments_table_name=SHIPMENTS_TABLE_NAME,
            terms_table_name=ORDER_TERMS_TABLE_NAME,
            idempotency_table_name=IDEMPOTENCY_TABLE_NAME,
            state_machine_arn=create_state_machine(BILLING_STATE_MACHINE_NAME),
        )
        put_secret(WAREHOUSE_WEBHOOK_SECRET_NAME, TEST_WEBHOOK_SECRET)
        monkeypatch.setenv(settings.SHIPMENTS_TABLE_NAME, SHIPMENTS_TABLE_NAME)
        monkeypatch.setenv(settings.IDEMPOTENCY_TABLE_NAME, IDEMPOTENCY_TABLE_NAME)
        monkeypatch.setenv(settings.BILLING_STATE_MACHINE_ARN, resources.state_machine_arn)
        monkeypatch.setenv(settings.WEBHOOK_SECRET_NAME, WAREHOUSE_WEBHOOK_SECRET_NAME)
        monkeypatch.setenv(config.ORDER_TERMS_TABLE_NAME, ORDER_TERMS_TABLE_NAME)
        monkeypatch.setenv(config.EVENT_BUS_NAME, EVENT_BUS_NAME)
        yield resources


@pytest.fixture
def payments() -> Iterator[PaymentGatewaySimulator]:
    """The payment gateway simulator on loopback."""
    with PaymentGatewaySimulator() as simulator:
        yield simulator


@pytest.fixture
def configured_payments(
    billing_aws: BillingAws, payments: PaymentGatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> PaymentGatewaySimulator:
    """The gateway's settings and key in mocked SSM and Secrets Manager, named in the env."""
    put_provider_settings(
        PAYMENTS_SETTINGS_PARAMETER,
        {
            "baseUrl": payments.url,
            "timeoutSeconds": TEST_READ_TIMEOUT_SECONDS * 10,
            "connectTimeoutSeconds": 1.0,
            "connectionCap": 4,
        },
    )
    put_secret(PAYMENTS_API_KEY_SECRET_NAME, payments.settings.api_key)
    monkeypatch.setenv(settings.PAYMENTS_SETTINGS_PARAMETER, PAYMENTS_SETTINGS_PARAMETER)
    monkeypatch.setenv(settings.PAYMENTS_API_KEY_SECRET_NAME, PAYMENTS_API_KEY_SECRET_NAME)
    return payments


@pytest.fixture
def erp() -> Iterator[ErpSimulator]:
    """The ERP simulator on loopback."""
    with ErpSimulator() as simulator:
        yield simulator


@pytest.fixture
def storefront() -> Iterator[StorefrontSimulator]:
    """The storefront simulator on loopback."""
    with StorefrontSimulator() as simulator:
        yield simulator
