"""Signed order webhooks: verifiable signatures, valid and invalid orders, redeliveries."""

import hashlib
import hmac
from collections import Counter

import pytest
from pydantic import ValidationError

from sluice.simulators import (
    SIGNATURE_HEADER,
    OrderFactory,
    OrderProblem,
    OrderWebhooks,
    SimulatorSettings,
    WarehouseSimulator,
    WebhookKind,
    deliver,
)
from sluice_shared.models.orders import Order

SECRET = "shhh"


def _webhooks(seed: int = 0) -> OrderWebhooks:
    """A webhook builder with the test secret."""
    return OrderWebhooks(SECRET, OrderFactory(seed))


def _verifies(body: bytes, header: str, secret: str = SECRET) -> bool:
    """What a receiver does: HMAC-SHA256 of the raw body, compared in constant time."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def test_the_signature_is_the_hmac_of_the_exact_body():
    """GIVEN a new order webhook WHEN verified with the secret THEN it matches."""
    webhook = _webhooks().new_order()
    assert _verifies(webhook.body, webhook.headers[SIGNATURE_HEADER])
    assert not _verifies(webhook.body, webhook.headers[SIGNATURE_HEADER], "other")
    assert webhook.headers["Content-Type"] == "application/json"


def test_random_orders_are_valid_storefront_orders_with_consistent_totals():
    """GIVEN 50 random orders WHEN parsed by the shared Order model THEN all are valid,
    ids increase, and totals are the lines plus shipping."""
    factory = OrderFactory(seed=5)
    orders = [Order.model_validate(factory.order()) for _ in range(50)]
    assert [order.id for order in orders] == [str(1001 + index) for index in range(50)]
    for order in orders:
        lines = sum(line.unit_price * line.quantity for line in order.line_items)
        assert order.total == lines + order.shipping_total


def test_the_same_seed_gives_the_same_orders():
    """GIVEN two builders with one seed WHEN each makes webhooks THEN the bytes are equal;
    another seed gives other orders."""
    first, second = _webhooks(3), _webhooks(3)
    assert [first.new_order().body for _ in range(5)] == [second.new_order().body for _ in range(5)]
    assert _webhooks(4).new_order().body != _webhooks(3).new_order().body


@pytest.mark.parametrize("problem", list(OrderProblem))
def test_an_invalid_order_fails_validation_at_its_field(problem):
    """GIVEN an order built with a problem WHEN validated THEN the error names that field."""
    webhook = _webhooks().invalid_order(problem)
    with pytest.raises(ValidationError) as invalid:
        Order.model_validate(webhook.payload())
    fields = {".".join(map(str, error["loc"])) for error in invalid.value.errors()}
    assert problem.value in fields
    assert (webhook.kind, webhook.problem) == (WebhookKind.INVALID, problem)
    assert _verifies(webhook.body, webhook.headers[SIGNATURE_HEADER])


def test_a_duplicate_is_the_same_delivery_again():
    """GIVEN a webhook WHEN duplicated THEN the body and signature are identical."""
    webhooks = _webhooks()
    original = webhooks.new_order()
    again = webhooks.duplicate(original)
    assert (again.body, dict(again.headers), again.kind) == (
        original.body,
        dict(original.headers),
        WebhookKind.DUPLICATE,
    )


def test_a_badly_signed_webhook_does_not_verify():
    """GIVEN a webhook re-signed with the wrong secret WHEN verified THEN it fails."""
    webhooks = _webhooks()
    forged = webhooks.badly_signed(webhooks.new_order())
    assert not _verifies(forged.body, forged.headers[SIGNATURE_HEADER])


def test_a_stream_mixes_new_duplicate_and_invalid_deliveries_by_rate():
    """GIVEN 20% duplicates and 10% invalid WHEN 300 deliveries are made
    THEN the shares are near those rates and every duplicate repeats an earlier delivery."""
    stream = _webhooks(8).stream(300, duplicate_rate=0.2, invalid_rate=0.1)
    kinds = Counter(webhook.kind for webhook in stream)
    assert kinds[WebhookKind.DUPLICATE] / 300 == pytest.approx(0.2, abs=0.06)
    assert kinds[WebhookKind.INVALID] / 300 == pytest.approx(0.1, abs=0.05)
    seen: set[bytes] = set()
    for webhook in stream:
        if webhook.kind is WebhookKind.DUPLICATE:
            assert webhook.body in seen
        seen.add(webhook.body)


def test_deliver_posts_the_exact_bytes_and_headers(clock):
    """GIVEN a webhook WHEN delivered to a server THEN it receives the signed bytes."""
    webhook = _webhooks().new_order()
    with WarehouseSimulator(SimulatorSettings(), clock=clock) as receiver:
        deliver(webhook, receiver.url + "/webhooks/orders/shopify")
        [received] = receiver.requests("POST", "/webhooks/orders/{source}")
    assert received.body == webhook.payload()
    assert received.headers[SIGNATURE_HEADER.lower()] == webhook.headers[SIGNATURE_HEADER]


def test_the_storefront_signs_with_its_webhook_secret(storefront):
    """GIVEN the storefront simulator WHEN it builds a webhook THEN its secret verifies it."""
    webhook = storefront.webhooks.new_order()
    assert _verifies(webhook.body, webhook.headers[SIGNATURE_HEADER], storefront.webhook_secret)
