"""Importing a handler costs nothing: no environment read, no AWS client created."""

import boto3
import pytest

from sluice_shared import settings
from tests.fixtures.handlers import load_handler_module

ORDERS_FUNCTIONS = [
    "orders/ingest",
    "orders/validate_order",
    "orders/upsert_customer",
    "orders/create_sales_order",
    "orders/create_fulfilment",
]
FUNCTION_SETTINGS = [
    settings.ORDERS_STATE_MACHINE_ARN,
    settings.ORDERS_TABLE_NAME,
    settings.WEBHOOK_SECRET_NAME,
    settings.IDEMPOTENCY_TABLE_NAME,
    settings.ERP_SETTINGS_PARAMETER,
    settings.ERP_API_KEY_SECRET_NAME,
    settings.WAREHOUSE_SETTINGS_PARAMETER,
    settings.WAREHOUSE_API_KEY_SECRET_NAME,
]


def refuse_client(*args: object, **kwargs: object) -> None:
    """Stand-in for boto3's client factories that fails the test if called."""
    raise AssertionError("a boto3 client was created at import time")


@pytest.mark.parametrize("function_dir", ORDERS_FUNCTIONS)
def test_a_handler_imports_without_settings_or_clients(function_dir, monkeypatch):
    """GIVEN no function settings and no boto3 WHEN the handler is imported THEN it loads."""
    for name in FUNCTION_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(boto3, "client", refuse_client)
    monkeypatch.setattr(boto3.session.Session, "client", refuse_client)
    module = load_handler_module(function_dir, fresh=True)
    assert callable(module.handler)
