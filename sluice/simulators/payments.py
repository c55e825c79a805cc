"""The payment gateway simulator: idempotent captures, declines for configured references.

Routes (bearer auth):
- `POST /captures` (an `Idempotency-Key` is required, one per shipment) with `{"amount",
  "currency", "paymentReference", ...}` -> 201 `{"id", "status": "succeeded", ...}`, or 402
  `{"error": {"type": "card_error", "code", "message"}}` for a declined reference
- `GET /captures/{id}` -> 200 capture
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from sluice.clock import Clock
from sluice.simulators.base import Simulator
from sluice.simulators.messages import Request, Response
from sluice.simulators.records import IdSequence
from sluice.simulators.routing import Route
from sluice.simulators.settings import SimulatorSettings
from sluice.simulators.validation import BodyCheck

DEFAULT_API_KEY = "payments-local-api-key"
DEFAULT_DECLINES: Mapping[str, str] = {
    "pay_declined": "card_declined",
    "pay_insufficient_funds": "insufficient_funds",
    "pay_expired": "expired_card",
}


class PaymentGatewaySimulator(Simulator):
    """A payment gateway; `declines` maps payment references to the decline code they get."""

    name = "payments"

    def __init__(
        self,
        settings: SimulatorSettings | None = None,
        *,
        clock: Clock | None = None,
        port: int = 0,
        declines: Mapping[str, str] = DEFAULT_DECLINES,
    ) -> None:
        self._initial_declines = dict(declines)
        super().__init__(settings, clock=clock, port=port)

    @classmethod
    def default_settings(cls) -> SimulatorSettings:
        """API key `payments-local-api-key`, no cap."""
        return SimulatorSettings(api_key=DEFAULT_API_KEY)

    def routes(self) -> Sequence[Route]:
        """The gateway's operations."""
        return [
            Route("POST", "/captures", self._create_capture, requires_idempotency_key=True),
            Route("GET", "/captures/{id}", self._get_capture),
        ]

    def _reset_state(self) -> None:
        """No captures; the declines given at construction."""
        self._captures: dict[str, dict[str, Any]] = {}
        self._capture_ids = IdSequence("cap_")
        self._declines = dict(self._initial_declines)

    def decline(self, payment_reference: str, code: str = "card_declined") -> None:
        """Make captures against `payment_reference` fail with `code` from now on."""
        with self._state_lock:
            self._declines[payment_reference] = code

    @property
    def captures(self) -> list[dict[str, Any]]:
        """Every successful capture, in creation order."""
        with self._state_lock:
            return copy.deepcopy(list(self._captures.values()))

    def _create_capture(self, request: Request) -> Response:
        """`POST /captures`: capture an amount against a payment reference."""
        check = BodyCheck(request.body)
        amount = check.money("amount", positive=True)
        check.currency("currency")
        reference = check.text("paymentReference")
        failure = check.failure()
        if failure is not None:
            return failure
        code = self._declines.get(str(reference))
        if code is not None:
            message = f"The payment was declined ({code})."
            return Response(
                402, {"error": {"type": "card_error", "code": code, "message": message}}
            )
        capture = {
            **check.body,
            "amount": str(amount),
            "id": self._capture_ids.next(),
            "status": "succeeded",
            "createdAt": self.clock.now().isoformat(),
        }
        self._captures[capture["id"]] = capture
        return Response(201, copy.deepcopy(capture))

    def _get_capture(self, request: Request) -> Response:
        """`GET /captures/{id}`."""
        return self.stored(self._captures, "capture", request.path_params["id"])
