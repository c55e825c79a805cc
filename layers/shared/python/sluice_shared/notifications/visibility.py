"""Hide received messages until they should be tried again (ChangeMessageVisibilityBatch).

A message reported as a batch item failure comes back after the queue's visibility timeout;
hiding it for a chosen wait instead lets an alert Slack refused return after its Retry-After,
and one the invocation had no time for return soon.
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibilityBatch.html
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from botocore.client import BaseClient

from sluice_shared.dispatch.deferral import queue_name_and_account

# ChangeMessageVisibilityBatch takes at most 10 entries.
_BATCH = 10


class MessageHider:
    """Changes the visibility of received messages, ten per request."""

    def __init__(self, client: BaseClient) -> None:
        self._client = client
        self._queue_url = functools.lru_cache(maxsize=16)(self._look_up_queue_url)

    def hide(self, records: Sequence[SQSRecord], seconds: Callable[[SQSRecord], int]) -> None:
        """Hide each record's message for `seconds(record)` from now."""
        by_queue: dict[str, list[SQSRecord]] = defaultdict(list)
        for record in records:
            by_queue[record.event_source_arn].append(record)
        for queue_arn, queued in by_queue.items():
            for start in range(0, len(queued), _BATCH):
                entries = [
                    {
                        "Id": str(index),
                        "ReceiptHandle": record.receipt_handle,
                        "VisibilityTimeout": seconds(record),
                    }
                    for index, record in enumerate(queued[start : start + _BATCH])
                ]
                self._client.change_message_visibility_batch(
                    QueueUrl=self._queue_url(queue_arn), Entries=entries
                )

    def _look_up_queue_url(self, queue_arn: str) -> str:
        name, account = queue_name_and_account(queue_arn)
        answer = self._client.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)
        return str(answer["QueueUrl"])
