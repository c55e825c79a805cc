"""Bulk redrive: failed executions chosen by filter, and dead-letter queues moved back.

Both work through plain boto3 clients, so the same code serves AWS (the caller's
credentials) and the local cloud (its endpoints).

- Executions: every FAILED, TIMED_OUT or ABORTED execution of the chosen state machines
  whose stop time falls in the range and whose error matches is redriven with
  `RedriveExecution`; each gets its own outcome (one that cannot be redriven, e.g. past the
  14-day window, is reported, not fatal).
  https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html
- Dead letters: a request queue's DLQ is moved back with `StartMessageMoveTask`, or, where the
  endpoint lacks it (moto), by receiving from the DLQ, sending to the queue and deleting
  only what was sent.
  https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

REDRIVABLE_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")
_RELATIVE = re.compile(r"^(?P<amount>\d+)(?P<unit>[smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
# Errors an endpoint answers when it does not implement StartMessageMoveTask.
_MOVE_TASK_UNSUPPORTED = {"UnsupportedOperation", "InvalidAction", "NotImplemented"}
_RECEIVE_BATCH = 10
# Long enough to send a batch on; a message not deleted by then returns to the DLQ.
_MOVE_VISIBILITY_SECONDS = 60


def parse_moment(text: str, now: datetime | None = None) -> datetime:
    """An ISO 8601 time (UTC when no zone is given) or a time ago: `30m`, `2h`, `7d`."""
    relative = _RELATIVE.match(text.strip())
    if relative:
        delta = timedelta(**{_UNITS[relative["unit"]]: int(relative["amount"])})
        return (now or datetime.now(UTC)) - delta
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ExecutionFilter:
    """Which stopped executions to redrive."""

    workflow: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    error: str | None = None

    def covers_machine(self, name: str) -> bool:
        """Whether a state machine name is the chosen workflow (`orders` or its full name)."""
        return self.workflow is None or name == self.workflow or name.endswith(f"-{self.workflow}")

    def covers_stop(self, stopped: datetime | None) -> bool:
        """Whether a stop time falls within [since, until]."""
        if stopped is None:
            return self.since is None and self.until is None
        moment = stopped if stopped.tzinfo else stopped.replace(tzinfo=UTC)
        if self.since is not None and moment < self.since:
            return False
        return self.until is None or moment <= self.until


@dataclass(frozen=True)
class Candidate:
    """A stopped execution the filter chose."""

    workflow: str
    arn: str
    name: str
    status: str
    error: str
    stopped: datetime | None


@dataclass(frozen=True)
class RedriveOutcome:
    """What happened to one candidate."""

    candidate: Candidate
    redriven: bool
    detail: str


def matching_executions(client: Any, chosen: ExecutionFilter) -> Iterator[Candidate]:
    """The stopped executions of the chosen workflows that the filter covers."""
    for page in client.get_paginator("list_state_machines").paginate():
        for machine in page["stateMachines"]:
            if chosen.covers_machine(machine["name"]):
                yield from _stopped_executions(client, machine, chosen)


def _stopped_executions(
    client: Any, machine: dict[str, Any], chosen: ExecutionFilter
) -> Iterator[Candidate]:
    paginator = client.get_paginator("list_executions")
    for status in REDRIVABLE_STATUSES:
        pages = paginator.paginate(stateMachineArn=machine["stateMachineArn"], statusFilter=status)
        for execution in (item for page in pages for item in page["executions"]):
            if not chosen.covers_stop(execution.get("stopDate")):
                continue
            error = ""
            if chosen.error is not None:
                description = client.describe_execution(executionArn=execution["executionArn"])
                error = description.get("error") or ""
                if error != chosen.error:
                    continue
            yield Candidate(
                workflow=machine["name"],
                arn=execution["executionArn"],
                name=execution["name"],
                status=status,
                error=error,
                stopped=execution.get("stopDate"),
            )


def redrive(client: Any, candidate: Candidate, *, dry_run: bool) -> RedriveOutcome:
    """Redrive one candidate (or only say it would be, on a dry run)."""
    if dry_run:
        return RedriveOutcome(candidate, False, "would be redriven (dry run)")
    try:
        answer = client.redrive_execution(executionArn=candidate.arn)
    except ClientError as error:
        details = error.response["Error"]
        return RedriveOutcome(candidate, False, f"{details['Code']}: {details['Message']}")
    return RedriveOutcome(candidate, True, f"redriven at {answer['redriveDate']}")


@dataclass(frozen=True)
class DeadLetterMove:
    """The outcome of moving one DLQ back to its queue."""

    queue_url: str
    dead_letter_url: str
    waiting: int
    moved: int
    method: str
    task_handle: str | None = None


class NoDeadLetterQueue(ValueError):
    """The queue named has no dead-letter queue, and is not one with a single source."""


def redrive_dead_letters(sqs: Any, queue: str, *, dry_run: bool) -> DeadLetterMove:
    """Move the messages of `queue`'s DLQ (or of the DLQ `queue` itself) back to the queue."""
    source_url, dlq_url = _queue_pair(sqs, queue)
    source_arn = _attributes(sqs, source_url)["QueueArn"]
    dlq_attributes = _attributes(sqs, dlq_url)
    waiting = int(dlq_attributes.get("ApproximateNumberOfMessages", 0))
    if dry_run:
        return DeadLetterMove(source_url, dlq_url, waiting, 0, "dry run")
    try:
        task = sqs.start_message_move_task(
            SourceArn=dlq_attributes["QueueArn"], DestinationArn=source_arn
        )
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if error.response["Error"]["Code"] not in _MOVE_TASK_UNSUPPORTED and status < 500:
            raise
    else:
        return DeadLetterMove(
            source_url, dlq_url, waiting, 0, "StartMessageMoveTask", task["TaskHandle"]
        )
    moved = _move_by_hand(sqs, dlq_url, source_url, waiting, fifo=source_url.endswith(".fifo"))
    return DeadLetterMove(source_url, dlq_url, waiting, moved, "receive, send, delete")


