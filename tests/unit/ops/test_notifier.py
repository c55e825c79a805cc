"""The notifier on moto: each alert posted once, storms as a digest, nothing lost to a 429."""

import json

import boto3

from sluice_shared import settings
from sluice_shared.notifications import AlertLedger, parse_alert
from sluice_shared.notifications.ledger import Claim
from sluice_shared.notifications.notifier import RESERVE_SECONDS
from tests.fixtures.aws import put_secret
from tests.fixtures.events import load_event
from tests.fixtures.handlers import load_handler_module
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.unit.ops.notifier_support import (
    ALERTS_TABLE,
    THRESHOLD,
    FakeSlack,
    failure_body,
    notifier,
    plenty,
)

SLACK_SECRET = "sluice/test/slack/webhook-url"
BOT_TOKEN_SECRET = "sluice/test/slack/bot-token"


def test_one_failure_is_posted_once_naming_its_failed_step(setup):
    slack = FakeSlack()

    failed = notifier(slack).handle_batch(setup.records([failure_body(1)]), plenty)

    assert failed == []
    assert len(slack.messages) == 1
    assert "order-shopify-1 failed at ValidateOrder" in slack.messages[0]["text"]
    assert set(setup.alert_statuses().values()) == {"SENT"}


def test_a_duplicate_event_in_the_same_or_a_later_batch_posts_nothing_more(setup):
    slack = FakeSlack()
    body = failure_body(1)

    notifier(slack).handle_batch(setup.records([body, body]), plenty)
    notifier(slack).handle_batch(setup.records([body]), plenty)

    assert len(slack.messages) == 1


def test_more_alerts_than_the_threshold_become_one_digest(setup):
    slack = FakeSlack()
    bodies = [failure_body(number) for number in range(THRESHOLD + 1)]

    notifier(slack).handle_batch(setup.records(bodies), plenty)

    assert len(slack.messages) == 1
    assert slack.messages[0]["text"].startswith(f"{THRESHOLD + 1} alerts at once")
    assert set(setup.alert_statuses().values()) == {"SENT"}


def test_a_429_leaves_the_alerts_pending_hidden_for_the_retry_after_and_redelivered(setup):
    slack = FakeSlack(refusals=1)
    records = setup.records([failure_body(1), failure_body(2)])

    failed = notifier(slack).handle_batch(records, plenty)

    assert sorted(failed) == sorted(record.message_id for record in records)
    assert set(setup.alert_statuses().values()) == {"PENDING"}
    assert slack.messages == []
    visible = boto3.client("sqs").receive_message(QueueUrl=setup.queue_url, VisibilityTimeout=0)
    assert "Messages" not in visible


def test_pending_alerts_are_posted_when_delivered_again(setup):
    slack = FakeSlack(refusals=1)
    bodies = [failure_body(1), failure_body(2)]
    notifier(slack).handle_batch(setup.records(bodies), plenty)

    failed = notifier(slack).handle_batch(setup.records(bodies), plenty)

    assert failed == []
    assert len(slack.messages) == 2
    assert set(setup.alert_statuses().values()) == {"SENT"}


def test_an_unreadable_message_is_reported_failed_and_the_rest_posted(setup):
    slack = FakeSlack()
    records = setup.records(["not an alert", failure_body(1)])

    failed = notifier(slack).handle_batch(records, plenty)

    assert failed == [next(r.message_id for r in records if r.body == "not an alert")]
    assert len(slack.messages) == 1


def test_a_resolution_names_the_failure_it_resolves(setup):
    slack = FakeSlack()
    failure_body(1042)
    resolved = load_event("ops/execution-redriven-succeeded.json")
    resolved["detail"]["input"] = json.dumps({"businessKey": "order-shopify-1042"})

    notifier(slack).handle_batch(setup.records([json.dumps(resolved)]), plenty)

    assert slack.messages[0]["text"] == (
        "Resolved: order order-shopify-1042 succeeded after redrive 1. Earlier failure: "
        "`OrderInvalid` at ValidateOrder (2025-11-23T12:00:42.000Z)."
    )


def test_the_handler_posts_to_the_webhook_url_in_secrets_manager(setup, monkeypatch):
    put_secret(SLACK_SECRET, "https://hooks.slack.test/services/T/B/secret")
    monkeypatch.setenv(settings.SLACK_WEBHOOK_URL_SECRET_NAME, SLACK_SECRET)
    module = load_handler_module("ops/notify_slack")
    posted = []

    class Session:
        def post(self, url, json, timeout):
            posted.append(url)
            return type("Answer", (), {"status_code": 200, "headers": {}, "text": "ok"})()

    monkeypatch.setattr("sluice_shared.notifications.wiring.slack_session", lambda: Session())
    records = setup.records([failure_body(1)])
    event = {"Records": [record.raw_event for record in records]}

    answer = module.handler(event, FakeLambdaContext())

    assert answer == {"batchItemFailures": []}
    assert posted == ["https://hooks.slack.test/services/T/B/secret"]


def test_given_a_bot_token_the_handler_posts_with_chat_post_message_and_records_the_ts(
    setup, monkeypatch
):
    put_secret(BOT_TOKEN_SECRET, "xoxb-test-token")
    monkeypatch.setenv(settings.SLACK_BOT_TOKEN_SECRET_NAME, BOT_TOKEN_SECRET)
    monkeypatch.setenv(settings.SLACK_CHANNEL_ID, "C0TESTOPS")
    monkeypatch.setenv(settings.SLACK_API_BASE_URL, "https://slack.test/api")
    module = load_handler_module("ops/notify_slack")
    posted = []

    class Answer:
        status_code = 200
        headers: dict = {}
        text = ""

        def json(self):
            return {"ok": True, "channel": "C0TESTOPS", "ts": "1763900000.000200"}

    class Session:
        def post(self, url, json, headers, timeout):
            posted.append((url, headers["Authorization"], json["channel"]))
            return Answer()

    monkeypatch.setattr("sluice_shared.notifications.wiring.slack_session", lambda: Session())
    records = setup.records([failure_body(1)])
    event = {"Records": [record.raw_event for record in records]}

    answer = module.handler(event, FakeLambdaContext())

    assert answer == {"batchItemFailures": []}
    assert posted == [
        ("https://slack.test/api/chat.postMessage", "Bearer xoxb-test-token", "C0TESTOPS")
    ]
    [item] = boto3.client("dynamodb").scan(TableName=ALERTS_TABLE)["Items"]
    assert (item["slackTs"]["S"], item["slackChannel"]["S"]) == ("1763900000.000200", "C0TESTOPS")


def test_an_alert_another_invocation_is_posting_is_delivered_again_not_dropped(setup):
    body = failure_body(1)
    [alert] = [parse_alert(body)]
    assert AlertLedger().claim(alert, 60, "another").claim is Claim.CLAIMED
    slack = FakeSlack()
    records = setup.records([body])

    failed = notifier(slack).handle_batch(records, plenty)

    assert failed == [records[0].message_id]
    assert slack.messages == []


def test_alerts_the_invocation_has_no_time_for_are_left_unclaimed_for_later(setup):
    slack = FakeSlack()
    records = setup.records([failure_body(1), failure_body(2)])

    failed = notifier(slack).handle_batch(records, lambda: RESERVE_SECONDS - 1)

    assert sorted(failed) == sorted(record.message_id for record in records)
    assert setup.alert_statuses() == {}
    assert slack.messages == []
