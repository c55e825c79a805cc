"""AWS/SQS metrics sampled from moto's queues, as SQS reports them to CloudWatch each minute.

For every queue of the template, one sample per metric and sampling, with the `QueueName`
dimension: ApproximateNumberOfMessagesVisible, ...NotVisible, ...Delayed and
ApproximateAgeOfOldestMessage (seconds; 0 for an empty queue). As on AWS, a message received
three times or more without being deleted no longer counts as the oldest unless nothing else
is left. Queues are read in this process from moto's SQS model, whose clock the local cloud
has patched (`sluice.event_sources.moto_clock`), so sent times, visibility and the sampler's
`now` are all on the local cloud's time. SQS has no API for the age of the oldest message,
hence the model rather than GetQueueAttributes.
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from moto.sqs.models import sqs_backends

from sluice.alarms.metric_store import MetricKey, MetricStore

NAMESPACE = "AWS/SQS"
VISIBLE = "ApproximateNumberOfMessagesVisible"
NOT_VISIBLE = "ApproximateNumberOfMessagesNotVisible"
DELAYED = "ApproximateNumberOfMessagesDelayed"
OLDEST_AGE = "ApproximateAgeOfOldestMessage"
# Receives after which SQS moves an unprocessed message to the back for this metric.
POISON_RECEIVES = 3


@dataclass(frozen=True)
class QueueRef:
    """Where moto keeps a queue."""

    name: str
    account_id: str
    region: str

    @classmethod
    def from_arn(cls, arn: str) -> QueueRef:
        """The queue an `arn:aws:sqs:<region>:<account>:<name>` names."""
        _, _, _, region, account_id, name = arn.split(":", 5)
        return cls(name, account_id, region)


@dataclass(frozen=True)
class QueueSample:
    """One reading of a queue."""

    visible: int
    not_visible: int
    delayed: int
    oldest_age_seconds: float


class SqsMetricsSampler:
    """Samples the queues into the metric store."""

    def __init__(self, queues: Iterable[QueueRef], store: MetricStore) -> None:
        self.queues = tuple(queues)
        self.store = store

    def sample(self, now: float) -> None:
        """Record every queue's metrics at epoch second `now` (absent queues are skipped)."""
        for ref in self.queues:
            queue = _moto_queue(ref)
            if queue is None:
                continue
            reading = read_queue(queue, now)
            dimensions = {"QueueName": ref.name}
            for metric, value, unit in (
                (VISIBLE, reading.visible, "Count"),
                (NOT_VISIBLE, reading.not_visible, "Count"),
                (DELAYED, reading.delayed, "Count"),
                (OLDEST_AGE, reading.oldest_age_seconds, "Seconds"),
            ):
                self.store.put(MetricKey.of(NAMESPACE, metric, dimensions), value, now, unit)


def read_queue(queue: Any, now: float) -> QueueSample:
    """Counts and the oldest message's age of a moto queue at epoch second `now`."""
    messages = list(queue._messages)
    delayed = [message for message in messages if message.delayed]
    hidden = [message for message in messages if not message.visible]
    visible = [m for m in messages if m.visible and not m.delayed]
    fresh = [m for m in messages if m.approximate_receive_count < POISON_RECEIVES] or messages
    sent = [m.sent_timestamp for m in fresh if m.sent_timestamp is not None]
    age = max(now - min(sent) / 1000.0, 0.0) if sent else 0.0
    return QueueSample(len(visible), len(hidden), len(delayed), round(age))


def _moto_queue(ref: QueueRef) -> Any:
    return sqs_backends[ref.account_id][ref.region].queues.get(ref.name)
