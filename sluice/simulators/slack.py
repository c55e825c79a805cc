"""The Slack simulator: incoming webhooks, and the Web API methods a bot uses to post and read.

Like Slack:
- `POST /services/...` is an incoming webhook: the URL is the secret (no bearer auth), a body
  needs `text` or `blocks` (400 `no_text` otherwise), the answer is the text `ok`, and the
  message lands in the webhook's channel.
- `POST /api/chat.postMessage` (JSON) takes `Authorization: Bearer <bot token>`, a `channel`
  the bot is in, `text` or `blocks`, and optionally `thread_ts` (a reply) and `metadata`
  (`event_type`, `event_payload`); it answers `{"ok": true, "channel", "ts", "message"}`.
- `GET /api/conversations.history` (newest first, top-level messages) and
  `GET /api/conversations.replies` (a thread, parent first) read a channel back, with
  `oldest`/`latest`/`inclusive`, `limit`, cursor pagination, and metadata only when
  `include_all_metadata` is true.
- Web API errors are HTTP 200 with `{"ok": false, "error"}`: `not_authed`, `invalid_auth`,
  `channel_not_found`, `no_text`, `invalid_cursor`, `invalid_arguments`, `thread_not_found`
  (a reply to no message of the channel: stricter than Slack, so a wrong `thread_ts` shows).
- Posting (webhooks and `chat.postMessage` share the channel) is held to the settings' rate
  limit, one message a second by default; reading (`conversations.*`) to Slack's Tier 3, 50
  a minute with bursts. Over either, 429 with `Retry-After`.
Every message gets a `ts` unique in the simulator; `messages`, `thread` and `threads` show
what reached the channels.
https://api.slack.com/methods/chat.postMessage https://api.slack.com/methods/conversations.history
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from sluice.clock import Clock
from sluice.simulators.base import Simulator
from sluice.simulators.messages import Request, Response
from sluice.simulators.ratelimit import TokenBucket
from sluice.simulators.routing import Route
from sluice.simulators.settings import RateLimit, SimulatorSettings

DEFAULT_WEBHOOK_PATH = "/services/T0000SLUICE/B0000LOCAL/localwebhooksecret"
DEFAULT_RATE_LIMIT = RateLimit(per_second=1.0, burst=1)
# Slack's Tier 3 (conversations.history and .replies for an internal app): 50+ a minute.
READ_RATE_LIMIT = RateLimit(per_second=50 / 60, burst=20)
DEFAULT_BOT_TOKEN = "xoxb-0000-sluice-local-bot-token"
# The channel incoming webhooks post to, and the one the bot is a member of.
DEFAULT_CHANNEL = "C0SLUICEOPS"
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 999


class SlackSimulator(Simulator):
    """Records the messages posted by incoming webhook or `chat.postMessage`, by channel."""

    name = "slack"

    def __init__(
        self,
        settings: SimulatorSettings | None = None,
        *,
        clock: Clock | None = None,
        port: int = 0,
        bot_token: str = DEFAULT_BOT_TOKEN,
        channels: Sequence[str] = (DEFAULT_CHANNEL,),
    ) -> None:
        self.bot_token = bot_token
        self.channels = tuple(channels)
        super().__init__(settings, clock=clock, port=port)

    @classmethod
    def default_settings(cls) -> SimulatorSettings:
        """No bearer auth on webhooks, one message per second."""
        return SimulatorSettings(rate_limit=DEFAULT_RATE_LIMIT)

    def _make_bucket(self, settings: SimulatorSettings) -> TokenBucket | None:
        """The settings' rate limit is the posting limit, kept by the posting methods (reads
        have their own), so no bucket for every request."""
        limit = settings.rate_limit
        self._post_bucket = None if limit is None else TokenBucket(limit, self.clock)
        return None

    def _over_limit(self, bucket: TokenBucket | None) -> Response | None:
        """429 with the seconds until `bucket` has a token, or None when the call may go."""
        wait = None if bucket is None else bucket.take()
        return None if wait is None else self._throttle(max(wait, 1.0))

    def routes(self) -> Sequence[Route]:
        """The incoming-webhook endpoint and the Web API methods."""
        return [
            Route("POST", "/services/{hook:path}", self._post_webhook),
            Route("POST", "/api/chat.postMessage", self._chat_post_message),
            Route("GET", "/api/conversations.history", self._conversations_history),
            Route("GET", "/api/conversations.replies", self._conversations_replies),
        ]

    def _reset_state(self) -> None:
        """No messages."""
        self._messages: list[dict[str, Any]] = []
        self._last_ts = 0.0
        self._read_bucket = TokenBucket(READ_RATE_LIMIT, self.clock)

    @property
    def webhook_url(self) -> str:
        """An incoming-webhook URL on this simulator."""
        return self.url + DEFAULT_WEBHOOK_PATH

    @property
    def api_url(self) -> str:
        """The Web API's base URL (`<api_url>/chat.postMessage`)."""
        return self.url + "/api"

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Every accepted message, oldest first: `{"channel", "ts", "thread_ts", "text",
        "blocks", "metadata", "hook", "via", "receivedAt"}` (`hook` for webhooks only)."""
        with self._state_lock:
            return copy.deepcopy(self._messages)

    def thread(self, ts: str, channel: str = DEFAULT_CHANNEL) -> list[dict[str, Any]]:
        """The replies to message `ts` of `channel`, oldest first."""
        return [
            message
            for message in self.messages
            if message["channel"] == channel and _is_reply_to(message, ts)
        ]

    @property
    def threads(self) -> dict[str, list[dict[str, Any]]]:
        """Replies by the `ts` of the message they reply to (every channel)."""
        found: dict[str, list[dict[str, Any]]] = {}
        for message in self.messages:
            parent = message["thread_ts"]
            if parent is not None and parent != message["ts"]:
                found.setdefault(parent, []).append(message)
        return found

    # Incoming webhooks

    def _post_webhook(self, request: Request) -> Response:
        """Accept a message with `text` or `blocks` into the webhook's channel."""
        body = request.body
        if not isinstance(body, dict):
            return Response(400, "invalid_payload")
        if not body.get("text") and not body.get("blocks"):
            return Response(400, "no_text")
        throttled = self._over_limit(self._post_bucket)
        if throttled is not None:
            return throttled
        self._store(DEFAULT_CHANNEL, body, via="webhook", hook=request.path_params["hook"])
        return Response(200, "ok")

    # Web API

    def _chat_post_message(self, request: Request) -> Response:
        """Post to a channel the bot is in, as a reply when `thread_ts` names a message."""
        refused = self._unauthorised(request) or self._over_limit(self._post_bucket)
        if refused is not None:
            return refused
        body = request.body
        if not isinstance(body, dict):
            return _not_ok("invalid_arguments")
        channel = body.get("channel")
        if channel not in self.channels:
            return _not_ok("channel_not_found")
        if not body.get("text") and not body.get("blocks"):
            return _not_ok("no_text")
        thread_ts = body.get("thread_ts")
        if thread_ts is not None and self._top_level(str(channel), str(thread_ts)) is None:
            return _not_ok("thread_not_found")
        message = self._store(str(channel), body, via="chat.postMessage")
        answer = {"ok": True, "channel": channel, "ts": message["ts"], "message": _shown(message)}
        return Response(200, answer)

    def _refuse_read(self, request: Request) -> Response | None:
        """Why a conversations.* read is refused (token, read rate limit, channel), if it is."""
        return (
            self._unauthorised(request)
            or self._over_limit(self._read_bucket)
            or self._unknown_channel(request)
        )

    def _conversations_history(self, request: Request) -> Response:
        """A channel's top-level messages in the window, newest first."""
        refused = self._refuse_read(request)
        if refused is not None:
            return refused
        channel = request.query["channel"]
        found = [
            message
            for message in reversed(self._messages)
            if message["channel"] == channel
            and not _is_reply(message)
            and _within(message["ts"], request.query)
        ]
        return _page(found, request.query)

    def _conversations_replies(self, request: Request) -> Response:
        """A thread: its parent, then its replies in the window, oldest first."""
        refused = self._refuse_read(request)
        if refused is not None:
            return refused
        channel, ts = request.query["channel"], request.query.get("ts", "")
        parent = self._top_level(channel, ts)
        if parent is None:
            return _not_ok("thread_not_found")
        replies = [
            message
            for message in self._messages
            if message["channel"] == channel
            and _is_reply_to(message, ts)
            and _within(message["ts"], request.query)
        ]
        return _page([parent, *replies], request.query)

    def _unauthorised(self, request: Request) -> Response | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _not_ok("not_authed")
        if token.strip() != self.bot_token:
            return _not_ok("invalid_auth")
        return None

    def _unknown_channel(self, request: Request) -> Response | None:
        return (
            None if request.query.get("channel") in self.channels else _not_ok("channel_not_found")
        )

    def _top_level(self, channel: str, ts: str) -> dict[str, Any] | None:
        for message in self._messages:
            if message["channel"] == channel and message["ts"] == ts and not _is_reply(message):
                return message
        return None

    def _store(
        self, channel: str, body: dict[str, Any], *, via: str, hook: str | None = None
    ) -> dict[str, Any]:
        """Record a message under a new `ts` (strictly increasing, microseconds)."""
        now = self.clock.now()
        self._last_ts = max(now.timestamp(), self._last_ts + 0.000001)
        message = {
            "channel": channel,
            "ts": f"{self._last_ts:.6f}",
            "thread_ts": body.get("thread_ts"),
            "text": body.get("text"),
            "blocks": body.get("blocks"),
            "metadata": body.get("metadata"),
            "hook": hook,
            "via": via,
            "receivedAt": now.isoformat(),
        }
        self._messages.append(message)
        return message


