"""Build the notifier from the function's environment (clients cached for warm invocations)."""

from __future__ import annotations

import functools

import boto3
import requests
from botocore.client import BaseClient

from sluice_shared import settings
from sluice_shared.notifications.ledger import AlertLedger
from sluice_shared.notifications.lookups import FailureLookup
from sluice_shared.notifications.notifier import Notifier
from sluice_shared.notifications.slack import SlackWebhook
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


def notifier_from_environment() -> Notifier:
    """A notifier posting to the webhook URL in Secrets Manager (cached for 5 minutes)."""
    url = get_plain_secret(settings.slack_webhook_url_secret_name())
    return Notifier(
        webhook=SlackWebhook(url, session=slack_session()),
        ledger=AlertLedger(),
        lookup=FailureLookup(),
        hider=MessageHider(sqs_client()),
        digest_threshold=settings.alert_digest_threshold(),
    )
