"""Post to a Slack incoming webhook at its pace: one message a second, and wait when told to.

Incoming webhooks allow about one message per second; over that Slack answers 429 with
`Retry-After` (seconds). The poster spaces its own posts a second apart and, on a 429, waits
the Retry-After and tries again, as long as the invocation has time for the wait; otherwise
it reports the message as not delivered (with the wait), so the caller keeps the alert for
later and the invocation never runs into its timeout.
https://api.slack.com/apis/rate-limits https://api.slack.com/messaging/webhooks
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from sluice_shared import clock as shared_clock

MIN_SECONDS_BETWEEN_POSTS = 1.0
# Time kept back from the invocation's deadline for bookkeeping after the last post.
SAFETY_MARGIN_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 3.05
READ_TIMEOUT_SECONDS = 10.0
DEFAULT_RETRY_AFTER_SECONDS = 1.0


@dataclass(frozen=True)
class PostOutcome:
    """Whether Slack took the message; if not, why, and how long it asked us to wait."""

    delivered: bool
    status: int | None = None
    retry_after: float | None = None
    detail: str = ""


class SlackWebhook:
    """One incoming-webhook URL, posted to by one invocation at a time."""

    def __init__(
        self,
        url: str,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = shared_clock.sleep,
        monotonic: Callable[[], float] = shared_clock.monotonic,
    ) -> None:
        self._url = url
        self._session = session or requests.Session()
        self._sleep = sleep
        self._monotonic = monotonic
        self._last_post: float | None = None

    def post(self, message: dict[str, Any], seconds_left: Callable[[], float]) -> PostOutcome:
        """Post `message`, waiting out 429s while `seconds_left()` allows."""
        wait = self._pace()
        while True:
            if wait + SAFETY_MARGIN_SECONDS >= seconds_left():
                return PostOutcome(delivered=False, retry_after=wait, detail="no time left")
            if wait > 0:
                self._sleep(wait)
            outcome = self._post_once(message)
            if outcome.delivered or outcome.status != 429:
                return outcome
            wait = outcome.retry_after or DEFAULT_RETRY_AFTER_SECONDS
            if wait + SAFETY_MARGIN_SECONDS >= seconds_left():
                return outcome

    def _pace(self) -> float:
        """Seconds to wait so posts stay a second apart."""
        if self._last_post is None:
            return 0.0
        return max(MIN_SECONDS_BETWEEN_POSTS - (self._monotonic() - self._last_post), 0.0)

    def _post_once(self, message: dict[str, Any]) -> PostOutcome:
        self._last_post = self._monotonic()
        try:
            response = self._session.post(
                self._url, json=message, timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS)
            )
        except requests.RequestException as error:
            return PostOutcome(delivered=False, detail=type(error).__name__)
        if response.status_code == 200:
            return PostOutcome(delivered=True, status=200)
        return PostOutcome(
            delivered=False,
            status=response.status_code,
            retry_after=_retry_after(response.headers.get("Retry-After")),
            detail=response.text[:200],
        )


def _retry_after(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None
