"""The Slack incoming-webhook sink."""

import requests

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
