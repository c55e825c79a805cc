"""Resolutions reply in their failure's thread in Web API mode; a webhook cannot thread."""

import boto3

from tests.unit.ops.notifier_support import (
    ALERTS_TABLE,
    FakeSlack,
    failure_body,
    notifier,
    plenty,
    resolution_body,
)


def test_web_api_a_resolution_replies_in_the_thread_of_its_failure(setup):
    slack = FakeSlack(web_api=True)
    notifier(slack).handle_batch(setup.records([failure_body(1042)]), plenty)

    notifier(slack).handle_batch(setup.records([resolution_body(1042)]), plenty)

    failure, resolution = slack.posted
    assert failure.thread_ts is None
    assert resolution.thread_ts == failure.ts
    assert resolution.message["text"].startswith(
        "Resolved: order order-shopify-1042 succeeded after redrive 1"
    )


def test_web_api_a_failure_and_its_resolution_in_one_batch_thread_in_order(setup):
    slack = FakeSlack(web_api=True)
    bodies = [failure_body(7), resolution_body(7)]

    notifier(slack).handle_batch(setup.records(bodies), plenty)

    failure, resolution = slack.posted
    assert resolution.thread_ts == failure.ts


def test_web_api_a_resolution_of_a_failure_posted_to_another_channel_is_a_new_message(setup):
    slack = FakeSlack(web_api=True)
    notifier(slack).handle_batch(setup.records([failure_body(8)]), plenty)
    boto3.client("dynamodb").update_item(
        TableName=ALERTS_TABLE,
        Key={"alertKey": {"S": next(iter(setup.items()))}},
        UpdateExpression="SET slackChannel = :other",
        ExpressionAttributeValues={":other": {"S": "C0ELSEWHERE"}},
    )

    notifier(slack).handle_batch(setup.records([resolution_body(8)]), plenty)

    assert slack.posted[1].thread_ts is None


def test_webhook_a_resolution_is_a_new_message_quoting_its_failure(setup):
    slack = FakeSlack()
    notifier(slack).handle_batch(setup.records([failure_body(9)]), plenty)

    notifier(slack).handle_batch(setup.records([resolution_body(9)]), plenty)

    assert [post.thread_ts for post in slack.posted] == [None, None]
    assert "Earlier failure: `OrderInvalid` at ValidateOrder" in slack.messages[1]["text"]
