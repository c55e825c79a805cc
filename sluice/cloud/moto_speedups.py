"""Take the per-request costs out of moto that grow with the local cloud's load, and two races.

The local cloud sends every handler's AWS call through one in-process moto server, and a
dispatcher bench puts thousands of messages on one queue. Three of moto's costs then dominated
the process's busy time; each is replaced by an equivalent that gives the same answers:

- The server finds the backend of every request under one global lock and, on the way, lists
  moto's package directory and stats its ~200 entries (`list_of_moto_modules`). The directory
  does not change while the process runs: it is listed once.
- SQS asks each message for the time twice to tell whether it is visible (`Queue.messages`),
  and checks the retention period of every message it receives by building all the queue's
  attributes, three of which scan the whole queue. So one ReceiveMessage on a queue of 5,000
  cost about 30,000 clock reads. Here the time is read once per scan and the retention period
  is read directly.
- DeleteMessage scans the queue twice and rebuilds it; here it finds the message and removes it.
- ReceiveMessage lists the message groups in flight by iterating the queue's set of pending
  messages, which a concurrent receive or delete changes: "Set changed size during iteration",
  a 500 for the receive. Here it iterates a copy (taken in one step under the GIL).
- S3 computes an object's ETag (once, then cached) by seeking and reading the object's buffer
  without the lock its readers hold, so a concurrent GetObject (a distributed Map's readers of
  one file) could read from the wrong offset, and the ETag could be cached from part of the
  body: an empty body, then a PreconditionFailed for every `IfMatch`. Here it holds the lock.

Times are still read through `moto.sqs.models.unix_time_millis`, so `SqsClockPatch` (which
rebinds it to the local cloud's clock) keeps working. `install_moto_speedups` is idempotent and
process-wide, like moto's backends.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib

from moto import backends
from moto.s3 import models as s3_models
from moto.sqs import models as sqs_models
from moto.sqs.exceptions import ReceiptHandleIsInvalid

_LIST_OF_MOTO_MODULES = backends.list_of_moto_modules
_ETAG_BLOCK_BYTES = 16 * 1024 * 1024


@functools.cache
def _moto_modules() -> tuple[str, ...]:
    """moto's service modules, listed once."""
    return tuple(_LIST_OF_MOTO_MODULES())


def _visible_messages(queue: sqs_models.Queue) -> list[sqs_models.Message]:
    """`Queue.messages`: those neither in flight nor delayed, on one reading of the clock."""
    now = sqs_models.unix_time_millis()
    return [m for m in queue._messages if now > m.visible_at and now >= m.delayed_until]


def _delayed_count(queue: sqs_models.Queue) -> int:
    now = sqs_models.unix_time_millis()
    return sum(1 for m in queue._messages if now < m.delayed_until)


def _in_flight_count(queue: sqs_models.Queue) -> int:
    now = sqs_models.unix_time_millis()
    return sum(1 for m in queue._messages if not now > m.visible_at)


def _within_retention(
    backend: sqs_models.SQSBackend, queue_name: str, message: sqs_models.Message
) -> bool:
    """Whether `message` is younger than its queue's MessageRetentionPeriod."""
    retention = int(backend.get_queue(queue_name).message_retention_period)
    return retention + message.sent_timestamp / 1000 > sqs_models.unix_time()


def _delete_message(queue: sqs_models.Queue, receipt_handle: str) -> None:
    """Remove the message `receipt_handle` was issued for (a handle deleted before is a no-op)."""
    if receipt_handle in queue.deleted_messages:
        return
    message = next(
        (
            message
            for message in queue._messages
            if message.receipt_handle == receipt_handle
            or message.had_receipt_handle(receipt_handle)
        ),
        None,
    )
    if message is None:
        raise ReceiptHandleIsInvalid()
    with contextlib.suppress(ValueError):  # a concurrent receive moved it to the DLQ
        queue._messages.remove(message)
    queue.pending_messages.discard(message)
    queue.deleted_messages.update(message.all_receipt_handles)


def _pending_message_groups(queue: sqs_models.Queue) -> set[str]:
    """`Queue.pending_message_groups`, over a copy of the pending messages."""
    return {m.group_id for m in tuple(queue._pending_messages) if m.group_id is not None}


def _etag(key: s3_models.FakeKey) -> str:
    """`FakeKey.etag`: the MD5 of the object's body, read under the key's lock."""
    etag = key._etag
    if etag is None:
        with key.lock:
            etag = key._etag
            if etag is None:
                digest = hashlib.md5(usedforsecurity=False)
                key._value_buffer.seek(0)
                for block in iter(lambda: key._value_buffer.read(_ETAG_BLOCK_BYTES), b""):
                    digest.update(block)
                etag = key._etag = digest.hexdigest()
    return f'"{etag}"'


def install_moto_speedups() -> None:
    """Replace the costly parts of moto described above (idempotent)."""
    backends.list_of_moto_modules = _moto_modules
    sqs_models.Queue.messages = property(_visible_messages)  # type: ignore[method-assign,assignment]
    sqs_models.Queue.approximate_number_of_messages_delayed = property(_delayed_count)  # type: ignore[method-assign,assignment]
    sqs_models.Queue.approximate_number_of_messages_not_visible = property(_in_flight_count)  # type: ignore[method-assign,assignment]
    sqs_models.Queue.pending_message_groups = property(_pending_message_groups)  # type: ignore[method-assign,assignment]
    s3_models.FakeKey.etag = property(_etag)  # type: ignore[method-assign,assignment]
    sqs_models.Queue.delete_message = _delete_message  # type: ignore[method-assign]
    sqs_models.SQSBackend.is_message_valid_based_on_retention_period = _within_retention  # type: ignore[method-assign]
