"""Order webhook traffic for the main job: a realistic stream, sent with bounded concurrency."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests

from sluice.clock import Clock
from sluice.simulators import SIGNATURE_HEADER, OrderWebhooks, SignedWebhook, WebhookKind, sign

SEND_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class TrafficMix:
    """How many deliveries, and which share of them are redeliveries or broken on purpose."""

    orders: int = 300
    duplicate_rate: float = 0.08
    invalid_rate: float = 0.04
    badly_signed: int = 3
    malformed_json: int = 2
    senders: int = 8


@dataclass(frozen=True)
class Delivery:
    """One webhook sent and the answer it got."""

    kind: str
    status: int
    answer: dict[str, Any]
    sent_at: datetime

    @property
    def business_key(self) -> str | None:
        """The business key ingest answered with, if any."""
        return self.answer.get("businessKey")


def build_stream(webhooks: OrderWebhooks, mix: TrafficMix) -> list[SignedWebhook]:
    """New orders (some redelivered, some with data errors), plus broken deliveries."""
    stream = webhooks.stream(
        mix.orders, duplicate_rate=mix.duplicate_rate, invalid_rate=mix.invalid_rate
    )
    for index in range(mix.badly_signed):
        stream.append(webhooks.badly_signed(stream[index % len(stream)]))
    for _ in range(mix.malformed_json):
        good = webhooks.new_order()
        body = good.body[: len(good.body) // 2]
        headers = {**good.headers, SIGNATURE_HEADER: sign(body, webhooks.secret)}
        stream.append(SignedWebhook(body, headers, WebhookKind.INVALID, None))
    return stream


def send_all(
    stream: Sequence[SignedWebhook],
    url: str,
    clock: Clock,
    senders: int,
    on_sent: Callable[[Delivery], None] | None = None,
) -> list[Delivery]:
    """POST every webhook to `url` with `senders` in parallel; return what each got."""
    local = threading.local()

    def send(webhook: SignedWebhook) -> Delivery:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        sent_at = clock.now()
        response = session.post(
            url, data=webhook.body, headers=dict(webhook.headers), timeout=SEND_TIMEOUT_SECONDS
        )
        delivery = Delivery(webhook.kind.value, response.status_code, _json(response), sent_at)
        if on_sent is not None:
            on_sent(delivery)
        return delivery

    with ThreadPoolExecutor(max_workers=senders, thread_name_prefix="webhook") as pool:
        return list(pool.map(send, stream))


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except json.JSONDecodeError:
        return {"message": response.text[:200]}
    return answer if isinstance(answer, dict) else {"message": str(answer)}
