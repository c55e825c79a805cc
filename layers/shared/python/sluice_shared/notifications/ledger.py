"""The alerts table: each alert is claimed before it is posted, and marked sent after.

Events are delivered at least once and the notifier may run twice at once, so an alert is
posted only by the invocation that claims it with a conditional write: absent, or PENDING
(an earlier post failed), or SENDING with an expired claim (that invocation died). A SENT
alert is never posted again; an alert another invocation holds is left for a later delivery
(never dropped: the holder may still fail); a failed post puts the alert back to PENDING.
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

from botocore.exceptions import ClientError

from sluice_shared import aws, settings
from sluice_shared import clock as shared_clock
from sluice_shared.notifications.alerts import Alert

# A claim lasts the claimer's remaining time plus this: a live claim is never taken over,
# and the alerts of an invocation that died are posted by a later delivery soon after.
CLAIM_MARGIN_SECONDS = 15
# Alerts are kept past the 14-day redrive window, then expire (TTL).
KEEP_SECONDS = 30 * 24 * 3600
# BatchWriteItem takes at most 25 items.
_WRITE_BATCH = 25


class AlertStatus(StrEnum):
    """Where an alert is in its life."""

    SENDING = "SENDING"
    PENDING = "PENDING"
    SENT = "SENT"


class Claim(StrEnum):
    """The answer to a claim."""

    CLAIMED = "claimed"
    SENT_ALREADY = "sent-already"
    HELD_ELSEWHERE = "held-elsewhere"


class AlertLedger:
    """Conditional writes on the alerts table."""

    def __init__(
        self, table_name: str | None = None, now: Callable[[], float] | None = None
    ) -> None:
        self._table = settings.alerts_table_name(table_name)
        self._now = now or shared_clock.time

    def claim(self, alert: Alert, hold_seconds: float) -> Claim:
        """Take the alert for posting, unless it is sent already or another invocation has it.

        `hold_seconds` is how long the claimer may still run (its remaining time).
        """
        now = int(self._now())
        item = _item(alert, AlertStatus.SENDING, now)
        item["claimedUntil"] = {"N": str(now + int(hold_seconds) + CLAIM_MARGIN_SECONDS)}
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
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            status = (error.response.get("Item") or self._read(alert)).get("status", {})
            return (
                Claim.SENT_ALREADY if status.get("S") == AlertStatus.SENT else Claim.HELD_ELSEWHERE
            )
        return Claim.CLAIMED

    def mark_sent(self, alerts: Sequence[Alert], posted_as: str) -> None:
        """Record that the alerts were posted (`single` or `digest`)."""
        now = int(self._now())
        items = []
        for alert in alerts:
            item = _item(alert, AlertStatus.SENT, now)
            item["postedAs"] = {"S": posted_as}
            item["sentAt"] = {"N": str(now)}
            items.append(item)
        self._write(items)

    def release(self, alerts: Sequence[Alert]) -> None:
        """Give claimed alerts back as PENDING: the next delivery posts them."""
        now = int(self._now())
        self._write([_item(alert, AlertStatus.PENDING, now) for alert in alerts])

    def _write(self, items: list[dict[str, Any]]) -> None:
        """Put whole items, 25 per request, retrying what DynamoDB leaves unprocessed."""
        client = aws.dynamodb_client()
        for start in range(0, len(items), _WRITE_BATCH):
            requests = [
                {"PutRequest": {"Item": item}} for item in items[start : start + _WRITE_BATCH]
            ]
            while requests:
                answer = client.batch_write_item(RequestItems={self._table: requests})
                requests = answer.get("UnprocessedItems", {}).get(self._table, [])

    def _read(self, alert: Alert) -> dict[str, Any]:
        return dict(
            aws.dynamodb_client()
            .get_item(
                TableName=self._table,
                Key={"alertKey": {"S": alert.alert_key}},
                ConsistentRead=True,
            )
            .get("Item")
            or {}
        )


def _item(alert: Alert, status: AlertStatus, now: int) -> dict[str, Any]:
    return {
        "alertKey": {"S": alert.alert_key},
        "status": {"S": status},
        "kind": {"S": alert.kind},
        "workflow": {"S": alert.workflow},
        "subject": {"S": alert.subject},
        "error": {"S": alert.error},
        "updatedAt": {"N": str(now)},
        "expiresAt": {"N": str(now + KEEP_SECONDS)},
    }