def _queue_pair(sqs: Any, queue: str) -> tuple[str, str]:
    """(source queue URL, DLQ URL) from either queue's name or URL."""
    url = queue if queue.startswith(("http://", "https://")) else _url(sqs, queue)
    policy = _attributes(sqs, url).get("RedrivePolicy")
    if policy:
        dlq_arn = json.loads(policy)["deadLetterTargetArn"]
        return url, _url(sqs, dlq_arn.split(":")[5], dlq_arn.split(":")[4])
    sources = sqs.list_dead_letter_source_queues(QueueUrl=url).get("queueUrls", [])
    if len(sources) != 1:
        raise NoDeadLetterQueue(
            f"{queue} has no dead-letter queue and is the DLQ of {len(sources)} queues"
        )
    return sources[0], url


def _url(sqs: Any, name: str, account: str | None = None) -> str:
    request = {"QueueName": name} | ({"QueueOwnerAWSAccountId": account} if account else {})
    return str(sqs.get_queue_url(**request)["QueueUrl"])


def _attributes(sqs: Any, url: str) -> dict[str, str]:
    return dict(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"])


def _move_by_hand(sqs: Any, dlq_url: str, source_url: str, waiting: int, *, fifo: bool) -> int:
    """Receive from the DLQ, send to the source, delete what was sent, until the DLQ is empty.

    At most `waiting` messages (the count when the move began; all of them when it is 0), so
    messages that fail again and return to the DLQ during the move are not moved in a loop.
    """
    moved = 0
    while waiting == 0 or moved < waiting:
        messages = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=_RECEIVE_BATCH,
            VisibilityTimeout=_MOVE_VISIBILITY_SECONDS,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return moved
        entries = [_entry(index, message, fifo) for index, message in enumerate(messages)]
        sent = sqs.send_message_batch(QueueUrl=source_url, Entries=entries).get("Successful", [])
        sent_ids = {int(item["Id"]) for item in sent}
        deletions = [
            {"Id": str(index), "ReceiptHandle": messages[index]["ReceiptHandle"]}
            for index in sorted(sent_ids)
        ]
        if deletions:
            sqs.delete_message_batch(QueueUrl=dlq_url, Entries=deletions)
        moved += len(deletions)
        if len(sent_ids) < len(messages):
            return moved
    return moved


def _entry(index: int, message: dict[str, Any], fifo: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"Id": str(index), "MessageBody": message["Body"]}
    if message.get("MessageAttributes"):
        entry["MessageAttributes"] = message["MessageAttributes"]
    if fifo:
        attributes = message.get("Attributes", {})
        entry["MessageGroupId"] = attributes["MessageGroupId"]
        entry["MessageDeduplicationId"] = attributes.get(
            "MessageDeduplicationId", message["MessageId"]
        )
    return entry
