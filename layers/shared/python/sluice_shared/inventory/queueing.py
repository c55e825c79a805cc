"""Queue one Map batch of changed levels as one storefront request, then record it as sent.

The message is the request envelope of docs/conventions.md; its idempotency key is derived
from the run and the batch's content, so a retried or redriven batch queues a message the
dispatcher recognises as the same request (and the storefront gets the same
Idempotency-Key). The levels are recorded only after the message is accepted by SQS.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime

from botocore.client import BaseClient

from sluice_shared.dispatch.envelope import RequestEnvelope
from sluice_shared.inventory import storefront
from sluice_shared.inventory.levels import LevelsTable
from sluice_shared.inventory.steps import QueueLevelsInput, QueueResult

BATCH_DIGEST_LENGTH = 24


def _utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def batch_idempotency_key(run_key: str, payload: dict[str, object]) -> str:
    """`<run key>-levels-<digest of the batch>`: the same batch always gets the same key."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:BATCH_DIGEST_LENGTH]
    return f"{run_key}-levels-{digest}"


def levels_request(step: QueueLevelsInput) -> RequestEnvelope:
    """The `inventory.setLevels` request envelope for the batch."""
    payload = storefront.set_levels_payload(step.levels)
    return RequestEnvelope(
        provider=storefront.PROVIDER,
        operation=storefront.SET_LEVELS,
        idempotency_key=batch_idempotency_key(step.business_key, payload),
        business_key=step.business_key,
        payload=payload,
    )


def queue_levels(
    step: QueueLevelsInput,
    *,
    sqs: BaseClient,
    queue_url: str,
    levels: LevelsTable,
    clock: Callable[[], datetime] = _utc_now,
) -> QueueResult:
    """Send the batch's request to the storefront queue, then record its levels as sent."""
    request = levels_request(step)
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(request.to_json()))
    sent_at = clock().isoformat(timespec="milliseconds").replace("+00:00", "Z")
    levels.record_sent(step.levels, step.business_key, sent_at)
    return QueueResult(queued=len(step.levels))
