"""The warehouse (3PL) simulator: fulfilments, and shipments a test triggers.

Routes (bearer auth):
- `POST /fulfilments` -> 201 `{"id", "status": "accepted", ...}`
  (body: salesOrderId, externalReference, shipTo, lines of sku and quantity)
- `GET /fulfilments/{id}` -> 200 fulfilment (status `accepted`, then `shipped`)

`ship(fulfilment_id)` marks a fulfilment shipped and returns the shipment-confirmed webhook the
warehouse would send: what a 3PL knows (the order's reference it was given, the shipped lines'
sku and quantity, carrier and tracking; no prices), signed with the warehouse's webhook secret
(`X-Sluice-Signature: sha256=<hex HMAC-SHA256 of the body>`, as the shipment ingest checks).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sluice.clock import Clock
from sluice.simulators.base import Simulator
from sluice.simulators.messages import Request, Response
from sluice.simulators.records import IdSequence
from sluice.simulators.routing import Route
from sluice.simulators.settings import SimulatorSettings
from sluice.simulators.validation import BodyCheck
from sluice.simulators.webhooks import SIGNATURE_HEADER, SignedWebhook, sign

DEFAULT_API_KEY = "warehouse-local-api-key"
DEFAULT_WEBHOOK_SECRET = "warehouse-local-webhook-secret"
SHIPMENT_CONFIRMED = "shipment.confirmed"
CARRIERS = ("DHL", "UPS", "DPD", "GLS")
_TRACKING_URLS = {
    "DHL": "https://www.dhl.com/track?tracking-id={}",
    "UPS": "https://www.ups.com/track?tracknum={}",
    "DPD": "https://tracking.dpd.de/status/en_US/parcel/{}",
    "GLS": "https://gls-group.com/track/{}",
}


class UnknownFulfilment(KeyError):
    """`ship` was asked for a fulfilment the warehouse does not have."""


class WarehouseSimulator(Simulator):
    """A 3PL that accepts fulfilments and confirms shipments when a test says so."""

    name = "warehouse"

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
        """API key `warehouse-local-api-key`, no cap."""
        return SimulatorSettings(api_key=DEFAULT_API_KEY)

    def routes(self) -> Sequence[Route]:
        """The warehouse's operations."""
        return [
            Route("POST", "/fulfilments", self._create_fulfilment),
            Route("GET", "/fulfilments/{id}", self._get_fulfilment),
        ]

    def _reset_state(self) -> None:
        """No fulfilments or shipments."""
        self._fulfilments: dict[str, dict[str, Any]] = {}
        self._fulfilment_ids = IdSequence("FUL-")
        self._shipment_ids = IdSequence("SHP-")

    @property
    def fulfilments(self) -> list[dict[str, Any]]:
        """Every fulfilment, in creation order."""
        with self._state_lock:
            return copy.deepcopy(list(self._fulfilments.values()))

    def ship(
        self,
        fulfilment_id: str,
        *,
        carrier: str | None = None,
        lines: Sequence[Mapping[str, Any]] | None = None,
    ) -> SignedWebhook:
        """Ship a fulfilment (or only `lines` of it) now; the signed shipment-confirmed webhook."""
        with self._state_lock:
            fulfilment = self._fulfilments.get(fulfilment_id)
            if fulfilment is None:
                raise UnknownFulfilment(fulfilment_id)
            chosen = carrier or self.choice(CARRIERS)
            tracking_number = f"{int(self.random() * 10**12):012d}"
            shipment = {
                "event": SHIPMENT_CONFIRMED,
                "shipmentId": self._shipment_ids.next(),
                "fulfilmentId": fulfilment_id,
                "externalReference": fulfilment["externalReference"],
                "carrier": chosen,
                "trackingNumber": tracking_number,
                "trackingUrl": _TRACKING_URLS.get(chosen, "https://track.example/{}").format(
                    tracking_number
                ),
                "shippedAt": self.clock.now().isoformat(),
                "lines": [
                    {"sku": line["sku"], "quantity": line["quantity"]}
                    for line in (fulfilment["lines"] if lines is None else lines)
                ],
            }
            fulfilment["status"] = "shipped"
            fulfilment["shipments"].append(shipment["shipmentId"])
        return self.signed(shipment)

    def signed(self, shipment: Mapping[str, Any]) -> SignedWebhook:
        """A delivery of `shipment`, serialised once and signed over those exact bytes."""
        body = json.dumps(shipment, separators=(",", ":")).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(body, self.webhook_secret),
        }
        return SignedWebhook(body, headers)

    def _create_fulfilment(self, request: Request) -> Response:
        """`POST /fulfilments`: accept an order for shipping."""
        check = BodyCheck(request.body)
        check.text("salesOrderId")
        check.text("externalReference")
        ship_to = check.nested("shipTo")
        if ship_to is not None:
            ship_to.text("line1")
            ship_to.text("city")
            ship_to.text("countryCode")
        for line in check.items("lines"):
            line.text("sku")
            line.integer("quantity", minimum=1)
        failure = check.failure()
        if failure is not None:
            return failure
        fulfilment = {
            **check.body,
            "id": self._fulfilment_ids.next(),
            "status": "accepted",
            "shipments": [],
            "createdAt": self.clock.now().isoformat(),
        }
        self._fulfilments[fulfilment["id"]] = fulfilment
        return Response(201, copy.deepcopy(fulfilment))

    def _get_fulfilment(self, request: Request) -> Response:
        """`GET /fulfilments/{id}`."""
        return self.stored(self._fulfilments, "fulfilment", request.path_params["id"])
