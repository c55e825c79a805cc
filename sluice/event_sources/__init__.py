"""Event source mappings: SQS pollers that invoke Lambda functions with batches."""

from sluice.event_sources.config import REPORT_BATCH_ITEM_FAILURES, SqsEventSourceConfig
from sluice.event_sources.metrics import MappingMetrics
from sluice.event_sources.moto_clock import SqsClockPatch
from sluice.event_sources.sqs import SqsEventSourceMapping

__all__ = [
    "REPORT_BATCH_ITEM_FAILURES",
    "MappingMetrics",
    "SqsClockPatch",
    "SqsEventSourceConfig",
    "SqsEventSourceMapping",
]
