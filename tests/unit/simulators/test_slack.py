"""The Slack simulator: incoming webhooks, chat.postMessage, threads and history."""

import requests

from sluice.simulators.slack import DEFAULT_BOT_TOKEN, DEFAULT_CHANNEL, READ_RATE_LIMIT
from tests.unit.simulators.helpers import TIMEOUT


def _post(slack, body: object) -> requests.Response:
    """Post to the sink's incoming-webhook URL with no credentials, as Slack expects."""
    return requests.post(slack.webhook_url, json=body, timeout=TIMEOUT)


def test_a_message_is_answered_ok_and_recorded(slack):
    """GIVEN a message with text and a thread WHEN posted THEN `ok` and it is recorded."""
    response = _post(slack, {"text": "order-shopify-1001 failed", "thread_ts": "1.2"})
    assert (response.status_code, response.text) == (200, "ok")
    [message] = slack.messages
    assert (message["text"], message["thread_ts"], message["blocks"]) == (
        "order-shopify-1001 failed",
        "1.2",
        None,
    )
    assert message["hook"] == "T0000SLUICE/B0000LOCAL/localwebhooksecret"


def test_a_message_without_text_or_blocks_is_400_no_text(slack):
    """GIVEN neither text nor blocks WHEN posted THEN 400 `no_text` and nothing recorded."""
    response = _post(slack, {"username": "sluice"})
    assert (response.status_code, response.text) == (400, "no_text")
    assert slack.messages == []


def test_a_second_message_within_a_second_is_429(slack, clock):
    """GIVEN one message per second WHEN two are posted at once THEN the second is 429,
    and after a second of clock time a third is accepted."""
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*failed*"}}]
    assert _post(slack, {"blocks": blocks}).status_code == 200
    throttled = _post(slack, {"text": "again"})
    assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "1")
    clock.advance(1.0)
    assert _post(slack, {"text": "later"}).status_code == 200
    assert [m["text"] for m in slack.messages] == [None, "later"]


# The Web API a bot token uses


def _api(slack, method: str, body: dict, token: str | None = DEFAULT_BOT_TOKEN) -> dict:
    """Call a Web API method (POST JSON for chat.*, GET query for conversations.*) a second
    after the last call, within the rate limit."""
    slack.clock.advance(1.0)
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    url = f"{slack.api_url}/{method}"
    if method.startswith("chat."):
        response = requests.post(url, json=body, headers=headers, timeout=TIMEOUT)
    else:
        response = requests.get(url, params=body, headers=headers, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


def _metadata(claim: str) -> dict:
    return {"event_type": "sluice_alert", "event_payload": {"claim": claim, "digest": True}}


def test_chat_post_message_answers_the_message_ts_and_records_it_in_the_channel(slack):
    """GIVEN the bot token and its channel WHEN a message is posted THEN ok, with its ts."""
    answer = _api(slack, "chat.postMessage", {"channel": DEFAULT_CHANNEL, "text": "failed"})

    assert answer["ok"] is True and answer["channel"] == DEFAULT_CHANNEL
    [message] = slack.messages
    assert (message["ts"], message["text"], message["via"]) == (
        answer["ts"],
        "failed",
        "chat.postMessage",
    )


def test_a_reply_in_a_thread_is_exposed_by_thread_and_threads(slack):
    """GIVEN a posted message WHEN a reply names its ts THEN it is that thread's reply."""
    parent = _api(slack, "chat.postMessage", {"channel": DEFAULT_CHANNEL, "text": "failed"})

    reply = _api(
        slack,
        "chat.postMessage",
        {"channel": DEFAULT_CHANNEL, "text": "resolved", "thread_ts": parent["ts"]},
    )

    assert reply["ok"] is True and reply["ts"] != parent["ts"]
    assert [m["text"] for m in slack.thread(parent["ts"])] == ["resolved"]
    assert list(slack.threads) == [parent["ts"]]


def test_the_web_api_refuses_what_slack_refuses(slack):
    """GIVEN bad calls WHEN posted THEN Slack's errors, HTTP 200 with ok false, nothing kept."""
    cases = [
        ({"channel": DEFAULT_CHANNEL, "text": "x"}, None, "not_authed"),
        ({"channel": DEFAULT_CHANNEL, "text": "x"}, "xoxb-wrong", "invalid_auth"),
        ({"channel": "C0OTHER", "text": "x"}, DEFAULT_BOT_TOKEN, "channel_not_found"),
        ({"channel": DEFAULT_CHANNEL}, DEFAULT_BOT_TOKEN, "no_text"),
        (
            {"channel": DEFAULT_CHANNEL, "text": "x", "thread_ts": "1.000001"},
            DEFAULT_BOT_TOKEN,
            "thread_not_found",
        ),
    ]
    for body, token, error in cases:
        slack.reset()
        assert _api(slack, "chat.postMessage", body, token) == {"ok": False, "error": error}
    assert slack.messages == []


def test_chat_post_message_over_the_rate_limit_is_429_with_retry_after(slack):
    """GIVEN one call per second WHEN two posts come at once THEN the second is 429."""
    headers = {"Authorization": f"Bearer {DEFAULT_BOT_TOKEN}"}
    body = {"channel": DEFAULT_CHANNEL, "text": "x"}
    url = f"{slack.api_url}/chat.postMessage"
    assert requests.post(url, json=body, headers=headers, timeout=TIMEOUT).status_code == 200

    throttled = requests.post(url, json=body, headers=headers, timeout=TIMEOUT)

    assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "1")
    assert len(slack.messages) == 1


