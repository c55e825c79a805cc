"""The Slack incoming-webhook sink: `POST /services/...` answers `ok`, about one per second.

Like Slack: the URL is the secret (no bearer auth), a body needs `text` or `blocks` (400
`no_text` otherwise), and posting faster than the rate limit gets 429 with `Retry-After`.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from sluice.simulators.base import Simulator
from sluice.simulators.messages import Request, Response
from sluice.simulators.routing import Route
from sluice.simulators.settings import RateLimit, SimulatorSettings

DEFAULT_WEBHOOK_PATH = "/services/T0000SLUICE/B0000LOCAL/localwebhooksecret"
DEFAULT_RATE_LIMIT = RateLimit(per_second=1.0, burst=1)


class SlackSimulator(Simulator):
    """Records the messages posted to any `/services/...` incoming-webhook URL."""

    name = "slack"

    @classmethod
    def default_settings(cls) -> SimulatorSettings:
        """No auth, one message per second."""
        return SimulatorSettings(rate_limit=DEFAULT_RATE_LIMIT)

    def routes(self) -> Sequence[Route]:
        """The incoming-webhook endpoint."""
        return [Route("POST", "/services/{hook:path}", self._post_message)]

    def _reset_state(self) -> None:
        """No messages."""
        self._messages: list[dict[str, Any]] = []

    @property
    def webhook_url(self) -> str:
        """An incoming-webhook URL on this sink."""
        return self.url + DEFAULT_WEBHOOK_PATH

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The accepted messages: `{"hook", "text", "blocks", "thread_ts", "receivedAt"}`."""
        with self._state_lock:
            return copy.deepcopy(self._messages)

    def _post_message(self, request: Request) -> Response:
        """Accept a message with `text` or `blocks`."""
        body = request.body
        if not isinstance(body, dict):
            return Response(400, "invalid_payload")
        if not body.get("text") and not body.get("blocks"):
            return Response(400, "no_text")
        self._messages.append(
            {
                "hook": request.path_params["hook"],
                "text": body.get("text"),
                "blocks": body.get("blocks"),
                "thread_ts": body.get("thread_ts"),
                "receivedAt": self.clock.now().isoformat(),
            }
        )
        return Response(200, "ok")
