"""An SQS event source mapping's settings, checked against Lambda's limits.

https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures"
MAX_RECEIVE_BATCH = 10
MAX_BATCH_SIZE = 10_000
MAX_BATCHING_WINDOW_SECONDS = 300
MIN_MAXIMUM_CONCURRENCY = 2
MAX_MAXIMUM_CONCURRENCY = 1000

_QUEUE_ARN = re.compile(
    r"^arn:aws[a-z-]*:sqs:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):(?P<name>.+)$"
)


@dataclass(frozen=True)
class SqsEventSourceConfig:
    """`AWS::Serverless::Function` `Events` of type SQS (or `AWS::Lambda::EventSourceMapping`)."""

    function_name: str
    queue_arn: str
    batch_size: int = 10
    maximum_batching_window_seconds: float = 0
    maximum_concurrency: int | None = None
    function_response_types: tuple[str, ...] = ()
    enabled: bool = True

    def __post_init__(self) -> None:
        if _QUEUE_ARN.match(self.queue_arn) is None:
            raise ValueError(f"not an SQS queue ARN: {self.queue_arn}")
        if not 1 <= self.batch_size <= MAX_BATCH_SIZE:
            raise ValueError("BatchSize must be between 1 and 10000")
        if self.batch_size > MAX_RECEIVE_BATCH and self.maximum_batching_window_seconds < 1:
            raise ValueError(
                "BatchSize above 10 needs MaximumBatchingWindowInSeconds of at least 1 second"
            )
        if not 0 <= self.maximum_batching_window_seconds <= MAX_BATCHING_WINDOW_SECONDS:
            raise ValueError("MaximumBatchingWindowInSeconds must be between 0 and 300")
        if self.maximum_concurrency is not None and not (
            MIN_MAXIMUM_CONCURRENCY <= self.maximum_concurrency <= MAX_MAXIMUM_CONCURRENCY
        ):
            raise ValueError("ScalingConfig.MaximumConcurrency must be between 2 and 1000")
        unknown = set(self.function_response_types) - {REPORT_BATCH_ITEM_FAILURES}
        if unknown:
            raise ValueError(f"unknown FunctionResponseTypes: {sorted(unknown)}")

    @property
    def reports_batch_item_failures(self) -> bool:
        """Whether the function returns `batchItemFailures`."""
        return REPORT_BATCH_ITEM_FAILURES in self.function_response_types

    @property
    def queue_name(self) -> str:
        """The queue's name, from its ARN."""
        return self._arn_part("name")

    @property
    def queue_account(self) -> str:
        """The account that owns the queue, from its ARN."""
        return self._arn_part("account")

    @property
    def region(self) -> str:
        """The queue's region, from its ARN."""
        return self._arn_part("region")

    def _arn_part(self, part: str) -> str:
        match = _QUEUE_ARN.match(self.queue_arn)
        assert match is not None
        return match.group(part)
