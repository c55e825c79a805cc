"""Slack notifications of failures, alarms and resolutions (see `notifier` for the design)."""

from sluice_shared.notifications.alerts import Alert, AlertKind, AlertUnreadable, parse_alert
from sluice_shared.notifications.causes import readable_cause
from sluice_shared.notifications.ledger import AlertLedger, AlertStatus
from sluice_shared.notifications.lookups import FailureLookup, PastFailure
from sluice_shared.notifications.notifier import Notifier
from sluice_shared.notifications.posting import PostMark, PostOutcome, SlackPoster
from sluice_shared.notifications.slack import SlackWebhook
from sluice_shared.notifications.slack_api import SlackWebApi

__all__ = [
    "Alert",
    "AlertKind",
    "AlertLedger",
    "AlertStatus",
    "AlertUnreadable",
    "FailureLookup",
    "Notifier",
    "PastFailure",
    "PostMark",
    "PostOutcome",
    "SlackPoster",
    "SlackWebApi",
    "SlackWebhook",
    "parse_alert",
    "readable_cause",
]
