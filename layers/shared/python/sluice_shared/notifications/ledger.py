"""The alerts table: each alert is claimed before it is posted, and marked sent after.

Events are delivered at least once and the notifier may run twice at once, so an alert is
posted only by the invocation that claims it with a conditional write: absent, or PENDING
(an earlier post failed), or SENDING with an expired claim (that invocation died). A SENT
alert is never posted again; a failed post puts the alert back to PENDING, never drops it.
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from enum import StrEnum

from botocore.exceptions import ClientError

from sluice_shared import aws, settings
from sluice_shared.notifications.alerts import Alert

# Longer than the notifier's timeout: a live claim is never taken over.
CLAIM_SECONDS = 180
# Alerts are kept past the 14-day redrive window, then expire (TTL).
KEEP_SECONDS = 30 * 24 * 3600


class AlertStatus(StrEnum):
    """Where an alert is in its life."""

    SENDING = "SENDING"
    PENDING = "PENDING"
    SENT = "SENT"


class AlertLedger:
    """Conditional writes on the alerts table."""

    def __init__(
        self, table_name: str | None = None, now: Callable[[], float] | None = None
    ) -> None:
        self._table = settings.alerts_table_name(table_name)
        self._now = now or time.time

    def claim(self, alert: Alert) -> bool:
        """Take the alert for posting; False when it is sent already or another holds it."""
        now = int(self._now())
        item = {
            "alertKey": {"S": alert.alert_key},
            "status": {"S": AlertStatus.SENDING},
            "claimedUntil": {"N": str(now + CLAIM_SECONDS)},
            "kind": {"S": alert.kind},
            "workflow": {"S": alert.workflow},
            "subject": {"S": alert.subject},
            "error": {"S": alert.error},
            "firstSeenAt": {"N": str(now)},
            "expiresAt": {"N": str(now + KEEP_SECONDS)},
        }
        try:
            aws.dynamodb_client().put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression=(
                    "attribute_not_exists(alertKey) OR #status = :pending"
                    " OR (#status = :sending AND claimedUntil < :now)"
                ),
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":pending": {"S": AlertStatus.PENDING},
                    ":sending": {"S": AlertStatus.SENDING},
                    ":now": {"N": str(now)},
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def mark_sent(self, alerts: Iterable[Alert], posted_as: str) -> None:
        """Record that the alerts were posted (`single` or `digest`)."""
        for alert in alerts:
            self._set_status(alert, AlertStatus.SENT, posted_as)

    def release(self, alerts: Iterable[Alert]) -> None:
        """Give claimed alerts back as PENDING: the next delivery posts them."""
        for alert in alerts:
            self._set_status(alert, AlertStatus.PENDING, None)

    def _set_status(self, alert: Alert, status: AlertStatus, posted_as: str | None) -> None:
        names = {"#status": "status"}
        values = {":status": {"S": status}, ":sending": {"S": AlertStatus.SENDING}}
        update = "SET #status = :status REMOVE claimedUntil"
        if posted_as is not None:
            update = "SET #status = :status, postedAs = :as, sentAt = :at REMOVE claimedUntil"
            values[":as"] = {"S": posted_as}
            values[":at"] = {"N": str(int(self._now()))}
        try:
            aws.dynamodb_client().update_item(
                TableName=self._table,
                Key={"alertKey": {"S": alert.alert_key}},
                UpdateExpression=update,
                ConditionExpression="#status = :sending",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            # Only a claim that expired while we posted gets here: its new holder decides.
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
