"""The dispatcher: performs the requests of one SQS batch concurrently, reporting each.

Each record ends in one of these ways:
- done: the provider call succeeded (or a duplicate returned the saved result); a waiting
  workflow gets `SendTaskSuccess`; the message is deleted.
- answered: a permanent failure (invalid envelope, unknown operation or account,
  `ProviderRejected`) sent to the waiting workflow with `SendTaskFailure`; the message is
  deleted.
- deferred: throttled (429 / Retry-After, or the governor's backoff); the message's
  visibility is set to the wait and it stays on the queue.
- duplicate-in-progress: a copy received while its twin (same idempotency key and account)
  is still being performed; hidden until the twin's invocation must have ended (the rest of
  this invocation, deferral.py), it stays on the queue: its next receive returns the twin's
  saved result, or performs the request if the twin failed.
- poison: a permanent failure without a task token; logged with the message id, receive
  count and reason, hidden for a short delay and left on the queue, so SQS's redrive policy
  moves it to the DLQ after maxReceiveCount receives (see below).
- retried: a transient failure (5xx, timeout, dropped connection); hidden for 30 s x
  2^(receives - 1) (5 s at the first receive for a failure the provider answered, see
  deferral.py) and left on the queue, so SQS's redrive policy still bounds it. Any other
  error (a failing AWS call of the dispatcher's own) leaves the message to come back after
  the queue's visibility timeout.

A message that cannot be hidden (ChangeMessageVisibility fails) is logged and still reported
as a batch item failure: it comes back after the queue's visibility timeout.

Poison: SQS's redrive policy stays the only way to the DLQ (nothing deletes or re-sends a
poison message, so its receive count and enqueue time are SQS's own). A batch item failure
alone would bring it back only after the queue's VisibilityTimeout (720 s: 2 hours for 10
receives, the DLQ alarm as late), so its visibility is set to `poison_delay_seconds`
(`DISPATCH_POISON_DELAY_SECONDS`, default 30 s: about 5 minutes for 10 receives). When that
fails, the message still comes back, after the visibility timeout. A provider's permanent
rejection is also remembered per message (rejections.py): the later receives of that message
are poison again without calling the provider, so the provider sees it once, not
maxReceiveCount times. A malformed envelope, an unknown operation or account cost no call and
are simply checked again.

Concurrency: Powertools' `BatchProcessor` handles records one after another, so the batch
goes through its `AsyncBatchProcessor`, whose async record handler hands each record to a
thread pool as large as the batch: B records, B concurrent connections, and Powertools still
builds `batchItemFailures`. Metrics are counted after the batch, on the calling thread
(Powertools Metrics is not thread-safe).
"""

import asyncio
import contextvars
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.batch import AsyncBatchProcessor, EventType
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

from sluice_shared import settings
from sluice_shared.dispatch.callbacks import TaskCallbacks
from sluice_shared.dispatch.deferral import (
    MAX_VISIBILITY_SECONDS,
    MessageDeferrer,
    deferral_seconds,
    retry_seconds,
    twin_wait_seconds,
)
from sluice_shared.dispatch.envelope import RequestEnvelope, parse_envelope, task_token_in
from sluice_shared.dispatch.errors import (
    MessageDeferred,
    MessageRetried,
    PoisonMessage,
    RequestInvalid,
    TwinInProgress,
)
from sluice_shared.dispatch.heartbeat import heartbeats
from sluice_shared.dispatch.idempotency import OnceRunner, for_provider
from sluice_shared.dispatch.registry import Operation, OperationRegistry
from sluice_shared.dispatch.rejections import Rejection, RejectionMemory
from sluice_shared.observability import get_logger
from sluice_shared.providers.client import ProviderClient
from sluice_shared.providers.errors import (
    ProviderRejected,
    ProviderThrottled,
    ProviderTimeout,
    ProviderUnavailable,
)

DONE = "done"
ANSWERED = "answered"
WORKFLOW_GONE = "workflow-gone"
DEFERRED = "deferred"
DUPLICATE_IN_PROGRESS = "duplicate-in-progress"
POISON = "poison"
RETRIED = "retried"
# Failures that say nothing about the request, only the moment: hidden, then sent again.
TRANSIENT_ERRORS = (ProviderUnavailable, ProviderTimeout)
DEFAULT_HEARTBEAT_SECONDS = 60.0
POISON_LINE = "poison message: it reaches the DLQ after maxReceiveCount"

