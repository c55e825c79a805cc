"""Put a throttled message back on its queue until the provider is ready for it again.

The message's visibility is set to the wait (`ChangeMessageVisibility`) and the record is
reported as a batch item failure, so it is neither deleted nor received again early.

Every receive counts toward the queue's `maxReceiveCount`, throttled or not: SQS cannot tell
a throttle from a failure. So the wait also grows with the receive count (30 s, 60 s, 120 s,
...), never shorter than the provider's Retry-After: a burst of short Retry-Afters cannot
push a message into the DLQ within a minute. With maxReceiveCount 5 a message survives
about 15 minutes of throttling before the DLQ (redrive it from there); 10 allow about
8 hours. The governor's backoff keeps most requests from being throttled in the first place.

The dispatcher hides poison messages the same way, for its short poison delay instead, so
they reach the DLQ within minutes rather than after maxReceiveCount visibility timeouts.
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
"""

import functools

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from botocore.client import BaseClient

# A message can stay invisible at most 12 hours from its receive; keep clear of the limit
# by the longest a Lambda invocation can have held it already (15 minutes).
MAX_VISIBILITY_SECONDS = 12 * 3600 - 15 * 60
FIRST_DEFERRAL_SECONDS = 30
# 30 s x 2^11 is past the limit above: more doublings cannot change the answer.
_MAX_DOUBLINGS = 11


def deferral_seconds(retry_after: int | None, receive_count: int) -> int:
    """How long to hide a throttled message: Retry-After, at least 30 s x 2^(receives - 1)."""
    doublings = min(max(receive_count, 1) - 1, _MAX_DOUBLINGS)
    floor = FIRST_DEFERRAL_SECONDS * 2**doublings
    return min(MAX_VISIBILITY_SECONDS, max(retry_after or 0, floor))


def queue_name_and_account(queue_arn: str) -> tuple[str, str]:
    """The queue name and owner account of `arn:aws:sqs:<region>:<account>:<name>`."""
    parts = queue_arn.split(":")
    if len(parts) != 6 or parts[2] != "sqs":
        raise ValueError(f"not an SQS queue ARN: {queue_arn}")
    return parts[5], parts[4]


class MessageDeferrer:
    """Changes the visibility of received messages (queue URLs looked up once per queue)."""

    def __init__(self, client: BaseClient) -> None:
        self._client = client
        self._queue_url = functools.lru_cache(maxsize=16)(self._look_up_queue_url)

    def defer(self, record: SQSRecord, seconds: int) -> None:
        """Hide `record`'s message for `seconds` from now."""
        self._client.change_message_visibility(
            QueueUrl=self._queue_url(record.event_source_arn),
            ReceiptHandle=record.receipt_handle,
            VisibilityTimeout=seconds,
        )

    def _look_up_queue_url(self, queue_arn: str) -> str:
        """The URL of the queue `queue_arn` names."""
        name, account = queue_name_and_account(queue_arn)
        answer = self._client.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)
        return str(answer["QueueUrl"])
