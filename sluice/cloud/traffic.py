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
# Storefronts redeliver a webhook that got no 2xx/4xx answer, with growing pauses (Shopify
# retries for up to 48 hours); the main job retries a few times, pauses on the clock.
REDELIVERY_PAUSES_SECONDS = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)


@dataclass(frozen=True)
class TrafficMix:
    """How many deliveries, and which share of them are redeliveries or broken on purpose."""

    orders: int = 300
    duplicate_rate: float = 0.08
    invalid_rate: float = 0.04
    badly_signed: int = 3
    malformed_json: int = 2
    senders: int = 8
    # Deliveries start at this steady rate, per simulated minute (None: all at once). A
    # storefront sends orders as they are placed; and the local cloud, which runs every
    # function on this machine's CPU, can only keep its simulated time honest (timeouts,
    # retries) while the load stays under what that CPU can process.
    per_minute: float | None = 15.0


@dataclass(frozen=True)
class Delivery:
    """One webhook sent and the answer it got."""

    kind: str
    status: int
    answer: dict[str, Any]
    sent_at: datetime
    attempts: int = 1

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
    per_minute: float | None = None,
) -> list[Delivery]:
    """POST every webhook to `url` with `senders` in parallel, the n-th no sooner than n
    intervals of `per_minute` after the first (on `clock`); return what each got."""
    local = threading.local()
    interval = 60.0 / per_minute if per_minute else 0.0
    started = clock.monotonic()

    def send(index: int, webhook: SignedWebhook) -> Delivery:
        delay = started + index * interval - clock.monotonic()
        if delay > 0:
            clock.sleep(delay)
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        sent_at = clock.now()
        attempts = 0
        for pause in (*REDELIVERY_PAUSES_SECONDS, None):
            attempts += 1
            status, answer = _post(session, url, webhook)
            if not _should_redeliver(status) or pause is None:
                break
            clock.sleep(pause)
        delivery = Delivery(webhook.kind.value, status, answer, sent_at, attempts)
        if on_sent is not None:
            on_sent(delivery)
        return delivery

    with ThreadPoolExecutor(max_workers=senders, thread_name_prefix="webhook") as pool:
        return list(pool.map(send, range(len(stream)), stream))


def _post(
    session: requests.Session, url: str, webhook: SignedWebhook
) -> tuple[int, dict[str, Any]]:
    """One delivery attempt: the status and JSON answer (status 0 when the connection failed)."""
    try:
        response = session.post(
            url, data=webhook.body, headers=dict(webhook.headers), timeout=SEND_TIMEOUT_SECONDS
        )
    except requests.RequestException as error:
        return 0, {"message": f"connection failed: {type(error).__name__}"}
    return response.status_code, _json(response)


def _should_redeliver(status: int) -> bool:
    """No answer, throttled or a server error: the storefront tries again later."""
    return status == 0 or status == 429 or status >= 500


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except json.JSONDecodeError:
        return {"message": response.text[:200]}
    return answer if isinstance(answer, dict) else {"message": str(answer)}