def test_history_reads_top_level_messages_newest_first_in_pages_with_metadata(slack):
    """GIVEN three posts and a reply WHEN history is read two at a time THEN the three
    top-level ones, newest first, across two pages, metadata shown only when asked."""
    posted = []
    for number in range(3):
        body = {"channel": DEFAULT_CHANNEL, "text": f"m{number}", "metadata": _metadata("c")}
        posted.append(_api(slack, "chat.postMessage", body)["ts"])
    _api(
        slack, "chat.postMessage", {"channel": DEFAULT_CHANNEL, "text": "r", "thread_ts": posted[0]}
    )
    query = {"channel": DEFAULT_CHANNEL, "limit": "2", "include_all_metadata": "true"}

    first = _api(slack, "conversations.history", query)
    second = _api(
        slack,
        "conversations.history",
        {**query, "cursor": first["response_metadata"]["next_cursor"]},
    )
    bare = _api(slack, "conversations.history", {"channel": DEFAULT_CHANNEL})

    assert first["has_more"] and not second["has_more"]
    assert [m["text"] for m in first["messages"] + second["messages"]] == ["m2", "m1", "m0"]
    assert first["messages"][0]["metadata"] == _metadata("c")
    assert all("metadata" not in m for m in bare["messages"])


def test_history_keeps_to_the_oldest_and_latest_window(slack, clock):
    """GIVEN posts a minute apart WHEN history is read between them THEN only those within."""
    stamps = []
    for number in range(3):
        stamps.append(
            _api(slack, "chat.postMessage", {"channel": DEFAULT_CHANNEL, "text": f"m{number}"})[
                "ts"
            ]
        )
        clock.advance(60.0)
    window = {"channel": DEFAULT_CHANNEL, "oldest": stamps[1], "latest": stamps[2]}

    exclusive = _api(slack, "conversations.history", window)
    inclusive = _api(slack, "conversations.history", {**window, "inclusive": "true"})

    assert exclusive["messages"] == []
    assert [m["text"] for m in inclusive["messages"]] == ["m2", "m1"]


def test_replies_read_a_thread_parent_first(slack):
    """GIVEN a thread WHEN its replies are read THEN the parent, then the replies in order;
    an unknown thread is thread_not_found."""
    parent = _api(slack, "chat.postMessage", {"channel": DEFAULT_CHANNEL, "text": "p"})["ts"]
    for text in ("a", "b"):
        _api(
            slack,
            "chat.postMessage",
            {"channel": DEFAULT_CHANNEL, "text": text, "thread_ts": parent},
        )

    thread = _api(slack, "conversations.replies", {"channel": DEFAULT_CHANNEL, "ts": parent})
    unknown = _api(slack, "conversations.replies", {"channel": DEFAULT_CHANNEL, "ts": "9.000001"})

    assert [m["text"] for m in thread["messages"]] == ["p", "a", "b"]
    assert unknown == {"ok": False, "error": "thread_not_found"}


def test_reading_has_its_own_limit_apart_from_posting(slack):
    """GIVEN the posting limit used up WHEN history is read THEN it is answered, until the
    read limit's burst is used up too (429 with Retry-After)."""
    headers = {"Authorization": f"Bearer {DEFAULT_BOT_TOKEN}"}
    post = {"channel": DEFAULT_CHANNEL, "text": "x"}
    for _ in range(2):
        requests.post(
            f"{slack.api_url}/chat.postMessage", json=post, headers=headers, timeout=TIMEOUT
        )
    query = {"channel": DEFAULT_CHANNEL}

    reads = [
        requests.get(
            f"{slack.api_url}/conversations.history", params=query, headers=headers, timeout=TIMEOUT
        )
        for _ in range(READ_RATE_LIMIT.burst + 1)
    ]

    assert [r.status for r in slack.requests("POST", "/api/chat.postMessage")] == [200, 429]
    assert {read.status_code for read in reads[:-1]} == {200}
    assert reads[-1].status_code == 429 and int(reads[-1].headers["Retry-After"]) >= 1
