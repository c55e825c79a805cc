"""The ERP client's requests and how it reads the ERP's answers."""

import pytest

from sluice_shared.providers.erp import ErpClient
from sluice_shared.providers.errors import ProviderUnavailable
from tests.fixtures.orders import BUSINESS_KEY, order_model
from tests.fixtures.provider_server import ScriptedResponse
from tests.fixtures.providers import http_client


@pytest.fixture
def erp(provider_server) -> ErpClient:
    """An ERP client talking to the fake provider."""
    return ErpClient(http_client("erp", provider_server.base_url))


def test_find_customer_queries_by_email(provider_server, erp):
    """GIVEN a search WHEN sent THEN `GET /customers?email=<email>`."""
    provider_server.script("GET", "/customers", ScriptedResponse(200, {"customers": []}))
    erp.find_customer_by_email("ada@example.com")
    [sent] = provider_server.requests_to("GET", "/customers")
    assert sent.query == {"email": ["ada@example.com"]}


def test_find_customer_returns_the_exact_email_match(provider_server, erp):
    """GIVEN a fuzzy search result WHEN read THEN the customer whose email matches."""
    found = {
        "customers": [
            {"id": 7, "email": "ada.l@example.com"},
            {"id": 8, "email": "ADA@example.com"},
        ]
    }
    provider_server.script("GET", "/customers", ScriptedResponse(200, found))
    customer = erp.find_customer_by_email("ada@example.com")
    assert customer is not None
    assert customer.id == "8"


def test_find_customer_returns_none_when_absent(provider_server, erp):
    """GIVEN no customers WHEN searched THEN None."""
    provider_server.script("GET", "/customers", ScriptedResponse(200, {"customers": []}))
    assert erp.find_customer_by_email("ada@example.com") is None


def test_create_sales_order_sends_the_order_with_its_reference(provider_server, erp):
    """GIVEN an order WHEN its sales order is created THEN lines, totals and reference are sent."""
    provider_server.script(
        "POST", "/sales-orders", ScriptedResponse(201, {"id": "SO-1", "number": "10001"})
    )
    created = erp.create_sales_order(order_model(), BUSINESS_KEY, "CUST-1", "key-1")
    [sent] = provider_server.requests_to("POST", "/sales-orders")
    assert (created.id, created.number) == ("SO-1", "10001")
    assert sent.body["customerId"] == "CUST-1"
    assert sent.body["externalReference"] == BUSINESS_KEY
    assert sent.body["currency"] == "EUR"
    assert sent.body["lines"][0] == {
        "sku": "MUG-BLUE",
        "description": "Blue mug",
        "quantity": 2,
        "unitPrice": "19.99",
    }
    assert sent.body["totals"] == {"shipping": "4.95", "tax": "17.00", "total": "111.43"}
    assert sent.body["shippingAddress"]["postalCode"] == "N1 9GU"
    assert sent.headers["idempotency-key"] == "key-1"


def test_a_sales_order_answer_without_an_id_is_a_provider_fault(provider_server, erp):
    """GIVEN 201 without `id` WHEN read THEN ProviderUnavailable naming the field."""
    provider_server.script("POST", "/sales-orders", ScriptedResponse(201, {"number": "10001"}))
    with pytest.raises(ProviderUnavailable, match="id"):
        erp.create_sales_order(order_model(), BUSINESS_KEY, "CUST-1", "key-1")


def test_create_customer_sends_names_and_billing_address(provider_server, erp):
    """GIVEN a customer WHEN created THEN email, names and billing address are sent."""
    provider_server.script("POST", "/customers", ScriptedResponse(201, {"id": "C-9"}))
    order = order_model()
    created = erp.create_customer(order.customer, order.billing_address, "customer-abc")
    [sent] = provider_server.requests_to("POST", "/customers")
    assert created.id == "C-9"
    assert sent.body["email"] == "ada.lovelace@example.com"
    assert (sent.body["firstName"], sent.body["lastName"]) == ("Ada", "Lovelace")
    assert sent.body["billingAddress"]["name"] == "Ada Lovelace"
    assert sent.headers["idempotency-key"] == "customer-abc"
