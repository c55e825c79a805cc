"""The notifier's Slack Web API mode on the local cloud: a resolution replies in its failure's
thread, and a post whose answer was lost is found in the channel instead of posted twice.

The template's SlackBotTokenSecretName names a secret here; the local cloud fills it with the
Slack simulator's bot token and points SlackApiBaseUrl and SlackChannelId at the simulator, so
the notifier posts with chat.postMessage, as a deployment with a bot token does.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sluice.cloud.local_cloud import LocalCloud
from sluice.simulators import Faults, Outcome
from sluice.simulators.slack import DEFAULT_CHANNEL
from tests.workflows.slack_alerts import ALERT_TIMEOUT, fail_while_throttled
from tests.workflows.support import business_key, eventually, running_cloud

# The notifier's 20 s batching window and 30 s redelivery waits pass in 1 and 1.5 s.
TIME_SCALE = 20
BOT_TOKEN_SECRET = "sluice/dev/slack/bot-token"
POST_MESSAGE = "/api/chat.postMessage"


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """The local cloud for this module, its notifier given a bot token."""
    overrides = {"SlackBotTokenSecretName": BOT_TOKEN_SECRET}
    with running_cloud(TIME_SCALE, parameter_overrides=overrides) as local_cloud:
        yield local_cloud


def test_a_redriven_order_posts_its_resolution_in_the_thread_of_its_failure(cloud, orders, alerts):
    arn = fail_while_throttled(cloud, orders)
    key = business_key(arn)
    [failure] = alerts.wait_for(key, 1)

    orders.engine.redrive_execution({"executionArn": arn})

    assert orders.finish(arn)["status"] == "SUCCEEDED"
    [resolution] = alerts.wait_for_replies(failure["ts"], 1)
    assert (failure["via"], failure["channel"], failure["thread_ts"]) == (
        "chat.postMessage",
        DEFAULT_CHANNEL,
        None,
    )
    assert failure["text"].startswith(f"Order {key} failed at ValidateOrder")
    assert resolution["text"].startswith(f"Resolved: order {key} succeeded after redrive 1")
    assert [message["ts"] for message in alerts.about(key)] == [failure["ts"], resolution["ts"]]
    # The notifier marks an alert sent (with its ts) once Slack has answered the post.
    alert_keys = (f"{arn}#r0#failure", f"{arn}#r1#resolution")
    sent = eventually(
        lambda: all(alerts.statuses().get(alert) == "SENT" for alert in alert_keys), ALERT_TIMEOUT
    )
    assert sent, [alerts.items().get(alert) for alert in alert_keys]
    ledger = alerts.items()
    assert ledger[alert_keys[0]]["slackTs"] == failure["ts"]
    assert ledger[alert_keys[1]]["slackTs"] == resolution["ts"]


def test_a_post_whose_answer_was_lost_is_found_in_the_channel_not_posted_again(
    cloud, orders, alerts
):
    slack = cloud.simulators.slack
    with slack.configured(faults=Faults(reset=1.0)):
        arn = orders.accept(orders.webhooks.new_order(total="1.00"))
        reset = eventually(
            lambda: bool(slack.requests("POST", POST_MESSAGE, outcome=Outcome.RESET)), ALERT_TIMEOUT
        )
    assert reset, f"the failure was never posted: {slack.requests()}"
    alert_key = f"{arn}#r0#failure"

    sent = eventually(lambda: alerts.statuses().get(alert_key) == "SENT", ALERT_TIMEOUT)

    assert sent, alerts.items().get(alert_key)
    [message] = alerts.about(business_key(arn))
    assert alerts.items()[alert_key]["slackTs"] == message["ts"]
    assert [r.outcome for r in slack.requests("POST", POST_MESSAGE)] == [Outcome.RESET]
    assert slack.requests("GET", "/api/conversations.history", status=200)