def _not_ok(error: str) -> Response:
    """A Web API error: HTTP 200 with `ok` false."""
    return Response(200, {"ok": False, "error": error})


def _is_reply(message: dict[str, Any]) -> bool:
    return message["thread_ts"] is not None and message["thread_ts"] != message["ts"]


def _is_reply_to(message: dict[str, Any], ts: str) -> bool:
    return _is_reply(message) and message["thread_ts"] == ts


def _within(ts: str, query: Mapping[str, str]) -> bool:
    """Whether `ts` lies between the query's `oldest` and `latest` (bounds per `inclusive`)."""
    value = float(ts)
    oldest = float(query.get("oldest") or 0)
    latest = float(query["latest"]) if query.get("latest") else float("inf")
    if query.get("inclusive") in ("true", "1"):
        return oldest <= value <= latest
    return oldest < value < latest


def _page(found: list[dict[str, Any]], query: Mapping[str, str]) -> Response:
    """One page of `found` from the query's cursor (an offset), with the next cursor."""
    try:
        limit = min(max(int(query.get("limit") or DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE)
        start = int(query.get("cursor") or 0)
    except ValueError:
        return _not_ok("invalid_cursor")
    page = found[start : start + limit]
    with_metadata = query.get("include_all_metadata") in ("true", "1")
    has_more = start + limit < len(found)
    answer = {
        "ok": True,
        "messages": [_shown(message, with_metadata) for message in page],
        "has_more": has_more,
        "response_metadata": {"next_cursor": str(start + limit) if has_more else ""},
    }
    return Response(200, answer)


def _shown(message: dict[str, Any], with_metadata: bool = True) -> dict[str, Any]:
    """A message as the Web API shows it."""
    shown = {"type": "message", "ts": message["ts"], "text": message["text"] or ""}
    if message["blocks"]:
        shown["blocks"] = message["blocks"]
    if message["thread_ts"] is not None:
        shown["thread_ts"] = message["thread_ts"]
    if with_metadata and message["metadata"]:
        shown["metadata"] = message["metadata"]
    return shown
