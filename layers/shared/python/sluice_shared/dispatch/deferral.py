"""Put a message back on its queue for a while: throttled, failed for now, or a twin's copy.

The message's visibility is set to the wait (`ChangeMessageVisibility`) and the record is
reported as a batch item failure, so it is neither deleted nor received again early.

Every receive counts toward the queue's `maxReceiveCount`, throttled or not: SQS cannot tell
a throttle from a failure. So the wait also grows with the receive count (30 s, 60 s, 120 s,
...), never shorter than the provider's Retry-After: a burst of short Retry-Afters cannot
push a message into the DLQ within a minute. With maxReceiveCount 5 a message survives
about 15 minutes of throttling before the DLQ (redrive it from there); 10 allow about
8 hours. The governor's backoff keeps most requests from being throttled in the first place.

A transient failure (5xx, timeout, dropped connection) waits the same 30 s x 2^(receives - 1),
not the queue's visibility timeout (six dispatcher timeouts, 720 s by default). After a read
timeout or a dropped connection the provider may still be working on the request, holding one
of its connections, and a retry with the same Idempotency-Key would hold a second one (the ERP
simulator makes it wait for the first). A failure the provider answered (a 5xx, a 408, a
body that is not JSON) holds nothing once answered, and a lone one is usually a blip: its
first retry comes after 5 s (`ANSWERED_FIRST_RETRY_SECONDS`), so a drain's last requests do
not wait 30 s for it. From the second receive on it waits like any other, so
maxReceiveCount 10 still spans about 8 hours of provider trouble before the DLQ (a 5 s start
doubling would give up within an hour and a half). A run of failures is the governor's to
slow down (its per-account backoff), not each message's.

A copy received while its twin (same account and idempotency key) is still in progress waits
until the twin's invocation must have ended (`twin_wait_seconds`): the rest of the running
invocation, plus a second. The twin runs in the same function, whose timeout
(ErpDispatcherTimeoutSeconds for the ERP) bounds it: a twin in the same batch ends with this
invocation, one in an invocation that started earlier ends sooner. One that started later
(moments later, on another poller) may still run when the copy comes back; the copy is then
hidden again, spending one more receive.

The dispatcher hides poison messages the same way, for its short poison delay instead, so
they reach the DLQ within minutes rather than after maxReceiveCount visibility timeouts.
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
"""

import functools
import math

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from botocore.client import BaseClient

from sluice_shared import clock, invocation

# A message can stay invisible at most 12 hours from its receive; keep clear of the limit
# by the longest a Lambda invocation can have held it already (15 minutes).
MAX_VISIBILITY_SECONDS = 12 * 3600 - 15 * 60
FIRST_DEFERRAL_SECONDS = 30
# The first retry of a failure the provider answered (it holds no connection for it).
ANSWERED_FIRST_RETRY_SECONDS = 5
# 30 s x 2^11 is past the limit above: more doublings cannot change the answer.
_MAX_DOUBLINGS = 11
# Added to a twin's wait: SQS and Lambda do not keep the same clock.
TWIN_MARGIN_SECONDS = 1


def deferral_seconds(retry_after: int | None, receive_count: int) -> int:
    """How long to hide a throttled message: Retry-After, at least 30 s x 2^(receives - 1)."""
    doublings = min(max(receive_count, 1) - 1, _MAX_DOUBLINGS)
    floor = FIRST_DEFERRAL_SECONDS * 2**doublings
    return min(MAX_VISIBILITY_SECONDS, max(retry_after or 0, floor))


def retry_seconds(answered: bool, receive_count: int) -> int:
    """How long to hide a message whose call failed for now: 5 s at its first receive when the
    provider answered the failure, else as a throttle without Retry-After."""
    if answered and receive_count <= 1:
        return ANSWERED_FIRST_RETRY_SECONDS
    return deferral_seconds(None, receive_count)


def twin_wait_seconds(receive_count: int) -> int:
    """How long to hide a copy whose twin is in progress: the running invocation's remaining
    time and `TWIN_MARGIN_SECONDS`; outside an invocation (no deadline), as a transient failure.
    """
    ends = invocation.deadline()
    if ends is None:
        return deferral_seconds(None, receive_count)
    remaining = max(0, math.ceil(ends - clock.time()))
    return min(MAX_VISIBILITY_SECONDS, remaining + TWIN_MARGIN_SECONDS)


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
