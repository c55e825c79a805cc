"""The notifier: a batch of alerts from its queue in, Slack messages out, each alert once.

Design
------
Every alert source writes to one SQS queue, the notifier's only trigger: an EventBridge rule
puts `Step Functions Execution Status Change` events on it (FAILED, TIMED_OUT, ABORTED, and
SUCCEEDED for redriven executions and re-runs), and CloudWatch alarms reach it through an
SNS topic subscribed to the queue. The event source mapping gathers messages for a batching
window (20 s) or up to 100, at most two batches at a time (MaximumConcurrency 2).

- **Once per failure.** An alert's key names the occurrence (execution ARN + redrive count +
  kind, or alarm + state-change time). The notifier claims the key in the alerts table with
  a conditional write before posting and marks it SENT after: a duplicate event, delivered
  in the same batch or a later one, finds it SENT and posts nothing. An alert another
  invocation is posting right now is delivered again later, not dropped (that post may fail).
- **Storms become a digest.** A batch holding more than `ALERT_DIGEST_THRESHOLD` (5) new
  alerts is posted as one digest, counts by workflow and error plus a few business keys,
  instead of one message each. The batching window is what turns a storm (hundreds of
  failures in a minute) into a few batches, hence a few digests.
- **Within the invocation's time.** Claims stop when too little time is left to post; the
  alerts not reached are hidden for 30 s and delivered again.
- **Slack's rate limit.** Posts are spaced a second apart; a 429 is waited out (its
  Retry-After) while the invocation has time. If it has not, or Slack fails otherwise, the
  unsent alerts go back to PENDING, their messages are hidden for the Retry-After (at least
  30 s, doubling with each receive) and reported as batch item failures: SQS delivers them
  again, and they are posted then. Nothing is dropped; after 10 receives a message waits in
  the alerts dead-letter queue, whose depth alarms.
- **Resolutions.** A redriven execution or a re-run that succeeds posts a short resolution
  naming the failure it resolves (from the ops failures table). Incoming webhooks cannot
  reply in a thread (they return no message `ts`), so the resolution is a new message that
  quotes the original's business key, error and step; threading would need a bot token and
  `chat.postMessage`, which sluice does not use.

Powertools' BatchProcessor handles records one by one; a digest needs the whole batch at
once, so this module builds the partial batch response itself.
https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from sluice_shared.dispatch.deferral import deferral_seconds
from sluice_shared.notifications.alerts import Alert, AlertKind, AlertUnreadable, parse_alert
from sluice_shared.notifications.ledger import AlertLedger, Claim
from sluice_shared.notifications.lookups import FailureLookup
from sluice_shared.notifications.messages import (
    Message,
    alarm_message,
    digest_message,
    failure_message,
    resolution_message,
)
from sluice_shared.notifications.slack import SlackWebhook
from sluice_shared.notifications.visibility import MessageHider
from sluice_shared.observability import count, get_logger

SINGLE = "single"
DIGEST = "digest"
# Time kept back to post one message and record it: claims stop when less is left.
RESERVE_SECONDS = 15.0
# Claims are conditional writes, one request each: a few run at once, a chunk at a time.
CLAIM_WORKERS = 8
CLAIM_CHUNK = 25
# How long an alert another invocation holds, or one this invocation had no time for, waits:
# no doubling, since nothing refused it (a holder's claim ends within its timeout + 15 s).
LATER_SECONDS = 30


@dataclass
class Delivery:
    """One alert and the queue messages that carried it (duplicates share one delivery)."""

    alert: Alert
    records: list[SQSRecord] = field(default_factory=list)


@dataclass(frozen=True)
class Post:
    """One Slack message and the deliveries it reports."""

    message: Message
    deliveries: list[Delivery]
    posted_as: str


class Notifier:
    """Turns a batch of alert messages into Slack posts."""

    def __init__(
        self,
        *,
        webhook: SlackWebhook,
        ledger: AlertLedger,
        lookup: FailureLookup,
        hider: MessageHider,
        digest_threshold: int,
    ) -> None:
        self._webhook = webhook
        self._ledger = ledger
        self._lookup = lookup
        self._hider = hider
        self._digest_threshold = digest_threshold

    def handle_batch(
        self, records: Sequence[SQSRecord], seconds_left: Callable[[], float]
    ) -> list[str]:
        """Post the batch's new alerts; return the message ids to deliver again."""
        deliveries, unreadable = _group(records)
        claimed, later = self._claim(deliveries, seconds_left)
        try:
            posts = self._plan(claimed)
        except Exception:
            self._ledger.release([delivery.alert for delivery in claimed])
            raise
        unsent, retry_after = self._send(posts, seconds_left)
        self._ledger.release([delivery.alert for delivery in unsent])
        refused = [record for delivery in unsent for record in delivery.records]
        self._hider.hide(refused, lambda record: _wait(record, retry_after))
        not_reached = [record for delivery in later for record in delivery.records]
        self._hider.hide(not_reached, lambda record: LATER_SECONDS)
        return unreadable + [record.message_id for record in refused + not_reached]

    def _claim(
        self, deliveries: list[Delivery], seconds_left: Callable[[], float]
    ) -> tuple[list[Delivery], list[Delivery]]:
        """(claimed deliveries, those to deliver again: held elsewhere or out of time)."""
        claimed: list[Delivery] = []
        later: list[Delivery] = []
        with ThreadPoolExecutor(CLAIM_WORKERS) as pool:
            for start in range(0, len(deliveries), CLAIM_CHUNK):
                chunk = deliveries[start : start + CLAIM_CHUNK]
                if seconds_left() < RESERVE_SECONDS:
                    later += chunk
                    continue
                holds = [seconds_left()] * len(chunk)
                claims = pool.map(self._ledger.claim, [d.alert for d in chunk], holds)
                for delivery, claim in zip(chunk, claims, strict=True):
                    if claim is Claim.CLAIMED:
                        claimed.append(delivery)
                    elif claim is Claim.HELD_ELSEWHERE:
                        later.append(delivery)
                    else:
                        count("AlertDuplicates")
        return claimed, later

    def _plan(self, claimed: list[Delivery]) -> list[Post]:
        if len(claimed) > self._digest_threshold:
            message = digest_message([delivery.alert for delivery in claimed])
            return [Post(message, claimed, DIGEST)]
        return [Post(self._message(delivery.alert), [delivery], SINGLE) for delivery in claimed]

    def _message(self, alert: Alert) -> Message:
        if alert.kind is AlertKind.FAILURE:
            return failure_message(alert, self._lookup.failed_state(alert))
        if alert.kind is AlertKind.RESOLUTION:
            return resolution_message(alert, self._lookup.latest_failure(alert.subject))
        return alarm_message(alert)

    def _send(
        self, posts: list[Post], seconds_left: Callable[[], float]
    ) -> tuple[list[Delivery], float | None]:
        """Post in order; on the first refusal stop: (unsent deliveries, Slack's wait)."""
        for index, post in enumerate(posts):
            outcome = self._webhook.post(post.message, seconds_left)
            if outcome.delivered:
                self._ledger.mark_sent([d.alert for d in post.deliveries], post.posted_as)
                count("SlackDigests" if post.posted_as == DIGEST else "SlackAlerts")
                continue
            get_logger().warning(
                "Slack did not take the message; its alerts stay pending",
                extra={"status": outcome.status, "detail": outcome.detail},
            )
            count("SlackPostsDeferred")
            return [delivery for later in posts[index:] for delivery in later.deliveries], (
                outcome.retry_after
            )
        return [], None


def _wait(record: SQSRecord, retry_after: float | None) -> int:
    """Seconds to hide a message: Slack's Retry-After, at least 30 s doubling per receive."""
    receives = int(record.attributes.approximate_receive_count or 1)
    seconds = None if retry_after is None else int(-(-retry_after // 1))
    return deferral_seconds(seconds, receives)


def _group(records: Sequence[SQSRecord]) -> tuple[list[Delivery], list[str]]:
    """Deliveries by alert key, in arrival order, and the ids of unreadable messages."""
    by_key: dict[str, Delivery] = {}
    unreadable = []
    for record in records:
        try:
            alert = parse_alert(record.body)
        except AlertUnreadable as error:
            get_logger().error("unreadable alert message", extra={"reason": str(error)})
            unreadable.append(record.message_id)
            continue
        if alert is not None:
            by_key.setdefault(alert.alert_key, Delivery(alert)).records.append(record)
    return list(by_key.values()), unreadable
