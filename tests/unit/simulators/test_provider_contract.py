"""The shared provider clients of the orders workflow against the simulators: same routes,
response shapes and error mapping as /tmp/orders_contract.md describes."""

import threading

import pytest

from sluice.clock import ScaledClock
from sluice.simulators import (
    SIGNATURE_HEADER,
    ErpSimulator,
    Faults,
    OrderFactory,
)
from sluice_shared.dispatch.envelope import RequestEnvelope
from sluice_shared.dispatch.erp_operations import RECORD_CUSTOMER_ORDER, record_customer_order
from sluice_shared.models.orders import Order
from sluice_shared.providers.client import ProviderClient
from sluice_shared.providers.config import ProviderSettings
from sluice_shared.providers.erp import ErpClient
from sluice_shared.providers.errors import (
    ProviderRejected,
    ProviderThrottled,
    ProviderTimeout,
    ProviderUnavailable,
)
from sluice_shared.providers.warehouse import WarehouseClient
from sluice_shared.webhooks.signature import is_valid_signature

BUSINESS_KEY = "order-shopify-1001"


def _client(simulator, provider: str, timeout: float = 5.0) -> ProviderClient:
    """The shared HTTP client pointed at a simulator with its API key."""
    settings = ProviderSettings(
        base_url=simulator.url, timeout_seconds=timeout, connect_timeout_seconds=2.0
    )
    return ProviderClient(provider, settings, simulator.settings.api_key)


@pytest.fixture
def erp_client(erp) -> ErpClient:
    """The ERP client of the orders handlers, talking to the ERP simulator."""
    return ErpClient(_client(erp, "erp"))


@pytest.fixture
def order() -> Order:
    """A random valid order from the simulators' factory."""
    return Order.model_validate(OrderFactory(seed=1).order())


def test_the_orders_calls_create_a_customer_a_sales_order_and_a_fulfilment(
    erp, erp_client, warehouse, order
):
    """GIVEN the simulators WHEN the orders steps' client calls run THEN each record exists
    once and the answers parse into the clients' response models."""
    assert erp_client.find_customer_by_email(order.customer.email) is None
    customer = erp_client.create_customer(order.customer, order.billing_address, "customer-k")
    assert erp_client.find_customer_by_email(order.customer.email.upper()) == customer
    sales_order = erp_client.create_sales_order(
        order, BUSINESS_KEY, customer.id, f"{BUSINESS_KEY}-sales-order"
    )
    fulfilment = WarehouseClient(_client(warehouse, "warehouse")).create_fulfilment(
        order, order.shipping_address, BUSINESS_KEY, sales_order.id, f"{BUSINESS_KEY}-fulfilment"
    )
    assert [o["id"] for o in erp.sales_orders] == [sales_order.id]
    assert (fulfilment.id, fulfilment.status) == (warehouse.fulfilments[0]["id"], "accepted")


def test_a_repeated_sales_order_call_returns_the_first_sales_order(erp, erp_client, order):
    """GIVEN a sales order created with its key WHEN the step runs again THEN same order."""
    customer = erp.add_customer(order.customer.email)
    key = f"{BUSINESS_KEY}-sales-order"
    first = erp_client.create_sales_order(order, BUSINESS_KEY, customer["id"], key)
    second = erp_client.create_sales_order(order, BUSINESS_KEY, customer["id"], key)
    assert first == second
    assert len(erp.sales_orders) == 1


def test_the_cap_reaches_the_client_as_throttled_with_retry_after(clock, order):
    """GIVEN the ERP at its cap WHEN the client calls THEN ProviderThrottled(retry_after)."""
    with ErpSimulator(clock=clock) as erp:
        erp.configure(concurrency_cap=1, retry_after_seconds=4)
        erp.pause()
        held = _client(erp, "erp")
        blocker = threading.Thread(target=lambda: held.request("GET", "/customers"))
        blocker.start()
        assert erp.wait_for_in_flight(1)
        with pytest.raises(ProviderThrottled) as throttled:
            ErpClient(_client(erp, "erp")).find_customer_by_email(order.customer.email)
        erp.resume()
        blocker.join(timeout=5)
    assert throttled.value.retry_after == 4


def test_a_reset_reaches_the_client_as_unavailable(erp, erp_client, order):
    """GIVEN connection resets WHEN the client calls THEN ProviderUnavailable."""
    erp.configure(faults=Faults(reset=1.0))
    with pytest.raises(ProviderUnavailable):
        erp_client.find_customer_by_email(order.customer.email)


def test_a_slow_answer_reaches_the_client_as_timeout(order):
    """GIVEN a 20 s answer on a 100x clock WHEN the client waits 0.05 s THEN ProviderTimeout."""
    with ErpSimulator(clock=ScaledClock(100.0)) as erp:
        erp.configure(faults=Faults(slow=1.0, slow_seconds=20.0))
        client = ErpClient(_client(erp, "erp", timeout=0.05))
        with pytest.raises(ProviderTimeout):
            client.find_customer_by_email(order.customer.email)


def test_an_unknown_customer_reaches_the_client_as_rejected(erp_client, order):
    """GIVEN no such customer WHEN a sales order is created THEN ProviderRejected (422)."""
    with pytest.raises(ProviderRejected) as rejected:
        erp_client.create_sales_order(order, BUSINESS_KEY, "CUS-404", "k")
    assert rejected.value.status == 422


def test_the_dispatchers_customer_update_is_recorded_once_per_key(erp, order):
    """GIVEN a customers.recordOrder envelope WHEN the dispatcher's operation runs twice
    THEN the customer's history holds the order once."""
    customer = erp.add_customer(order.customer.email)
    envelope = RequestEnvelope(
        provider="erp",
        operation=RECORD_CUSTOMER_ORDER,
        idempotency_key=f"{BUSINESS_KEY}-customer-update",
        business_key=BUSINESS_KEY,
        payload={
            "customerId": customer["id"],
            "salesOrderId": "SO-000001",
            "orderTotal": str(order.total),
            "currency": order.currency,
        },
    )
    client = _client(erp, "erp")
    first = record_customer_order(client, envelope)
    again = record_customer_order(client, envelope)
    assert again == first
    [entry] = erp.order_history(customer["id"])
    assert (entry["externalReference"], entry["orderTotal"]) == (BUSINESS_KEY, str(order.total))


def test_storefront_webhooks_pass_the_ingest_signature_check(storefront):
    """GIVEN a storefront webhook WHEN checked as ingest checks it THEN it is valid."""
    webhook = storefront.webhooks.new_order()
    header = webhook.headers[SIGNATURE_HEADER]
    assert is_valid_signature(webhook.body, storefront.webhook_secret, header)
    assert not is_valid_signature(webhook.body, "wrong-secret", header)
