"""Post with a bot token through Slack's Web API: replies in threads, and posts found again.

`chat.postMessage` answers the message's `ts` (its id in the channel); the notifier records it
with the alert, so a resolution can reply in its failure's thread (`thread_ts`). Each post
carries message metadata naming the claim that made it and its alert (`PostMark`), so the post
of a claim that ended before it was recorded can be looked for: `conversations.history` (and
`conversations.replies` of a thread a resolution may be in) with `include_all_metadata`,
within the claim's time.

The bot token needs `chat:write` and `channels:history` (`groups:history` for a private
channel), and the bot must be a member of the channel. Web API errors are HTTP 200 with
`{"ok": false, "error": ...}`; `internal_error` and `fatal_error` may have posted ("it's
possible some aspect of the operation succeeded"). Rate limits: `chat.postMessage` about one
message per second per channel, `conversations.history` and `.replies` Tier 3 (50+ a minute)
for an internal app; over them, 429 with `Retry-After`.
https://api.slack.com/methods/chat.postMessage https://api.slack.com/methods/conversations.history
https://api.slack.com/metadata/using
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import requests

from sluice_shared import clock as shared_clock
from sluice_shared.notifications.posting import (
    METADATA_EVENT_TYPE,
    READ_TIMEOUT_SECONDS,
    SAFETY_MARGIN_SECONDS,
    TIMEOUTS,
    ClaimPosts,
    Message,
    PostMark,
    PostOutcome,
    Seen,
    SlackPoster,
    not_answered,
    refused,
    retry_after,
)

API_BASE_URL = "https://slack.com/api"
HISTORY_PAGE_SIZE = 200
# Pages read per conversation before the answer counts as unknown (1,000 messages within one
# claim's few minutes is far more than an alerts channel gets).
MAX_HISTORY_PAGES = 5
# Slack stamps `ts` by its clock, the ledger by Lambda's: the window is widened by this.
CLOCK_SKEW_SECONDS = 60.0
_MAY_HAVE_POSTED = frozenset({"internal_error", "fatal_error"})
_TRY_LATER = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


class SlackWebApi(SlackPoster):
    """A bot token and the channel it posts to, used by one invocation at a time."""

    def __init__(
        self,
        token: str,
        channel: str,
        *,
        base_url: str = API_BASE_URL,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = shared_clock.sleep,
        monotonic: Callable[[], float] = shared_clock.monotonic,
    ) -> None:
        super().__init__(session=session, sleep=sleep, monotonic=monotonic)
        self.channel = channel
        self._headers = {"Authorization": f"Bearer {token}"}
        self._base_url = base_url.rstrip("/")

    def _post_once(
        self, message: Message, mark: PostMark | None, thread_ts: str | None
    ) -> PostOutcome:
        """chat.postMessage: the message, its metadata, its thread."""
        body: dict[str, Any] = {
            "channel": self.channel,
            "text": message.get("text") or "",
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if message.get("blocks"):
            body["blocks"] = message["blocks"]
        if thread_ts is not None:
            body["thread_ts"] = thread_ts
        if mark is not None:
            body["metadata"] = mark.metadata()
        try:
            response = self._session.post(
                f"{self._base_url}/chat.postMessage",
                json=body,
                headers=self._headers,
                timeout=TIMEOUTS,
            )
        except requests.RequestException as error:
            return not_answered(error)
        if response.status_code != 200:
            return refused(response)
        answer = _json(response)
        if answer.get("ok") is True and answer.get("ts"):
            channel = str(answer.get("channel") or self.channel)
            return PostOutcome(delivered=True, status=200, ts=str(answer["ts"]), channel=channel)
        error = str(answer.get("error") or "not ok")
        return PostOutcome(
            delivered=False, status=200, detail=error, unsure=error in _MAY_HAVE_POSTED
        )

    def find(
        self,
        claim_id: str,
        window: tuple[float, float],
        threads: Sequence[str],
        seconds_left: Callable[[], float],
    ) -> ClaimPosts:
        """Read the channel (and `threads`) within `window` for the claim's posts."""
        since, until = window
        common = {
            "channel": str(self.channel),
            "oldest": f"{max(since - CLOCK_SKEW_SECONDS, 0.0):.6f}",
            "latest": f"{until + CLOCK_SKEW_SECONDS:.6f}",
            "inclusive": "true",
            "include_all_metadata": "true",
            "limit": str(HISTORY_PAGE_SIZE),
        }
        reads = [("conversations.history", common)]
        reads += [("conversations.replies", {**common, "ts": ts}) for ts in threads]
        posts: dict[str | None, str] = {}
        for method, params in reads:
            stopped = self._read(method, params, claim_id, posts, seconds_left)
            if stopped is not None:
                return stopped
        return ClaimPosts(Seen.ABSENT, posts)

    def _read(
        self,
        method: str,
        params: Mapping[str, str],
        claim_id: str,
        posts: dict[str | None, str],
        seconds_left: Callable[[], float],
    ) -> ClaimPosts | None:
        """Add the claim's posts in one conversation to `posts`; None once read to the end,
        else why the answer is not known."""
        cursor = ""
        for _ in range(MAX_HISTORY_PAGES):
            if seconds_left() < SAFETY_MARGIN_SECONDS + READ_TIMEOUT_SECONDS:
                return ClaimPosts(Seen.DEFERRED, posts, detail="no time left")
            query = {**params, "cursor": cursor} if cursor else dict(params)
            try:
                response = self._session.get(
                    f"{self._base_url}/{method}",
                    params=query,
                    headers=self._headers,
                    timeout=TIMEOUTS,
                )
            except requests.RequestException as error:
                return ClaimPosts(Seen.DEFERRED, posts, detail=type(error).__name__)
            if response.status_code == 429 or response.status_code >= 500:
                wait = retry_after(response.headers.get("Retry-After"))
                return ClaimPosts(Seen.DEFERRED, posts, retry_after=wait, detail=method)
            answer = _json(response)
            if response.status_code != 200 or answer.get("ok") is not True:
                error = str(answer.get("error") or response.status_code)
                if error == "thread_not_found":
                    return None
                seen = Seen.DEFERRED if error in _TRY_LATER else Seen.UNKNOWN
                return ClaimPosts(seen, posts, detail=f"{method}: {error}")
            for message in answer.get("messages") or []:
                payload = _payload(message)
                if payload.get("claim") == claim_id:
                    alert_key = None if payload.get("digest") else str(payload.get("alert"))
                    posts.setdefault(alert_key, str(message.get("ts")))
            cursor = str((answer.get("response_metadata") or {}).get("next_cursor") or "")
            if not answer.get("has_more") or not cursor:
                return None
        return ClaimPosts(Seen.UNKNOWN, posts, detail=f"{method}: over {MAX_HISTORY_PAGES} pages")


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _payload(message: Mapping[str, Any]) -> Mapping[str, Any]:
    """The sluice metadata payload of a message from the channel ({} for any other message)."""
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != METADATA_EVENT_TYPE:
        return {}
    payload = metadata.get("event_payload")
    return payload if isinstance(payload, dict) else {}
