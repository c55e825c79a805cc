"""The alerts table: each alert is claimed before it is posted, and marked sent after.

Events are delivered at least once and the notifier may run twice at once, so an alert is
posted only by the invocation that claims it with a conditional write: absent, or PENDING
(an earlier post failed), or SENDING with an expired claim (that invocation died). A SENT
alert is never posted again; an alert another invocation holds is left for a later delivery
(never dropped: the holder may still fail); a failed post puts the alert back to PENDING.

What a claim cannot rule out on its own is a post that reached Slack without being recorded:
the claimer died between the post and its SENT mark, or the post got no answer. Each claim
therefore has an id and a time (`claimId`, `claimedAt`, `claimedUntil`), which a SENDING item
keeps and a PENDING one keeps as `unsure` after a post with no answer; a later claim of such an
item is told about that earlier attempt (`ClaimAnswer.earlier`), so the notifier can look for
its post in Slack before posting again. A SENT item records the message's `slackTs` and
`slackChannel` (Web API mode), the thread a resolution replies in.
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Attempt:
    """A claim of an alert: its id and the time it held the alert (epoch seconds)."""

    claim_id: str | None
    since: float
    until: float


@dataclass(frozen=True)
class ClaimAnswer:
    """The answer to a claim; a CLAIMED one says which claim this is and, when an earlier one
    may have posted the alert without recording it, that one."""

    claim: Claim
    attempt: Attempt | None = None
    earlier: Attempt | None = None


class AlertLedger:
    """Conditional writes on the alerts table."""

    def __init__(
        self, table_name: str | None = None, now: Callable[[], float] | None = None
    ) -> None:
        self._table = settings.alerts_table_name(table_name)
        self._now = now or shared_clock.time

    def claim(self, alert: Alert, hold_seconds: float, claim_id: str) -> ClaimAnswer:
        """Take the alert for posting, unless it is sent already or another invocation has it.

        `hold_seconds` is how long the claimer may still run (its remaining time); `claim_id`
        names this claim in what it posts.
        """
        now = int(self._now())
        until = now + int(hold_seconds) + CLAIM_MARGIN_SECONDS
        item = _item(alert, AlertStatus.SENDING, now)
        item.update(_attempt_attributes(Attempt(claim_id, now, until)))
        try:
            answer = aws.dynamodb_client().put_item(
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
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            status = (error.response.get("Item") or self._read(alert.alert_key)).get("status", {})
            sent = status.get("S") == AlertStatus.SENT
            return ClaimAnswer(Claim.SENT_ALREADY if sent else Claim.HELD_ELSEWHERE)
        earlier = _unrecorded_attempt(answer.get("Attributes") or {})
        return ClaimAnswer(Claim.CLAIMED, Attempt(claim_id, now, until), earlier)

    def mark_sent(
        self,
        alerts: Sequence[Alert],
        posted_as: str,
        ts: str | None = None,
        channel: str | None = None,
    ) -> None:
        """Record that the alerts were posted (`single` or `digest`), in message `ts`."""
        now = int(self._now())
        items = []
        for alert in alerts:
            item = _item(alert, AlertStatus.SENT, now)
            item["postedAs"] = {"S": posted_as}
            item["sentAt"] = {"N": str(now)}
            if ts is not None and channel is not None:
                item["slackTs"] = {"S": ts}
                item["slackChannel"] = {"S": channel}
            items.append(item)
        self._write(items)

    def release(self, alerts: Sequence[tuple[Alert, Attempt | None]]) -> None:
        """Give claimed alerts back as PENDING: the next delivery posts them. An attempt given
        with an alert may have posted it: the next claim is told (`ClaimAnswer.earlier`)."""
        now = int(self._now())
        items = []
        for alert, attempt in alerts:
            item = _item(alert, AlertStatus.PENDING, now)
            if attempt is not None:
                item.update(_attempt_attributes(attempt))
                item["unsure"] = {"BOOL": True}
            items.append(item)
        self._write(items)

    def message_of(self, alert_key: str) -> tuple[str, str] | None:
        """(channel, ts) of the message a sent alert was posted in, when Slack gave one."""
        item = self._read(alert_key)
        if item.get("status", {}).get("S") != AlertStatus.SENT or "slackTs" not in item:
            return None
        return str(item["slackChannel"]["S"]), str(item["slackTs"]["S"])

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

    def _read(self, alert_key: str) -> dict[str, Any]:
        return dict(
            aws.dynamodb_client()
            .get_item(
                TableName=self._table,
                Key={"alertKey": {"S": alert_key}},
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


def _attempt_attributes(attempt: Attempt) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "claimedAt": {"N": str(int(attempt.since))},
        "claimedUntil": {"N": str(int(attempt.until))},
    }
    if attempt.claim_id is not None:
        attributes["claimId"] = {"S": attempt.claim_id}
    return attributes


def _unrecorded_attempt(old: dict[str, Any]) -> Attempt | None:
    """The claim an item's previous version says may have posted without recording it:
    SENDING with an expired claim (its claimer ended before recording), or PENDING and unsure."""
    status = old.get("status", {}).get("S")
    unsure = old.get("unsure", {}).get("BOOL") is True
    if not (status == AlertStatus.SENDING or (status == AlertStatus.PENDING and unsure)):
        return None
    updated = float(old.get("updatedAt", {}).get("N", "0"))
    return Attempt(
        claim_id=old.get("claimId", {}).get("S"),
        since=float(old.get("claimedAt", {}).get("N", updated)),
        until=float(old.get("claimedUntil", {}).get("N", updated)),
    )
