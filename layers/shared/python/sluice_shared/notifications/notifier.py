"""The notifier: a batch of alerts from its queue in, Slack messages out, each alert once.

Design
------
Every alert source writes to one SQS queue, the notifier's only trigger: an EventBridge rule
puts `Step Functions Execution Status Change` events on it (FAILED, TIMED_OUT, ABORTED, and
SUCCEEDED for redriven executions and re-runs), and CloudWatch alarms reach it through an
SNS topic subscribed to the queue. The event source mapping gathers messages for a batching
window (20 s) or up to 100, at most two batches at a time (MaximumConcurrency 2).

Slack is reached one of two ways: an incoming webhook (the default), or, given a bot token
and a channel, the Web API (`chat.postMessage`), which answers each message's `ts`, can reply
in a thread and can be read back (`slack_api`).

- **Once per failure.** An alert's key names the occurrence (execution ARN + redrive count +
  kind, or alarm + state-change time). Each invocation claims the keys of its batch in the
  alerts table with conditional writes, under one claim id, before posting, and marks them
  SENT (with the message's `ts`) after: a duplicate event, delivered in the same batch or a
  later one, finds its key SENT and posts nothing. An alert another invocation is posting
  right now is delivered again later, not dropped (that post may fail).
- **A post that was not recorded.** The one gap a claim leaves is a post that reached Slack
  while its SENT mark did not: the invocation ended between the two (a crash, its timeout, a
  DynamoDB error), or the post got no answer (a dropped connection, a 5xx). The next claim of
  such an alert is told the earlier claim's id and time. In Web API mode every post carries
  message metadata naming its claim and alert, so the notifier reads the channel (and the
  thread a resolution may be in) over that claim's time: found, the alert is marked SENT with
  that message's `ts` and not posted again; absent, it is posted; Slack refusing the read for
  now (429, 5xx), the alert waits for a later delivery. What remains is Slack's own: a post it
  took but does not show in `conversations.history` for minutes, which it does not do in
  practice; and an unreadable channel (missing `channels:history`), where the alert is posted
  with a note that it may repeat. An incoming webhook cannot be read back: there a post that
  was not recorded is posted again on the next delivery, as a single message with that note
  (or counted in a digest). A claimer outliving its claim cannot post late: the claim lasts
  its remaining time plus 15 s, and Lambda ends it at its timeout.
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
  naming the failure it resolves (from the ops failures table). In Web API mode it replies in
  the thread of the message that carried that failure (its own, or the digest's), when that
  message was posted in the same channel; otherwise, and always with a webhook (which cannot
  thread), it is a new message quoting the failure's business key, error and step.

Powertools' BatchProcessor handles records one by one; a digest needs the whole batch at
once, so this module builds the partial batch response itself.
https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from sluice_shared.dispatch.deferral import deferral_seconds
from sluice_shared.notifications.alerts import (
    Alert,
    AlertKind,
    AlertUnreadable,
    execution_alert_key,
    parse_alert,
)
from sluice_shared.notifications.ledger import AlertLedger, Attempt, Claim
from sluice_shared.notifications.lookups import FailureLookup, PastFailure
from sluice_shared.notifications.messages import (
    Message,
    alarm_message,
    digest_message,
    failure_message,
    may_repeat,
    resolution_message,
)
from sluice_shared.notifications.posting import PostMark, Seen, SlackPoster
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
    """One alert and the queue messages that carried it (duplicates share one delivery).

    `attempt` is this invocation's claim of it; `earlier`, a claim before it that may have
    posted it and that Slack could not rule out.
    """

    alert: Alert
    records: list[SQSRecord] = field(default_factory=list)
    attempt: Attempt | None = None
    earlier: Attempt | None = None


@dataclass(frozen=True)
class Post:
    """One Slack message, the deliveries it reports, and the failure whose thread it joins."""

    message: Message
    deliveries: list[Delivery]
    posted_as: str
    mark: PostMark
    reply_to: str | None = None


@dataclass
class _Batch:
    """What one invocation learns as it goes: its claim, the messages it posted, failures."""

    claim_id: str
    seconds_left: Callable[[], float]
    posted: dict[str, tuple[str, str]] = field(default_factory=dict)
    failures: dict[str, PastFailure | None] = field(default_factory=dict)


@dataclass
class _Held:
    """Claimed deliveries Slack did not take (or could not be asked about) yet."""

    deliveries: list[tuple[Delivery, Attempt | None]] = field(default_factory=list)
    retry_after: float | None = None


class Notifier:
    """Turns a batch of alert messages into Slack posts."""

    def __init__(
        self,
        *,
        slack: SlackPoster,
        ledger: AlertLedger,
        lookup: FailureLookup,
        hider: MessageHider,
        digest_threshold: int,
        new_claim_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._slack = slack
        self._ledger = ledger
        self._lookup = lookup
        self._hider = hider
        self._digest_threshold = digest_threshold
        self._new_claim_id = new_claim_id

    def handle_batch(
        self, records: Sequence[SQSRecord], seconds_left: Callable[[], float]
    ) -> list[str]:
        """Post the batch's new alerts; return the message ids to deliver again."""
        batch = _Batch(self._new_claim_id(), seconds_left)
        deliveries, unreadable = _group(records)
        claimed, later = self._claim(deliveries, batch)
        try:
            to_post, unchecked = self._recover(claimed, batch)
            posts = self._plan(to_post, batch)
        except Exception:
            unrecorded = [d for d in claimed if d.alert.alert_key not in batch.posted]
            self._ledger.release([(d.alert, d.earlier) for d in unrecorded])
            raise
        unsent = self._send(posts, batch)
        redelivered = [*unreadable]
        for held in (unchecked, unsent):
            self._ledger.release([(d.alert, attempt) for d, attempt in held.deliveries])
            refused = [record for d, _ in held.deliveries for record in d.records]
            self._hider.hide(refused, lambda record, held=held: _wait(record, held.retry_after))
            redelivered += [record.message_id for record in refused]
        not_reached = [record for delivery in later for record in delivery.records]
        self._hider.hide(not_reached, lambda record: LATER_SECONDS)
        return redelivered + [record.message_id for record in not_reached]

    def _claim(
        self, deliveries: list[Delivery], batch: _Batch
    ) -> tuple[list[Delivery], list[Delivery]]:
        """(claimed deliveries, those to deliver again: held elsewhere or out of time)."""
        claimed: list[Delivery] = []
        later: list[Delivery] = []
        with ThreadPoolExecutor(CLAIM_WORKERS) as pool:
            for start in range(0, len(deliveries), CLAIM_CHUNK):
                chunk = deliveries[start : start + CLAIM_CHUNK]
                if batch.seconds_left() < RESERVE_SECONDS:
                    later += chunk
                    continue
                holds = [batch.seconds_left()] * len(chunk)
                alerts = [delivery.alert for delivery in chunk]
                answers = pool.map(self._ledger.claim, alerts, holds, [batch.claim_id] * len(chunk))
                for delivery, answer in zip(chunk, answers, strict=True):
                    if answer.claim is Claim.CLAIMED:
                        delivery.attempt, delivery.earlier = answer.attempt, answer.earlier
                        claimed.append(delivery)
                    elif answer.claim is Claim.HELD_ELSEWHERE:
                        later.append(delivery)
                    else:
                        count("AlertDuplicates")
        return claimed, later

    def _recover(self, claimed: list[Delivery], batch: _Batch) -> tuple[list[Delivery], _Held]:
        """Look in Slack for the posts of earlier claims that were not recorded.

        Returns the deliveries to post and those to ask about again later; a found post is
        marked SENT here.
        """
        to_post = [delivery for delivery in claimed if delivery.earlier is None]
        unchecked = _Held()
        by_claim: dict[str | None, list[Delivery]] = {}
        for delivery in claimed:
            if delivery.earlier is not None:
                by_claim.setdefault(delivery.earlier.claim_id, []).append(delivery)
        for claim_id, group in by_claim.items():
            if claim_id is None:
                to_post += group
                continue
            window = (
                min(d.earlier.since for d in group if d.earlier),
                max(d.earlier.until for d in group if d.earlier),
            )
            threads = {ts for d in group if (ts := self._thread_of(d.alert, batch)) is not None}
            found = self._slack.find(claim_id, window, sorted(threads), batch.seconds_left)
            for delivery in group:
                seen, ts, posted_as = found.of(delivery.alert.alert_key)
                if seen is Seen.POSTED and ts is not None:
                    self._record_found(delivery, ts, posted_as, batch)
                elif seen is Seen.DEFERRED:
                    unchecked.deliveries.append((delivery, delivery.earlier))
                    unchecked.retry_after = found.retry_after
                else:
                    if seen is Seen.ABSENT:
                        delivery.earlier = None
                    to_post.append(delivery)
            if found.seen in (Seen.DEFERRED, Seen.UNKNOWN):
                get_logger().warning(
                    "could not tell whether an earlier claim posted its alerts",
                    extra={"claim": claim_id, "seen": found.seen, "detail": found.detail},
                )
        return to_post, unchecked

    def _record_found(self, delivery: Delivery, ts: str, posted_as: str, batch: _Batch) -> None:
        """An earlier claim's post is in the channel: record it instead of posting again."""
        channel = str(self._slack.channel)
        self._ledger.mark_sent([delivery.alert], posted_as, ts, channel)
        batch.posted[delivery.alert.alert_key] = (channel, ts)
        count("SlackPostsRecovered")

    def _plan(self, claimed: list[Delivery], batch: _Batch) -> list[Post]:
        if len(claimed) > self._digest_threshold:
            message = digest_message([delivery.alert for delivery in claimed])
            return [Post(message, claimed, DIGEST, PostMark(batch.claim_id))]
        return [self._single(delivery, batch) for delivery in claimed]

    def _single(self, delivery: Delivery, batch: _Batch) -> Post:
        alert = delivery.alert
        reply_to = None
        if alert.kind is AlertKind.FAILURE:
            message = failure_message(alert, self._lookup.failed_state(alert))
        elif alert.kind is AlertKind.RESOLUTION:
            resolved = self._failure_resolved(alert, batch)
            message = resolution_message(alert, resolved)
            reply_to = _failure_key(resolved)
        else:
            message = alarm_message(alert)
        if delivery.earlier is not None:
            message = may_repeat(message)
        return Post(
            message, [delivery], SINGLE, PostMark(batch.claim_id, alert.alert_key), reply_to
        )

    def _failure_resolved(self, alert: Alert, batch: _Batch) -> PastFailure | None:
        """The failure a resolution resolves (its business key's latest), read once."""
        if alert.subject not in batch.failures:
            batch.failures[alert.subject] = self._lookup.latest_failure(alert.subject)
        return batch.failures[alert.subject]

    def _thread_of(self, alert: Alert, batch: _Batch) -> str | None:
        """The `ts` a resolution replies to in this channel, when it can thread."""
        if alert.kind is not AlertKind.RESOLUTION or not self._slack.threads:
            return None
        return self._thread_ts(_failure_key(self._failure_resolved(alert, batch)), batch)

    def _thread_ts(self, failure_key: str | None, batch: _Batch) -> str | None:
        if failure_key is None or not self._slack.threads:
            return None
        message = batch.posted.get(failure_key) or self._ledger.message_of(failure_key)
        if message is None or message[0] != self._slack.channel:
            return None
        return message[1]

    def _send(self, posts: list[Post], batch: _Batch) -> _Held:
        """Post in order; on the first refusal stop and hold the rest for Slack's wait.

        Should recording a post fail, the posts not tried yet are given back before the error
        goes up; that post's alerts stay claimed, for the next claim to look for.
        """
        for index, post in enumerate(posts):
            try:
                outcome = self._slack.post(
                    post.message,
                    batch.seconds_left,
                    mark=post.mark,
                    thread_ts=self._thread_ts(post.reply_to, batch),
                )
                if outcome.delivered:
                    self._record(post, outcome.ts, outcome.channel, batch)
                    continue
            except Exception:
                untried = [d for later in posts[index + 1 :] for d in later.deliveries]
                self._ledger.release([(d.alert, d.earlier) for d in untried])
                raise
            get_logger().warning(
                "Slack did not take the message; its alerts stay pending",
                extra={
                    "status": outcome.status,
                    "detail": outcome.detail,
                    "unsure": outcome.unsure,
                },
            )
            count("SlackPostsDeferred")
            held = [(d, d.attempt if outcome.unsure else d.earlier) for d in post.deliveries]
            held += [(d, d.earlier) for later in posts[index + 1 :] for d in later.deliveries]
            return _Held(held, outcome.retry_after)
        return _Held()

    def _record(self, post: Post, ts: str | None, channel: str | None, batch: _Batch) -> None:
        alerts = [delivery.alert for delivery in post.deliveries]
        self._ledger.mark_sent(alerts, post.posted_as, ts, channel)
        if ts is not None and channel is not None:
            for alert in alerts:
                batch.posted[alert.alert_key] = (channel, ts)
        count("SlackDigests" if post.posted_as == DIGEST else "SlackAlerts")


def _failure_key(failure: PastFailure | None) -> str | None:
    """The alert key of a recorded failure (the one its resolution replies to)."""
    if failure is None or not failure.execution_arn:
        return None
    return execution_alert_key(failure.execution_arn, failure.redrive_count, AlertKind.FAILURE)


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