ClientFor = Callable[[str, str | None], ProviderClient]
"""The client of a provider's account, by provider and account name (None: the default).

Raises `AccountUnknown` (or `OperationUnknown` for a provider) when it has no such account.
"""


@dataclass(frozen=True)
class BatchResult:
    """The partial batch response, and how many records ended each way."""

    response: PartialItemFailureResponse
    outcomes: Counter[str]


class Dispatcher:
    """Performs the request envelopes of a provider's request queue.

    `poison_delay_seconds` (default: the `DISPATCH_POISON_DELAY_SECONDS` setting) is how long a
    poison message stays hidden before its next receive; `rejections` (default: kept in
    `once`'s idempotency table) remembers the messages a provider rejected for good.
    """

    def __init__(
        self,
        *,
        registry: OperationRegistry,
        client_for: ClientFor,
        callbacks: TaskCallbacks,
        deferrer: MessageDeferrer,
        once: OnceRunner,
        heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS,
        poison_delay_seconds: int | None = None,
        rejections: RejectionMemory | None = None,
    ) -> None:
        poison_delay = settings.dispatch_poison_delay_seconds(poison_delay_seconds)
        if not 0 <= poison_delay <= MAX_VISIBILITY_SECONDS:
            raise ValueError(
                f"the poison delay must be 0 to {MAX_VISIBILITY_SECONDS} s, not {poison_delay}"
            )
        self._registry = registry
        self._client_for = client_for
        self._callbacks = callbacks
        self._deferrer = deferrer
        self._once = once
        self._heartbeat_seconds = heartbeat_seconds
        self._poison_delay_seconds = poison_delay
        self._rejections = rejections or RejectionMemory(once.table_name, once.client)

    def process_batch(
        self, event: dict[str, Any], context: LambdaContext | None = None
    ) -> BatchResult:
        """Perform every record of an SQS event concurrently; report the ones to keep."""
        records = event.get("Records") or []
        processor = AsyncBatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)
        outcomes: Counter[str] = Counter()
        with ThreadPoolExecutor(max_workers=max(1, len(records))) as pool:

            async def handle(record: SQSRecord) -> str:
                # Runs on the event loop's thread: only process_record runs in the pool, in a
                # copy of the invocation's context (run_in_executor does not copy it), so
                # context variables such as a per-invocation environment reach the record.
                loop = asyncio.get_running_loop()
                in_context = contextvars.copy_context()
                try:
                    outcome = await loop.run_in_executor(
                        pool, in_context.run, self.process_record, record
                    )
                except Exception as error:
                    outcomes[_failure_kind(error)] += 1
                    raise
                outcomes[outcome] += 1
                return outcome

            with processor(records, handle, context):
                processor.async_process()
        return BatchResult(processor.response(), outcomes)

    def process_record(self, record: SQSRecord) -> str:
        """Perform one record; its outcome, or an exception when the message must stay."""
        log = _record_log(record)
        try:
            return self._process(record, log)
        except Exception as error:
            get_logger().warning(
                "request not done; the message stays on the queue",
                extra={**log, "errorType": type(error).__name__, "reason": str(error)},
            )
            raise

    def _process(self, record: SQSRecord, log: dict[str, Any]) -> str:
        """Parse, perform, answer; see the module docstring for every way it can end."""
        body = record.body
        try:
            request = parse_envelope(body)
            operation = self._registry.find(request.provider, request.operation)
        except RequestInvalid as error:
            return self._reject(error, task_token_in(body), record, log)
        log.update(businessKey=request.business_key, operation=request.operation)
        if request.account is not None:
            log.update(account=request.account)
        if request.task_token is None:
            rejected = self._rejections.recall(record.message_id, log["receiveCount"])
            if rejected is not None:
                log.update(rejectedAtReceive=rejected.receive_count)
                raise self._leave_for_dlq(record, rejected.error_type, rejected.reason, log)
        try:
            result = self._perform(request, operation)
        except ProviderThrottled as error:
            seconds = deferral_seconds(error.retry_after, log["receiveCount"])
            self._deferrer.defer(record, seconds)
            raise MessageDeferred(
                f"{type(error).__name__}: {error}; visible again in {seconds} s"
            ) from error
        except TRANSIENT_ERRORS as error:
            seconds = retry_seconds(error.status is not None, log["receiveCount"])
            when = self._hide(record, seconds, log)
            raise MessageRetried(f"{type(error).__name__}: {error}; {when}") from error
        except IdempotencyAlreadyInProgressError as error:
            when = self._hide(record, twin_wait_seconds(log["receiveCount"]), log)
            raise TwinInProgress(
                f"a copy of this request is still in progress; {when}, when the invocation "
                "performing it has ended"
            ) from error
        except ProviderRejected as error:
            if request.task_token is None:
                self._remember(record, error, log)
            return self._reject(error, request.task_token, record, log)
        except RequestInvalid as error:
            return self._reject(error, request.task_token, record, log)
        if request.task_token and not self._callbacks.succeed(request.task_token, result):
            return WORKFLOW_GONE
        get_logger().info("request done", extra=log)
        return DONE

    def _perform(self, request: RequestEnvelope, operation: Operation) -> dict[str, Any]:
        """The operation's result, once per account and idempotency key (idempotency.py),
        heartbeating a waiting workflow."""
        client = self._client_for(request.provider, request.account)
        account = self._named_account(request)
        sent = for_provider(request, account)

        def work() -> dict[str, Any]:
            if sent.task_token is None:
                return operation(client, sent)
            token = sent.task_token
            with heartbeats(lambda: self._callbacks.heartbeat(token), self._heartbeat_seconds):
                return operation(client, sent)

        return self._once.run(request, work, account)

    def _named_account(self, request: RequestEnvelope) -> str | None:
        """The request's account when it is not its provider's default one (None: default)."""
        if request.account is None:
            return None
        default = self._client_for(request.provider, None).settings.account
        return None if request.account == default else request.account

    def _reject(
        self, error: Exception, task_token: str | None, record: SQSRecord, log: dict[str, Any]
    ) -> str:
        """A permanent failure: tell the waiting workflow, or leave the message for the DLQ."""
        reason = str(error)
        if task_token is None:
            raise self._leave_for_dlq(record, type(error).__name__, reason, log) from error
        if not self._callbacks.fail(task_token, type(error).__name__, reason):
            return WORKFLOW_GONE
        get_logger().warning(
            "request failed permanently; the workflow was told",
            extra={**log, "errorType": type(error).__name__, "reason": reason},
        )
        return ANSWERED

    def _leave_for_dlq(
        self, record: SQSRecord, error_type: str, reason: str, log: dict[str, Any]
    ) -> PoisonMessage:
        """Hide a poison message briefly and log its reason; the error that keeps it queued."""
        self._hide(record, self._poison_delay_seconds, log)
        get_logger().error(POISON_LINE, extra={**log, "errorType": error_type, "reason": reason})
        return PoisonMessage(f"{error_type}: {reason}")

    def _hide(self, record: SQSRecord, seconds: int, log: dict[str, Any]) -> str:
        """Hide `record`'s message for `seconds` (noted in `log`); when it is visible again.

        When that fails the message still stays on the queue (the caller reports it as a batch
        item failure) and comes back after the queue's visibility timeout.
        """
        try:
            self._deferrer.defer(record, seconds)
        except (BotoCoreError, ClientError) as error:
            get_logger().warning(
                "could not hide the message; it comes back after the visibility timeout",
                extra={**log, "errorType": type(error).__name__, "reason": str(error)},
            )
            return "visible again after the queue's visibility timeout"
        log.update(visibleAgainInSeconds=seconds)
        return f"visible again in {seconds} s"

    def _remember(self, record: SQSRecord, error: ProviderRejected, log: dict[str, Any]) -> None:
        """Remember the provider's rejection of this message; its later receives need no call."""
        rejection = Rejection(log["receiveCount"], type(error).__name__, str(error))
        try:
            self._rejections.remember(record.message_id, rejection)
        except (BotoCoreError, ClientError) as failure:
            get_logger().warning(
                "rejection not remembered; the next receive asks the provider again",
                extra={**log, "errorType": type(failure).__name__, "reason": str(failure)},
            )


def _record_log(record: SQSRecord) -> dict[str, Any]:
    """The log fields that identify a record: message id and receive count."""
    return {
        "messageId": record.message_id,
        "receiveCount": int(record.attributes.approximate_receive_count or 1),
    }


def _failure_kind(error: Exception) -> str:
    """The outcome name of a record that stays on the queue."""
    if isinstance(error, MessageDeferred):
        return DEFERRED
    if isinstance(error, TwinInProgress):
        return DUPLICATE_IN_PROGRESS
    if isinstance(error, PoisonMessage):
        return POISON
    return RETRIED
