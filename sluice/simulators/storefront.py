"""The storefront simulator: inventory levels and tracking in, signed order webhooks out.

Routes (bearer auth, rate limited: 429 with `Retry-After` over the limit):
- `POST /inventory-levels` with `{"sku", "available"}` or a batch `{"levels": [...]}` (at most
  250) -> 200 `{"inventoryLevels": [{"sku", "available", "updatedAt"}]}`
- `GET /inventory-levels?sku=` -> 200 `{"inventoryLevels": [...]}` (all without the filter)
- `POST /orders/{id}/fulfillments` with `{"trackingNumber", "carrier", "trackingUrl"?}`
  -> 201 `{"id", "orderId", "status": "success", ...}`; `GET /orders/{id}/fulfillments`

`webhooks` builds signed order webhooks (random orders, invalid ones, redeliveries).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from sluice.clock import Clock
from sluice.simulators.base import Simulator
from sluice.simulators.messages import Request, Response
from sluice.simulators.orders import OrderFactory
from sluice.simulators.records import IdSequence
from sluice.simulators.routing import Route
from sluice.simulators.settings import RateLimit, SimulatorSettings
from sluice.simulators.validation import BodyCheck
from sluice.simulators.webhooks import OrderWebhooks

DEFAULT_API_KEY = "storefront-local-api-key"
DEFAULT_WEBHOOK_SECRET = "storefront-local-webhook-secret"
# Shopify's REST limit: a bucket of 40 requests that refills at 2 per second.
DEFAULT_RATE_LIMIT = RateLimit(per_second=2.0, burst=40)
MAX_BATCH_LEVELS = 250


class StorefrontSimulator(Simulator):
    """A storefront with a request rate limit and a signed-webhook factory."""

    name = "storefront"

    def __init__(
        self,
        settings: SimulatorSettings | None = None,
        *,
        clock: Clock | None = None,
        port: int = 0,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
    ) -> None:
        self.webhook_secret = webhook_secret
        super().__init__(settings, clock=clock, port=port)

    @classmethod
    def default_settings(cls) -> SimulatorSettings:
        """API key `storefront-local-api-key`, 2 requests per second with bursts of 40."""
        return SimulatorSettings(api_key=DEFAULT_API_KEY, rate_limit=DEFAULT_RATE_LIMIT)

    def routes(self) -> Sequence[Route]:
        """The storefront's operations."""
        return [
            Route("POST", "/inventory-levels", self._set_inventory_levels),
            Route("GET", "/inventory-levels", self._get_inventory_levels),
            Route("POST", "/orders/{id}/fulfillments", self._create_fulfillment),
            Route("GET", "/orders/{id}/fulfillments", self._list_fulfillments),
        ]

    def _reset_state(self) -> None:
        """No inventory levels or tracking; the webhook factory starts its orders again."""
        self.webhooks = OrderWebhooks(
            self.webhook_secret, OrderFactory(self._initial_settings.seed)
        )
        self._levels: dict[str, dict[str, Any]] = {}
        self._fulfillments: dict[str, list[dict[str, Any]]] = {}
        self._fulfillment_ids = IdSequence("SF-FUL-")

    def available(self, sku: str) -> int | None:
        """The available quantity last set for `sku`, if any."""
        with self._state_lock:
            level = self._levels.get(sku)
            return None if level is None else int(level["available"])

    @property
    def inventory_levels(self) -> dict[str, int]:
        """Every SKU's available quantity."""
        with self._state_lock:
            return {sku: int(level["available"]) for sku, level in self._levels.items()}

    def fulfillments(self, order_id: str) -> list[dict[str, Any]]:
        """The tracking updates posted for an order."""
        with self._state_lock:
            return copy.deepcopy(self._fulfillments.get(order_id, []))

    def _set_inventory_levels(self, request: Request) -> Response:
        """`POST /inventory-levels`: set one SKU's level, or a batch of them."""
        check = BodyCheck(request.body)
        entries = check.items("levels") if "levels" in check.body else [check]
        if len(entries) > MAX_BATCH_LEVELS:
            check.reject("levels", f"at most {MAX_BATCH_LEVELS} levels per request")
        for entry in entries:
            entry.text("sku")
            entry.integer("available")
        failure = check.failure()
        if failure is not None:
            return failure
        updated_at = self.clock.now().isoformat()
        levels = []
        for entry in entries:
            level = {
                "sku": entry.body["sku"],
                "available": entry.body["available"],
                "updatedAt": updated_at,
            }
            self._levels[level["sku"]] = level
            levels.append(dict(level))
        return Response(200, {"inventoryLevels": levels})

    def _get_inventory_levels(self, request: Request) -> Response:
        """`GET /inventory-levels?sku=`."""
        sku = request.query.get("sku")
        levels = [dict(level) for key, level in self._levels.items() if sku is None or key == sku]
        return Response(200, {"inventoryLevels": levels})

    def _create_fulfillment(self, request: Request) -> Response:
        """`POST /orders/{id}/fulfillments`: tracking for an order."""
        check = BodyCheck(request.body)
        check.text("trackingNumber")
        check.text("carrier")
        check.text("trackingUrl", required=False)
        failure = check.failure()
        if failure is not None:
            return failure
        order_id = request.path_params["id"]
        fulfillment = {
            **check.body,
            "id": self._fulfillment_ids.next(),
            "orderId": order_id,
            "status": "success",
            "createdAt": self.clock.now().isoformat(),
        }
        self._fulfillments.setdefault(order_id, []).append(fulfillment)
        return Response(201, copy.deepcopy(fulfillment))

    def _list_fulfillments(self, request: Request) -> Response:
        """`GET /orders/{id}/fulfillments`."""
        found = self._fulfillments.get(request.path_params["id"], [])
        return Response(200, {"fulfillments": copy.deepcopy(found)})
