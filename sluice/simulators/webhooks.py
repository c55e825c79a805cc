"""Signed storefront order webhooks: `X-Sluice-Signature: sha256=<hex HMAC-SHA256 of the body>`."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import requests

from sluice.simulators.orders import OrderFactory, OrderProblem

SIGNATURE_HEADER = "X-Sluice-Signature"
TOPIC_HEADER = "X-Sluice-Topic"
ORDER_CREATED_TOPIC = "orders/create"


class WebhookKind(StrEnum):
    """What a delivery is, so a test knows the answer to expect."""

    NEW = "new"
    DUPLICATE = "duplicate"
    INVALID = "invalid"
    BAD_SIGNATURE = "bad_signature"


def sign(body: bytes, secret: str) -> str:
    """The signature header value for `body`: `sha256=<hex HMAC-SHA256>`."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SignedWebhook:
    """One webhook delivery: the exact body bytes and the headers to send with them."""

    body: bytes
    headers: Mapping[str, str]
    kind: WebhookKind = WebhookKind.NEW
    problem: OrderProblem | None = field(default=None)

    def payload(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


class OrderWebhooks:
    """Builds order webhooks signed with the storefront's shared secret."""

    def __init__(self, secret: str, orders: OrderFactory) -> None:
        self.secret = secret
        self.orders = orders

    def signed(
        self,
        payload: Mapping[str, Any],
        *,
        kind: WebhookKind = WebhookKind.NEW,
        problem: OrderProblem | None = None,
    ) -> SignedWebhook:
        """A delivery of `payload`, serialised once and signed over those exact bytes."""
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            TOPIC_HEADER: ORDER_CREATED_TOPIC,
            SIGNATURE_HEADER: sign(body, self.secret),
        }
        return SignedWebhook(body, headers, kind, problem)

    def new_order(self, **overrides: Any) -> SignedWebhook:
        """A signed webhook for a new random valid order."""
        return self.signed(self.orders.order(**overrides))

    def invalid_order(self, problem: OrderProblem | None = None) -> SignedWebhook:
        """A correctly signed webhook for an order with a data error."""
        chosen = problem or self.orders.random_problem()
        return self.signed(
            self.orders.invalid_order(chosen), kind=WebhookKind.INVALID, problem=chosen
        )

    def duplicate(self, webhook: SignedWebhook) -> SignedWebhook:
        """A redelivery: the same bytes and signature, marked as a duplicate."""
        return SignedWebhook(webhook.body, dict(webhook.headers), WebhookKind.DUPLICATE)

    def badly_signed(self, webhook: SignedWebhook) -> SignedWebhook:
        """The same body with a signature made with the wrong secret."""
        headers = {**webhook.headers, SIGNATURE_HEADER: sign(webhook.body, self.secret + "x")}
        return SignedWebhook(webhook.body, headers, WebhookKind.BAD_SIGNATURE)

    def stream(
        self, count: int, *, duplicate_rate: float = 0.0, invalid_rate: float = 0.0
    ) -> list[SignedWebhook]:
        """`count` deliveries: new orders, some redelivered, some invalid (seeded)."""
        if duplicate_rate + invalid_rate > 1.0:
            raise ValueError("duplicate_rate + invalid_rate must be at most 1")
        deliveries: list[SignedWebhook] = []
        new_ones: list[SignedWebhook] = []
        for _ in range(count):
            draw = self.orders.draw()
            if new_ones and draw < duplicate_rate:
                original = new_ones[int(self.orders.draw() * len(new_ones))]
                deliveries.append(self.duplicate(original))
            elif draw < duplicate_rate + invalid_rate:
                deliveries.append(self.invalid_order())
            else:
                webhook = self.new_order()
                new_ones.append(webhook)
                deliveries.append(webhook)
        return deliveries


def deliver(
    webhook: SignedWebhook,
    url: str,
    *,
    session: requests.Session | None = None,
    timeout: float = 10.0,
) -> requests.Response:
    """POST the webhook's exact bytes and headers to `url`."""
    sender = session or requests
    return sender.post(url, data=webhook.body, headers=dict(webhook.headers), timeout=timeout)
