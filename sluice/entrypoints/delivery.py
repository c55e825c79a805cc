"""Delivering events to targets with EventBridge's retries and dead-letter queues.

https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
- A failed delivery is retried with exponential backoff and jitter until the target's
  `MaximumRetryAttempts` or `MaximumEventAgeInSeconds` runs out (defaults 185 and 24 h).
  AWS does not publish the backoff constants; sluice waits 1 s, 2 s, 4 s ... capped at
  5 minutes, each with equal jitter (half fixed, half random).
- A missing target is not retried: the event goes straight to the dead-letter queue.
- Exhausted events go to the target's DLQ (an SQS queue) with the message attributes AWS
  documents: RULE_ARN (SCHEDULE_ARN for Scheduler), TARGET_ARN, ERROR_CODE, ERROR_MESSAGE,
  RETRY_ATTEMPTS and, when a retry limit ended delivery, EXHAUSTED_RETRY_CONDITION.
  Without a DLQ the event is dropped. The message body is the event.
"""

from __future__ import annotations

import logging
import random
import threading
from collections import deque
from dataclasses import dataclass

from sluice.entrypoints.invoker import Failure, classify
from sluice.entrypoints.targets import Target, TargetSender
from sluice.entrypoints.timers import Timers

FIRST_RETRY_DELAY_SECONDS = 1.0
MAX_RETRY_DELAY_SECONDS = 300.0
DEFAULT_KEPT_RECORDS = 1000
DELIVERED = "DELIVERED"
DEAD_LETTERED = "DEAD_LETTERED"
DROPPED = "DROPPED"
MAXIMUM_RETRY_ATTEMPTS = "MaximumRetryAttempts"
MAXIMUM_EVENT_AGE = "MaximumEventAgeInSeconds"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryRecord:
    """How one event's delivery to one target ended."""

    event_id: str
    source_arn: str
    target_arn: str
    outcome: str
    attempts: int
    error_code: str | None = None


@dataclass
class _Delivery:
    event_id: str
    source_arn: str
    source_attribute: str
    target: Target
    payload: str
    event_body: str
    started: float
    attempts: int = 0


def retry_delay(retry: int, rng: random.Random) -> float:
    """Seconds before retry number `retry` (1-based): exponential, capped, equal jitter."""
    ceiling = min(MAX_RETRY_DELAY_SECONDS, FIRST_RETRY_DELAY_SECONDS * 2 ** (retry - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


class Deliveries:
    """Runs deliveries on the timers and keeps a record of how each ended."""

    def __init__(
        self,
        sender: TargetSender,
        timers: Timers,
        rng: random.Random | None = None,
        kept_records: int = DEFAULT_KEPT_RECORDS,
    ) -> None:
        self.sender = sender
        self._timers = timers
        self._rng = rng or random.Random()
        self._records: deque[DeliveryRecord] = deque(maxlen=kept_records)
        self._lock = threading.Lock()

    def submit(
        self,
        *,
        event_id: str,
        source_arn: str,
        source_attribute: str,
        target: Target,
        payload: str,
        event_body: str,
    ) -> None:
        """Start delivering `payload` to `target` (asynchronously, as EventBridge does)."""
        delivery = _Delivery(
            event_id,
            source_arn,
            source_attribute,
            target,
            payload,
            event_body,
            started=self._timers.clock.monotonic(),
        )
        self._timers.call_later(0, lambda: self._attempt(delivery))

    def records(self) -> list[DeliveryRecord]:
        """Finished deliveries, oldest first."""
        with self._lock:
            return list(self._records)

    def _attempt(self, delivery: _Delivery) -> None:
        delivery.attempts += 1
        try:
            self.sender.send(delivery.target.arn, delivery.payload)
        except Exception as error:
            self._failed(delivery, classify(error))
            return
        self._record(delivery, DELIVERED, None)

    def _failed(self, delivery: _Delivery, failure: Failure) -> None:
        policy = delivery.target.retry_policy
        retries = delivery.attempts - 1
        logger.info(
            "delivery of %s to %s failed (%s): %s",
            delivery.event_id,
            delivery.target.arn,
            failure.code,
            failure.message,
        )
        if not failure.retriable:
            self._dead_letter(delivery, failure, None)
            return
        if retries >= policy.maximum_retry_attempts:
            self._dead_letter(delivery, failure, MAXIMUM_RETRY_ATTEMPTS)
            return
        delay = retry_delay(retries + 1, self._rng)
        age = self._timers.clock.monotonic() - delivery.started
        if age + delay > policy.maximum_event_age_seconds:
            self._dead_letter(delivery, failure, MAXIMUM_EVENT_AGE)
            return
        self._timers.call_later(delay, lambda: self._attempt(delivery))

    def _dead_letter(self, delivery: _Delivery, failure: Failure, condition: str | None) -> None:
        dead_letter_arn = delivery.target.dead_letter_arn
        if dead_letter_arn is None:
            self._record(delivery, DROPPED, failure.code)
            return
        attributes = {
            delivery.source_attribute: delivery.source_arn,
            "TARGET_ARN": delivery.target.arn,
            "ERROR_CODE": failure.code,
            "ERROR_MESSAGE": failure.message or failure.code,
            "RETRY_ATTEMPTS": str(delivery.attempts - 1),
        }
        if condition is not None:
            attributes["EXHAUSTED_RETRY_CONDITION"] = condition
        try:
            self.sender.send_message(dead_letter_arn, delivery.event_body, attributes)
        except Exception:
            logger.exception("could not send %s to the DLQ %s", delivery.event_id, dead_letter_arn)
            self._record(delivery, DROPPED, failure.code)
            return
        self._record(delivery, DEAD_LETTERED, failure.code)

    def _record(self, delivery: _Delivery, outcome: str, error_code: str | None) -> None:
        record = DeliveryRecord(
            delivery.event_id,
            delivery.source_arn,
            delivery.target.arn,
            outcome,
            delivery.attempts,
            error_code,
        )
        with self._lock:
            self._records.append(record)
