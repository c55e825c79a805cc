"""Upsert customer: reuse the ERP customer with the order's email, else create one."""

import pytest

from sluice_shared.keys import customer_idempotency_key
from sluice_shared.models.steps import CustomerResult, OrderStepInput
from sluice_shared.orders.customers import upsert_customer
from sluice_shared.providers.erp import ErpClient
from sluice_shared.providers.errors import ProviderRejected
from tests.fixtures.orders import BUSINESS_KEY, order_model
from tests.fixtures.provider_server import ScriptedResponse
from tests.fixtures.providers import http_client

STEP = OrderStepInput(business_key=BUSINESS_KEY, order=order_model())


@pytest.fixture
def erp(provider_server) -> ErpClient:
    """An ERP client talking to the fake provider."""
    return ErpClient(http_client("erp", provider_server.base_url))


def test_an_existing_customer_is_reused(provider_server, erp):
    """GIVEN the ERP knows the email WHEN upserted THEN its id, created false, nothing posted."""
    known = {"customers": [{"id": "C-7", "email": "ada.lovelace@example.com"}]}
    provider_server.script("GET", "/customers", ScriptedResponse(200, known))
    assert upsert_customer(STEP, erp) == CustomerResult(customer_id="C-7", created=False)
    assert provider_server.requests_to("POST", "/customers") == []


def test_a_missing_customer_is_created(provider_server, erp):
    """GIVEN an unknown email WHEN upserted THEN the new id, created true."""
    provider_server.script("GET", "/customers", ScriptedResponse(200, {"customers": []}))
    provider_server.script("POST", "/customers", ScriptedResponse(201, {"id": "C-8"}))
    assert upsert_customer(STEP, erp) == CustomerResult(customer_id="C-8", created=True)


def test_creating_a_customer_carries_the_email_idempotency_key(provider_server, erp):
    """GIVEN an unknown email WHEN created THEN the key derives from the email."""
    provider_server.script("GET", "/customers", ScriptedResponse(200, {"customers": []}))
    provider_server.script("POST", "/customers", ScriptedResponse(201, {"id": "C-8"}))
    upsert_customer(STEP, erp)
    [sent] = provider_server.requests_to("POST", "/customers")
    assert sent.headers["idempotency-key"] == customer_idempotency_key(
        "ada.lovelace@example.com", BUSINESS_KEY
    )


def test_losing_a_creation_race_reuses_the_winners_customer(provider_server, erp):
    """GIVEN another order created the customer first WHEN the ERP answers 409 THEN reuse it."""
    winner = {"customers": [{"id": "C-9", "email": "ada.lovelace@example.com"}]}
    provider_server.script(
        "GET",
        "/customers",
        ScriptedResponse(200, {"customers": []}),
        ScriptedResponse(200, winner),
    )
    provider_server.script("POST", "/customers", ScriptedResponse(409, {"message": "email used"}))
    assert upsert_customer(STEP, erp) == CustomerResult(customer_id="C-9", created=False)


def test_a_conflict_without_a_customer_to_find_is_still_rejected(provider_server, erp):
    """GIVEN a 409 and still no customer by that email WHEN upserted THEN ProviderRejected."""
    provider_server.script("GET", "/customers", ScriptedResponse(200, {"customers": []}))
    provider_server.script("POST", "/customers", ScriptedResponse(409, {"message": "conflict"}))
    with pytest.raises(ProviderRejected):
        upsert_customer(STEP, erp)
