"""Posting to an incoming webhook: a second apart, 429s waited out, failures reported."""

from dataclasses import dataclass, field

import requests

from sluice_shared.notifications.posting import SAFETY_MARGIN_SECONDS
from sluice_shared.notifications.slack import SlackWebhook

URL = "https://hooks.slack.test/services/T/B/secret"


@dataclass
class FakeResponse:
    status_code: int
    headers: dict = field(default_factory=dict)
    text: str = "ok"


class ScriptedSession:
    """Answers posts from a script, on a clock the webhook's sleeps advance."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.posted_at: list[float] = []
        self.now = 0.0

    def post(self, url, json, timeout):
        self.posted_at.append(self.now)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def sleep(self, seconds):
        self.now += seconds

    def monotonic(self):
        return self.now


def webhook(session: ScriptedSession) -> SlackWebhook:
    return SlackWebhook(URL, session=session, sleep=session.sleep, monotonic=session.monotonic)


def plenty() -> float:
    return 60.0


def test_posts_are_spaced_a_second_apart():
    session = ScriptedSession([FakeResponse(200), FakeResponse(200)])
    poster = webhook(session)

    assert poster.post({"text": "one"}, plenty).delivered
    assert poster.post({"text": "two"}, plenty).delivered
    assert session.posted_at == [0.0, 1.0]


def test_a_429_is_waited_out_for_its_retry_after_then_posted():
    session = ScriptedSession([FakeResponse(429, {"Retry-After": "3"}), FakeResponse(200)])

    outcome = webhook(session).post({"text": "one"}, plenty)

    assert outcome.delivered
    assert session.posted_at == [0.0, 3.0]


def test_a_429_longer_than_the_time_left_is_reported_with_its_wait():
    session = ScriptedSession([FakeResponse(429, {"Retry-After": "30"})])

    outcome = webhook(session).post({"text": "one"}, lambda: 30 + SAFETY_MARGIN_SECONDS)

    assert (outcome.delivered, outcome.status, outcome.retry_after) == (False, 429, 30.0)
    assert session.posted_at == [0.0]


def test_a_refused_message_or_a_connection_error_is_reported_not_retried():
    refused = ScriptedSession([FakeResponse(400, text="invalid_blocks")])
    unreachable = ScriptedSession([requests.ConnectionError("refused")])

    first = webhook(refused).post({"text": "one"}, plenty)
    second = webhook(unreachable).post({"text": "one"}, plenty)

    assert (first.delivered, first.status, first.detail) == (False, 400, "invalid_blocks")
    assert (second.delivered, second.detail) == (False, "ConnectionError")


def test_a_post_the_pace_leaves_no_time_for_is_not_sent():
    session = ScriptedSession([FakeResponse(200)])
    poster = webhook(session)
    poster.post({"text": "one"}, plenty)

    outcome = poster.post({"text": "two"}, lambda: SAFETY_MARGIN_SECONDS)

    assert (outcome.delivered, outcome.retry_after) == (False, 1.0)
    assert session.posted_at == [0.0]
