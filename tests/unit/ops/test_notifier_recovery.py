"""A post that reached Slack but was not recorded is not posted twice (as far as Slack allows).

The claimer may end between its post and the SENT mark, or its post may get no answer. In
Web API mode the next claim finds that post in the channel by its metadata and records it;
with a webhook (which cannot be read back) it posts again, saying the alert may repeat.
"""

import itertools

import boto3
import pytest

from sluice_shared.notifications import AlertLedger
from sluice_shared.notifications.ledger import CLAIM_MARGIN_SECONDS
from sluice_shared.notifications.posting import ClaimPosts, Seen
from tests.unit.ops.notifier_support import (
    CHANNEL,
    THRESHOLD,
    Clock,
    FakeSlack,
    failure_body,
    notifier,
    plenty,
)

REPEAT_NOTE = "may have reached this channel"
# Past the claim of an invocation that had 60 s left.
CLAIM_EXPIRY = 60 + CLAIM_MARGIN_SECONDS + 1


class CrashingLedger(AlertLedger):
    """A ledger whose SENT mark fails the first time: the invocation ends after posting."""

    def __init__(self, now: Clock) -> None:
        super().__init__(now=now)
        self.crashes = 1

    def mark_sent(self, alerts, posted_as, ts=None, channel=None) -> None:
        if self.crashes:
            self.crashes -= 1
            raise RuntimeError("DynamoDB went away")
        super().mark_sent(alerts, posted_as, ts, channel)


def claim_ids():
    """Claim ids `claim-1`, `claim-2`, ... (one per invocation)."""
    numbers = itertools.count(1)
    return lambda: f"claim-{next(numbers)}"


def crash_after_posting(setup, slack: FakeSlack, clock: Clock, bodies: list[str]) -> str:
    """GIVEN an invocation that posted the alerts and died before recording them, and its
    claims expired; return its claim id."""
    new_claim_id = claim_ids()
    with pytest.raises(RuntimeError):
        notifier(slack, CrashingLedger(clock), new_claim_id).handle_batch(
            setup.records(bodies), plenty
        )
    assert set(setup.alert_statuses().values()) == {"SENDING"}
    clock.advance(CLAIM_EXPIRY)
    return "claim-1"


def test_web_api_a_post_whose_claimer_died_is_found_and_recorded_not_posted_again(setup):
    slack, clock = FakeSlack(web_api=True), Clock()
    body = failure_body(1)
    crash_after_posting(setup, slack, clock, [body])

    failed = notifier(slack, AlertLedger(now=clock), claim_ids()).handle_batch(
        setup.records([body]), plenty
    )

    assert failed == []
    assert len(slack.messages) == 1
    assert slack.finds == ["claim-1"]
    [item] = setup.items().values()
    assert (item["status"]["S"], item["slackTs"]["S"], item["slackChannel"]["S"]) == (
        "SENT",
        slack.posted[0].ts,
        CHANNEL,
    )


def test_web_api_a_digest_whose_claimer_died_is_found_for_every_alert_in_it(setup):
    slack, clock = FakeSlack(web_api=True), Clock()
    bodies = [failure_body(number) for number in range(THRESHOLD + 1)]
    crash_after_posting(setup, slack, clock, bodies)

    notifier(slack, AlertLedger(now=clock)).handle_batch(setup.records(bodies), plenty)

    assert len(slack.messages) == 1 and slack.posted[0].mark.alert_key is None
    assert {item["postedAs"]["S"] for item in setup.items().values()} == {"digest"}
    assert set(setup.alert_statuses().values()) == {"SENT"}


def test_web_api_a_post_that_got_no_answer_but_arrived_is_found_on_redelivery(setup):
    slack = FakeSlack(web_api=True, unanswered=1, lost_answers=True)
    body = failure_body(1)
    first = notifier(slack).handle_batch(setup.records([body]), plenty)
    [item] = setup.items().values()
    assert (item["status"]["S"], item["unsure"]["BOOL"]) == ("PENDING", True)

    second = notifier(slack).handle_batch(setup.records([body]), plenty)

    assert len(first) == 1 and second == []
    assert len(slack.messages) == 1
    assert set(setup.alert_statuses().values()) == {"SENT"}


def test_web_api_a_post_that_got_no_answer_and_never_arrived_is_posted_once_plainly(setup):
    slack = FakeSlack(web_api=True, unanswered=1, lost_answers=False)
    body = failure_body(1)
    notifier(slack).handle_batch(setup.records([body]), plenty)

    notifier(slack).handle_batch(setup.records([body]), plenty)

    [message] = slack.messages
    assert REPEAT_NOTE not in message["text"]
    assert set(setup.alert_statuses().values()) == {"SENT"}


def test_when_slack_refuses_the_lookup_the_alert_waits_without_posting(setup):
    slack = FakeSlack(web_api=True, unanswered=1, lost_answers=False)
    body = failure_body(1)
    notifier(slack).handle_batch(setup.records([body]), plenty)
    slack.find_answer = ClaimPosts(Seen.DEFERRED, retry_after=20.0, detail="429")
    records = setup.records([body])

    failed = notifier(slack).handle_batch(records, plenty)

    assert failed == [records[0].message_id]
    assert slack.messages == []
    [item] = setup.items().values()
    assert (item["status"]["S"], item["unsure"]["BOOL"]) == ("PENDING", True)
    visible = boto3.client("sqs").receive_message(QueueUrl=setup.queue_url, VisibilityTimeout=0)
    assert "Messages" not in visible


def test_after_a_refused_lookup_the_next_one_still_looks_for_the_first_claims_post(setup):
    slack = FakeSlack(web_api=True, unanswered=1, lost_answers=True)
    body = failure_body(1)
    new_claim_id = claim_ids()
    notifier(slack, claim_ids=new_claim_id).handle_batch(setup.records([body]), plenty)
    slack.find_answer = ClaimPosts(Seen.DEFERRED, retry_after=20.0)
    notifier(slack, claim_ids=new_claim_id).handle_batch(setup.records([body]), plenty)
    slack.find_answer = None

    notifier(slack, claim_ids=new_claim_id).handle_batch(setup.records([body]), plenty)

    assert slack.finds == ["claim-1", "claim-1"]
    assert len(slack.messages) == 1
    assert set(setup.alert_statuses().values()) == {"SENT"}


def test_webhook_a_post_whose_claimer_died_is_posted_again_saying_it_may_repeat(setup):
    slack, clock = FakeSlack(), Clock()
    body = failure_body(1)
    crash_after_posting(setup, slack, clock, [body])

    notifier(slack, AlertLedger(now=clock)).handle_batch(setup.records([body]), plenty)

    first, second = slack.messages
    assert REPEAT_NOTE not in first["text"] and REPEAT_NOTE in second["text"]
    assert second["blocks"][-1]["type"] == "context"
    assert set(setup.alert_statuses().values()) == {"SENT"}


def test_an_unexpired_claim_is_not_looked_up_but_delivered_again_later(setup):
    slack, clock = FakeSlack(web_api=True), Clock()
    body = failure_body(1)
    with pytest.raises(RuntimeError):
        notifier(slack, CrashingLedger(clock)).handle_batch(setup.records([body]), plenty)
    records = setup.records([body])

    failed = notifier(slack, AlertLedger(now=clock)).handle_batch(records, plenty)

    assert failed == [records[0].message_id]
    assert slack.finds == []
    assert set(setup.alert_statuses().values()) == {"SENDING"}
