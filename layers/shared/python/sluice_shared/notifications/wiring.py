"""Build the notifier from the function's environment (clients cached for warm invocations).

With a bot token secret named (SLACK_BOT_TOKEN_SECRET_NAME) the notifier posts through Slack's
Web API to SLACK_CHANNEL_ID; without one, to the incoming webhook whose URL is the secret
SLACK_WEBHOOK_URL_SECRET_NAME.
"""

from __future__ import annotations

import functools

import boto3
import requests
from botocore.client import BaseClient

from sluice_shared import settings
from sluice_shared.notifications.ledger import AlertLedger
from sluice_shared.notifications.lookups import FailureLookup
from sluice_shared.notifications.notifier import Notifier
from sluice_shared.notifications.posting import SlackPoster
from sluice_shared.notifications.slack import SlackWebhook
from sluice_shared.notifications.slack_api import SlackWebApi
from sluice_shared.notifications.visibility import MessageHider
from sluice_shared.secrets import get_plain_secret


@functools.cache
def sqs_client() -> BaseClient:
    """The SQS client (hides messages whose alerts could not be posted yet)."""
    return boto3.client("sqs")


@functools.cache
def slack_session() -> requests.Session:
    """One HTTP session to Slack, its connection reused by warm invocations."""
    return requests.Session()


def slack_from_environment() -> SlackPoster:
    """The Web API poster when a bot token is configured, else the incoming webhook's.

    Secrets are cached for 5 minutes, so a rotated token or URL is picked up that soon.
    """
    token_secret = settings.slack_bot_token_secret_name()
    if token_secret:
        return SlackWebApi(
            get_plain_secret(token_secret),
            settings.slack_channel_id(),
            base_url=settings.slack_api_base_url(),
            session=slack_session(),
        )
    url = get_plain_secret(settings.slack_webhook_url_secret_name())
    return SlackWebhook(url, session=slack_session())


def notifier_from_environment() -> Notifier:
    """A notifier posting to the Slack the environment names."""
    return Notifier(
        slack=slack_from_environment(),
        ledger=AlertLedger(),
        lookup=FailureLookup(),
        hider=MessageHider(sqs_client()),
        digest_threshold=settings.alert_digest_threshold(),
    )
