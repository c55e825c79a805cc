"""Which messages of a batch failed, from the invocation's outcome.

https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
- A function error (an exception, a timeout) fails the whole batch.
- Without `ReportBatchItemFailures`, any successful invocation succeeds the whole batch.
- With it: a null response, an empty object, a null or empty `batchItemFailures` list mean
  complete success; a response that is not such an object, an `itemIdentifier` that is
  missing, null, empty or not the id of a message in the batch fail the whole batch; otherwise
  exactly the listed messages failed.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any


def failed_message_ids(
    payload: Any, function_error: str | None, message_ids: Collection[str], reports_items: bool
) -> set[str]:
    """The ids of the messages that must come back (all of them when the batch failed)."""
    everything = set(message_ids)
    if function_error is not None:
        return everything
    if not reports_items or payload is None:
        return set()
    if not isinstance(payload, dict):
        return everything
    failures = payload.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return everything
    failed: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in everything:
            return everything
        failed.add(identifier)
    return failed
