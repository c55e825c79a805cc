"""Idempotency-Key replay and conflicts, over HTTP and in the store itself."""

import threading

import pytest
import requests

from sluice.simulators import Faults, Outcome
from sluice.simulators.idempotency import ClaimKind, IdempotencyStore
from sluice.simulators.messages import Response
from tests.unit.simulators.helpers import get, post

ORDER_KEY = "order-shopify-1001-sales-order"


def _sales_order(customer_id: str, total: str = "49.90") -> dict:
    """A valid sales order body for `customer_id`."""
    return {
        "customerId": customer_id,
        "externalReference": "order-shopify-1001",
        "currency": "EUR",
        "lines": [{"sku": "TEE-BLK-M", "quantity": 2, "unitPrice": "24.95"}],
        "totals": {"total": total},
    }


def test_a_repeated_key_and_body_replays_the_original_answer(erp):
    """GIVEN a sales order created with a key WHEN the same request is sent again
    THEN the same 201 and body come back, marked replayed, and one sales order exists."""
    customer = erp.add_customer("ada@example.com")
    first = post(
        erp, "/sales-orders", _sales_order(customer["id"]), **{"Idempotency-Key": ORDER_KEY}
    )
    second = post(
        erp, "/sales-orders", _sales_order(customer["id"]), **{"Idempotency-Key": ORDER_KEY}
    )
    assert (second.status_code, second.json()) == (first.status_code, first.json())
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(erp.sales_orders) == 1
    assert [r.outcome for r in erp.requests(idempotency_key=ORDER_KEY)] == [
        Outcome.HANDLED,
        Outcome.REPLAYED,
    ]


def test_a_repeated_key_with_another_body_is_422(erp):
    """GIVEN a key used once WHEN reused with a different body THEN 422 and nothing new."""
    customer = erp.add_customer("ada@example.com")
    post(erp, "/sales-orders", _sales_order(customer["id"]), **{"Idempotency-Key": ORDER_KEY})
    changed = post(
        erp, "/sales-orders", _sales_order(customer["id"], "1.00"), **{"Idempotency-Key": ORDER_KEY}
    )
    assert changed.status_code == 422
    assert changed.json()["code"] == "idempotency_key_reused"
    assert len(erp.sales_orders) == 1


def test_a_repeated_key_on_another_path_is_422(erp):
    """GIVEN a key used for a customer WHEN reused for a sales order THEN 422."""
    customer = post(erp, "/customers", {"email": "ada@example.com"}, **{"Idempotency-Key": "k"})
    reused = post(
        erp, "/sales-orders", _sales_order(customer.json()["id"]), **{"Idempotency-Key": "k"}
    )
    assert reused.status_code == 422


def test_a_rejected_request_is_replayed_too(erp):
    """GIVEN a 422 answer for a key WHEN the same request is repeated THEN the same 422."""
    first = post(erp, "/sales-orders", _sales_order("CUS-404"), **{"Idempotency-Key": ORDER_KEY})
    second = post(erp, "/sales-orders", _sales_order("CUS-404"), **{"Idempotency-Key": ORDER_KEY})
    assert (first.status_code, second.status_code) == (422, 422)
    assert second.headers["Idempotent-Replayed"] == "true"


def test_a_retry_after_a_dropped_connection_gets_the_original_answer(erp):
    """GIVEN the work was done but the connection reset WHEN the client retries the key
    THEN it gets the sales order created the first time, not a second one."""
    customer = erp.add_customer("ada@example.com")
    with (
        erp.configured(faults=Faults(reset=1.0)),
        pytest.raises(requests.exceptions.ConnectionError),
    ):
        post(erp, "/sales-orders", _sales_order(customer["id"]), **{"Idempotency-Key": ORDER_KEY})
    retry = post(
        erp, "/sales-orders", _sales_order(customer["id"]), **{"Idempotency-Key": ORDER_KEY}
    )
    assert (retry.status_code, retry.headers["Idempotent-Replayed"]) == (201, "true")
    assert [order["id"] for order in erp.sales_orders] == [retry.json()["id"]]


def test_a_500_before_the_work_lets_the_retry_do_it(erp):
    """GIVEN a 500 fault WHEN the client retries the key THEN the retry creates the order."""
    customer = erp.add_customer("ada@example.com")
    with erp.configured(faults=Faults(error_500=1.0)):
        failed = post(
            erp, "/sales-orders", _sales_order(customer["id"]), **{"Idempotency-Key": ORDER_KEY}
        )
    retry = post(
        erp, "/sales-orders", _sales_order(customer["id"]), **{"Idempotency-Key": ORDER_KEY}
    )
    assert (failed.status_code, retry.status_code) == (500, 201)
    assert "Idempotent-Replayed" not in retry.headers
    assert len(erp.sales_orders) == 1


def test_get_requests_ignore_idempotency_keys(erp):
    """GIVEN a GET with a key WHEN repeated after a change THEN it sees the change."""
    key = {"Idempotency-Key": "lookup"}
    query = {"email": "ada@example.com"}
    first = get(erp, "/customers", query, key)
    erp.add_customer("ada@example.com")
    second = get(erp, "/customers", query, key)
    assert (len(first.json()["customers"]), len(second.json()["customers"])) == (0, 1)
    assert [record.idempotency_key for record in erp.requests()] == ["lookup", "lookup"]


def test_a_concurrent_request_with_the_same_key_waits_and_replays():
    """GIVEN a key whose first request is still being worked on WHEN a second claims it
    THEN the second waits and then replays the first answer."""
    store = IdempotencyStore()
    assert store.claim("k", "fp").kind is ClaimKind.NEW
    verdicts = []
    waiter = threading.Thread(target=lambda: verdicts.append(store.claim("k", "fp")))
    waiter.start()
    waiter.join(timeout=0.05)
    assert verdicts == []
    store.complete("k", Response(201, {"id": "1"}))
    waiter.join(timeout=5)
    assert [(v.kind, v.response) for v in verdicts] == [
        (ClaimKind.REPLAY, Response(201, {"id": "1"}))
    ]


def test_a_5xx_answer_frees_the_key():
    """GIVEN a claimed key WHEN its work ends in a 5xx THEN the next claim does the work."""
    store = IdempotencyStore()
    store.claim("k", "fp")
    store.complete("k", Response(500))
    assert store.claim("k", "fp").kind is ClaimKind.NEW
