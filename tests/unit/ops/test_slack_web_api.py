"""Posting with a bot token, against the Slack simulator: ts, threads, 429s, and posts found
again by the claim that made them."""

import math
from collections.abc import Iterator

import pytest

from sluice.clock import VirtualClock
from sluice.simulators import SlackSimulator
from sluice.simulators.faults import Faults
from sluice.simulators.settings import RateLimit
from sluice.simulators.slack import DEFAULT_BOT_TOKEN, DEFAULT_CHANNEL, READ_RATE_LIMIT
from sluice_shared.notifications import PostMark, SlackWebApi
from sluice_shared.notifications.posting import Seen

MESSAGE = {"text": "Order order-shopify-1 failed at ValidateOrder", "blocks": []}


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def slack(clock: VirtualClock) -> Iterator[SlackSimulator]:
    with SlackSimulator(clock=clock) as simulator:
        yield simulator


def poster(slack: SlackSimulator, token: str = DEFAULT_BOT_TOKEN, channel=DEFAULT_CHANNEL):
    """A Web API poster on the simulator, pacing itself on the simulator's clock."""
    return SlackWebApi(
        token,
        channel,
        base_url=slack.api_url,
        sleep=slack.clock.advance,
        monotonic=slack.clock.monotonic,
    )


def plenty() -> float:
    return 60.0


def window(clock: VirtualClock) -> tuple[float, float]:
    now = clock.now().timestamp()
    return now - 60, now + 60


def test_a_post_answers_its_ts_and_carries_the_claims_metadata(slack):
    mark = PostMark("claim-1", "arn#r0#failure")

    outcome = poster(slack).post(MESSAGE, plenty, mark=mark)

    [message] = slack.messages
    assert (outcome.delivered, outcome.ts, outcome.channel) == (
        True,
        message["ts"],
        DEFAULT_CHANNEL,
    )
    assert message["metadata"] == mark.metadata()


def test_a_reply_goes_into_the_thread_it_names(slack):
    slack_poster = poster(slack)
    parent = slack_poster.post(MESSAGE, plenty)

    slack_poster.post({"text": "Resolved"}, plenty, thread_ts=parent.ts)

    assert [m["text"] for m in slack.thread(str(parent.ts))] == ["Resolved"]


def test_a_429_is_waited_out_for_its_retry_after_then_posted(slack, clock):
    slack.configure(rate_limit=RateLimit(per_second=0.25))
    slack_poster = poster(slack)
    slack_poster.post(MESSAGE, plenty)

    outcome = slack_poster.post(MESSAGE, plenty)

    assert outcome.delivered
    posts = slack.requests("POST", "/api/chat.postMessage")
    assert [request.status for request in posts] == [200, 429, 200]
    assert posts[1].response_body is not None
    assert clock.monotonic() == 1.0 + 3.0


def test_a_wrong_token_or_channel_is_refused_and_known_not_posted(slack):
    for refused in (poster(slack, token="xoxb-wrong"), poster(slack, channel="C0OTHER")):
        outcome = refused.post(MESSAGE, plenty)
        assert (outcome.delivered, outcome.unsure) == (False, False)
    assert slack.messages == []


def test_a_post_whose_answer_was_lost_is_unsure_and_found_by_its_claim(slack, clock):
    slack_poster = poster(slack)
    with slack.configured(faults=Faults(reset=1.0)):
        outcome = slack_poster.post(MESSAGE, plenty, mark=PostMark("claim-1", "a#r0#failure"))
    clock.advance(1.0)

    found = slack_poster.find("claim-1", window(clock), [], plenty)

    assert (outcome.delivered, outcome.unsure) == (False, True)
    assert found.of("a#r0#failure") == (Seen.POSTED, slack.messages[0]["ts"], "single")
    assert found.of("b#r0#failure") == (Seen.ABSENT, None, "")


def test_a_digest_is_found_for_any_of_its_alerts_and_other_claims_are_ignored(slack, clock):
    slack_poster = poster(slack)
    slack_poster.post(MESSAGE, plenty, mark=PostMark("claim-2", "a#r0#failure"))
    slack_poster.post(MESSAGE, plenty, mark=PostMark("claim-1"))
    clock.advance(1.0)

    found = slack_poster.find("claim-1", window(clock), [], plenty)

    assert found.of("a#r0#failure") == (Seen.POSTED, slack.messages[1]["ts"], "digest")


def test_a_reply_is_found_in_the_thread_it_was_posted_in(slack, clock):
    slack_poster = poster(slack)
    parent = slack_poster.post(MESSAGE, plenty)
    reply = slack_poster.post(
        {"text": "Resolved"},
        plenty,
        mark=PostMark("claim-3", "a#r1#resolution"),
        thread_ts=parent.ts,
    )
    clock.advance(1.0)

    top_level = slack_poster.find("claim-3", window(clock), [], plenty)
    clock.advance(1.0)
    threaded = slack_poster.find("claim-3", window(clock), [str(parent.ts)], plenty)

    assert top_level.of("a#r1#resolution")[0] is Seen.ABSENT
    assert threaded.of("a#r1#resolution") == (Seen.POSTED, reply.ts, "single")


def test_a_lookup_slack_throttles_is_deferred_with_its_retry_after(slack):
    slack_poster = poster(slack)
    slack_poster.post(MESSAGE, plenty, mark=PostMark("claim-1"))
    span = window(slack.clock)

    answers = [
        slack_poster.find("claim-1", span, [], plenty) for _ in range(READ_RATE_LIMIT.burst + 1)
    ]

    assert {answer.seen for answer in answers[:-1]} == {Seen.ABSENT}
    throttled = answers[-1]
    assert (throttled.seen, throttled.retry_after) == (
        Seen.DEFERRED,
        math.ceil(1 / READ_RATE_LIMIT.per_second),
    )
    assert throttled.of("a#r0#failure")[0] is Seen.DEFERRED


def test_a_lookup_posts_outside_the_window_do_not_answer(slack, clock):
    slack_poster = poster(slack)
    slack_poster.post(MESSAGE, plenty, mark=PostMark("claim-1"))
    clock.advance(3600.0)

    found = slack_poster.find("claim-1", window(clock), [], plenty)

    assert found.of("a#r0#failure")[0] is Seen.ABSENT
