"""The provider-calling Lambdas: upsert_customer, create_sales_order, create_fulfilment."""

import pytest

from sluice_shared.providers.errors import ProviderRejected, ProviderThrottled
from tests.fixtures.handlers import load_handler_module
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.orders import BUSINESS_KEY, step_payload
from tests.fixtures.provider_server import ScriptedResponse
from tests.fixtures.providers import configure_erp, configure_warehouse


def invoke(function_dir: str, event: dict) -> dict:
    """Invoke one handler with a fresh context."""
    return load_handler_module(function_dir).handler(event, FakeLambdaContext())


@pytest.fixture
def erp(aws_resources, provider_server, monkeypatch):
    """The fake provider configured as the ERP."""
    configure_erp(monkeypatch, provider_server.base_url)
    return provider_server


@pytest.fixture
def warehouse(aws_resources, provider_server, monkeypatch):
    """The fake provider configured as the warehouse."""
    configure_warehouse(monkeypatch, provider_server.base_url)
    return provider_server


def test_upsert_customer_returns_the_existing_customer(erp):
    """GIVEN the ERP knows the email WHEN invoked THEN its id, created false."""
    known = {"customers": [{"id": "C-7", "email": "ada.lovelace@example.com"}]}
    erp.script("GET", "/customers", ScriptedResponse(200, known))
    result = invoke("orders/upsert_customer", step_payload("upsert-customer"))
    assert result == {"customerId": "C-7", "created": False}


def test_upsert_customer_creates_a_missing_customer(erp):
    """GIVEN an unknown email WHEN invoked THEN the new id, created true."""
    erp.script("GET", "/customers", ScriptedResponse(200, {"customers": []}))
    erp.script("POST", "/customers", ScriptedResponse(201, {"id": "C-8"}))
    result = invoke("orders/upsert_customer", step_payload("upsert-customer"))
    assert result == {"customerId": "C-8", "created": True}


def test_create_sales_order_returns_the_erp_ids(erp):
    """GIVEN the ERP creates the order WHEN invoked THEN salesOrderId and salesOrderNumber."""
    erp.script("POST", "/sales-orders", ScriptedResponse(201, {"id": "SO-1", "number": "10001"}))
    result = invoke("orders/create_sales_order", step_payload("create-sales-order"))
    assert result == {"salesOrderId": "SO-1", "salesOrderNumber": "10001"}
    [sent] = erp.requests_to("POST", "/sales-orders")
    assert sent.body["customerId"] == "CUST-000381"


def test_create_sales_order_invoked_twice_creates_one_sales_order(erp):
    """GIVEN the step already succeeded WHEN Step Functions runs it again THEN no new request."""
    erp.script("POST", "/sales-orders", ScriptedResponse(201, {"id": "SO-1", "number": "10001"}))
    first = invoke("orders/create_sales_order", step_payload("create-sales-order"))
    second = invoke("orders/create_sales_order", step_payload("create-sales-order"))
    assert first == second
    assert len(erp.requests_to("POST", "/sales-orders")) == 1


def test_create_sales_order_raises_provider_rejected_on_a_400(erp):
    """GIVEN the ERP refuses the data WHEN invoked THEN ProviderRejected with its message."""
    erp.script("POST", "/sales-orders", ScriptedResponse(400, {"message": "unknown customer"}))
    with pytest.raises(ProviderRejected, match="unknown customer"):
        invoke("orders/create_sales_order", step_payload("create-sales-order"))


def test_create_fulfilment_returns_the_warehouse_id(warehouse):
    """GIVEN the warehouse accepts WHEN invoked THEN fulfilmentId, with the business key sent."""
    warehouse.script("POST", "/fulfilments", ScriptedResponse(201, {"id": "F-1"}))
    result = invoke("orders/create_fulfilment", step_payload("create-fulfilment"))
    [sent] = warehouse.requests_to("POST", "/fulfilments")
    assert result == {"fulfilmentId": "F-1"}
    assert (sent.body["salesOrderId"], sent.body["externalReference"]) == (
        "SO-2025-004211",
        BUSINESS_KEY,
    )


def test_create_fulfilment_raises_provider_throttled_on_a_429(warehouse):
    """GIVEN the warehouse answers 429 WHEN invoked THEN ProviderThrottled carrying Retry-After."""
    warehouse.script("POST", "/fulfilments", ScriptedResponse(429, None, {"Retry-After": "12"}))
    with pytest.raises(ProviderThrottled) as raised:
        invoke("orders/create_fulfilment", step_payload("create-fulfilment"))
    assert raised.value.retry_after == 12
