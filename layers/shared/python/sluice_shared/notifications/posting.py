"""What the notifier needs of Slack, and the pacing both ways of posting share.

Slack allows a channel about one message per second; over that it answers 429 with
`Retry-After` (seconds). A poster spaces its own posts a second apart and, on a 429, waits the
Retry-After and tries again, as long as the invocation has time for the wait; otherwise it
reports the message as not delivered (with the wait), so the caller keeps the alert for later
and the invocation never runs into its timeout.

A post that got no answer (a dropped connection, a read timeout, a 5xx or Slack's
`internal_error`) may still have reached the channel: its outcome says `unsure`, and the
notifier treats it like a post of a claim that expired (see `ledger`).
https://api.slack.com/apis/rate-limits https://api.slack.com/methods/chat.postMessage#rate_limiting
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import requests

from sluice_shared import clock as shared_clock

Message = dict[str, Any]
MIN_SECONDS_BETWEEN_POSTS = 1.0
# Time kept back from the invocation's deadline for bookkeeping after the last post.
SAFETY_MARGIN_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 3.05
READ_TIMEOUT_SECONDS = 10.0
TIMEOUTS = (CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS)
DEFAULT_RETRY_AFTER_SECONDS = 1.0
# The message metadata event type that marks sluice's posts (Web API mode).
METADATA_EVENT_TYPE = "sluice_alert"


@dataclass(frozen=True)
class PostOutcome:
    """Whether Slack took the message; if not, why, how long to wait, and whether it may have.

    `ts` and `channel` identify the posted message (Web API mode only: webhooks answer `ok`).
    """

    delivered: bool
    status: int | None = None
    retry_after: float | None = None
    detail: str = ""
    ts: str | None = None
    channel: str | None = None
    unsure: bool = False


@dataclass(frozen=True)
class PostMark:
    """What names one post in the channel: the claim that made it and its alert, or none for
    the claim's digest (a claim posts either one message per alert or one digest of them all).
    """

    claim_id: str
    alert_key: str | None = None

    def metadata(self) -> dict[str, Any]:
        """The post's message metadata (Slack's `metadata` argument)."""
        payload: dict[str, Any] = {"claim": self.claim_id}
        if self.alert_key is None:
            payload["digest"] = True
        else:
            payload["alert"] = self.alert_key
        return {"event_type": METADATA_EVENT_TYPE, "event_payload": payload}


class Seen(StrEnum):
    """Whether an earlier claim's post of an alert is in the channel."""

    POSTED = "posted"
    ABSENT = "absent"
    # Slack cannot be asked (webhook mode) or did not say for sure: post, and say it may repeat.
    UNKNOWN = "unknown"
    # Slack refused the question for now (429, 5xx): ask again on a later delivery.
    DEFERRED = "deferred"


@dataclass(frozen=True)
class ClaimPosts:
    """What the channel holds of one earlier claim's posts (Web API mode reads it back)."""

    # What the read says of an alert none of `posts` is for: ABSENT once read to the end.
    seen: Seen
    # ts of each post found: by alert key, None for the claim's digest.
    posts: dict[str | None, str] = field(default_factory=dict)
    retry_after: float | None = None
    detail: str = ""

    def of(self, alert_key: str) -> tuple[Seen, str | None, str]:
        """(whether the alert was posted, the message ts, `single` or `digest`)."""
        if alert_key in self.posts:
            return Seen.POSTED, self.posts[alert_key], "single"
        if None in self.posts:
            return Seen.POSTED, self.posts[None], "digest"
        return self.seen, None, ""


class SlackPoster(ABC):
    """Posts messages a second apart, waiting out 429s while the invocation has time."""

    #: The channel posts go to, when the poster knows it (Web API mode).
    channel: str | None = None

    def __init__(
        self,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = shared_clock.sleep,
        monotonic: Callable[[], float] = shared_clock.monotonic,
    ) -> None:
        self._session = session or requests.Session()
        self._sleep = sleep
        self._monotonic = monotonic
        self._last_post: float | None = None

    @property
    def threads(self) -> bool:
        """Whether a post can reply in a thread and be found again (Web API mode)."""
        return self.channel is not None

    def post(
        self,
        message: Message,
        seconds_left: Callable[[], float],
        *,
        mark: PostMark | None = None,
        thread_ts: str | None = None,
    ) -> PostOutcome:
        """Post `message` (as a reply in `thread_ts`), waiting out 429s while time allows."""
        wait = self._pace()
        while True:
            if wait + SAFETY_MARGIN_SECONDS >= seconds_left():
                return PostOutcome(delivered=False, retry_after=wait, detail="no time left")
            if wait > 0:
                self._sleep(wait)
            self._last_post = self._monotonic()
            outcome = self._post_once(message, mark, thread_ts)
            if outcome.delivered or outcome.status != 429:
                return outcome
            wait = outcome.retry_after or DEFAULT_RETRY_AFTER_SECONDS
            if wait + SAFETY_MARGIN_SECONDS >= seconds_left():
                return outcome

    def find(
        self,
        claim_id: str,
        window: tuple[float, float],
        threads: Sequence[str],
        seconds_left: Callable[[], float],
    ) -> ClaimPosts:
        """The posts of claim `claim_id` made within `window` (epoch seconds), at the top of
        the channel or in `threads`; a poster that cannot read the channel answers UNKNOWN."""
        return ClaimPosts(Seen.UNKNOWN, detail="this poster cannot read the channel")

    def _pace(self) -> float:
        """Seconds to wait so posts stay a second apart."""
        if self._last_post is None:
            return 0.0
        return max(MIN_SECONDS_BETWEEN_POSTS - (self._monotonic() - self._last_post), 0.0)

    @abstractmethod
    def _post_once(
        self, message: Message, mark: PostMark | None, thread_ts: str | None
    ) -> PostOutcome:
        """One request to Slack."""


def refused(response: requests.Response, *, unsure: bool = False) -> PostOutcome:
    """The outcome of an HTTP answer that is not a success."""
    return PostOutcome(
        delivered=False,
        status=response.status_code,
        retry_after=retry_after(response.headers.get("Retry-After")),
        detail=response.text[:200],
        unsure=unsure or response.status_code >= 500,
    )


def not_answered(error: requests.RequestException) -> PostOutcome:
    """The outcome of a request that got no answer: unsure unless it never connected."""
    return PostOutcome(
        delivered=False,
        detail=type(error).__name__,
        unsure=not isinstance(error, requests.ConnectTimeout),
    )


def retry_after(value: str | None) -> float | None:
    """Slack's `Retry-After` header in seconds (None when absent or unreadable)."""
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None
