"""An SQS event source mapping: pollers that read a queue and invoke a function with batches.

As Lambda's pollers do (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html), with plain
SQS calls through a boto3 client:
- `ScalingConfig.MaximumConcurrency` R: R pollers ("lanes"), each gathering one batch and
  invoking the function synchronously, so at most R invocations, and R batches in flight, at
  once (without it, `default_concurrency` lanes; Lambda would scale its pollers up instead).
- `BatchSize` B, `MaximumBatchingWindowInSeconds` W: ReceiveMessage asks for at most 10. With
  W = 0 a lane invokes with what one receive returned; with W > 0 it keeps receiving from the
  first message until it holds B messages or W clock seconds have passed.
- The result: successful messages are deleted (DeleteMessageBatch); failed ones stay in flight
  and come back after their visibility timeout with a higher receive count, until the queue's
  redrive policy moves them to the DLQ (`batch_response` says which failed).
- A throttled invocation leaves the whole batch in flight, exactly as on AWS: with reserved
  concurrency below MaximumConcurrency, messages burn receive counts and can reach the DLQ
  without ever being processed (https://repost.aws/knowledge-center/lambda-sqs-scaling).
- Stopping lets running invocations finish; messages gathered but not yet handed to the
  function are made visible again at once (ChangeMessageVisibility to 0).
A mapping's pollers take turns calling ReceiveMessage: moto's SQS model is not thread-safe
(two receives that move the same message to the DLQ at once fail with a ValueError).
Waits follow the injected clock; use a RealClock or ScaledClock (with `SqsClockPatch` so moto's
visibility timeouts and long polls follow it too). A VirtualClock is not suitable: an idle
poller would spin it forward.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

from sluice.clock import Clock
from sluice.event_sources.batch_response import failed_message_ids
from sluice.event_sources.config import MAX_RECEIVE_BATCH, SqsEventSourceConfig
from sluice.event_sources.metrics import MappingCounters, MappingMetrics
from sluice.event_sources.sqs_event import sqs_event
from sluice.lambda_runtime import InvocationResult, LambdaServiceError, TooManyRequestsException

DEFAULT_CONCURRENCY = 5
DEFAULT_LONG_POLL_SECONDS = 1
DEFAULT_POLL_INTERVAL_SECONDS = 1.0

logger = logging.getLogger(__name__)


class Invoker(Protocol):
    """What a mapping needs from Lambda: a synchronous invoke (LambdaRuntime provides it)."""

    def invoke(self, reference: str, payload: Any) -> InvocationResult:
        """Invoke the function; raise TooManyRequestsException when throttled."""
        ...


class SqsEventSourceMapping:
    """Polls one queue for one function."""

    def __init__(
        self,
        config: SqsEventSourceConfig,
        sqs_client: Any,
        invoker: Invoker,
        clock: Clock,
        *,
        default_concurrency: int = DEFAULT_CONCURRENCY,
        long_poll_seconds: int = DEFAULT_LONG_POLL_SECONDS,
        poll_interval_seconds: float = DEFAULT_POLL_INTERVAL_SECONDS,
    ) -> None:
        self.config = config
        self._sqs = sqs_client
        self._invoker = invoker
        self._clock = clock
        self._lane_count = config.maximum_concurrency or default_concurrency
        self._long_poll_seconds = long_poll_seconds
        self._poll_interval = poll_interval_seconds
        self._counters = MappingCounters()
        self._stop = threading.Event()
        self._lanes: list[threading.Thread] = []
        self._enabled = config.enabled
        self._queue_url: str | None = None
        self._lock = threading.Lock()
        self._receiving = threading.Lock()

    @property
    def running(self) -> bool:
        """Whether pollers are running."""
        return any(lane.is_alive() for lane in self._lanes)

    def start(self) -> None:
        """Find the queue and start the pollers (unless the mapping is disabled)."""
        with self._lock:
            if self._queue_url is None:
                self._queue_url = self._sqs.get_queue_url(
                    QueueName=self.config.queue_name,
                    QueueOwnerAWSAccountId=self.config.queue_account,
                )["QueueUrl"]
            if not self._enabled or self._lanes:
                return
            self._stop.clear()
            self._lanes = [
                threading.Thread(
                    target=self._poll,
                    name=f"esm-{self.config.function_name}-{index}",
                    daemon=True,
                )
                for index in range(self._lane_count)
            ]
            for lane in self._lanes:
                lane.start()

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop polling; wait up to `timeout` real seconds for running invocations to end."""
        self._stop.set()
        with self._lock:
            lanes, self._lanes = self._lanes, []
        for lane in lanes:
            lane.join(timeout)
        return not any(lane.is_alive() for lane in lanes)

    def set_enabled(self, enabled: bool) -> None:
        """`Enabled`: a disabled mapping stops polling; enabling it starts again."""
        self._enabled = enabled
        if enabled:
            self.start()
        else:
            self.stop()

    def metrics(self) -> MappingMetrics:
        """What the mapping did so far."""
        return self._counters.snapshot()

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                batch = self._gather()
                if not batch:
                    continue
                if self._stop.is_set():
                    self._make_visible(batch)
                    return
                self._deliver(batch)
            except Exception:
                logger.exception("poller of %s failed; retrying", self.config.function_name)
                self._clock.sleep(self._poll_interval, self._stop)

    def _gather(self) -> list[dict[str, Any]]:
        """One batch: a long poll for the first messages, then the batching window."""
        config = self.config
        batch = self._receive(min(MAX_RECEIVE_BATCH, config.batch_size), self._long_poll_seconds)
        if not batch:
            if self._long_poll_seconds == 0:
                self._clock.sleep(self._poll_interval, self._stop)
            return batch
        window = config.maximum_batching_window_seconds
        deadline = self._clock.monotonic() + window
        while window > 0 and len(batch) < config.batch_size and not self._stop.is_set():
            remaining = deadline - self._clock.monotonic()
            if remaining <= 0:
                break
            wanted = min(MAX_RECEIVE_BATCH, config.batch_size - len(batch))
            received = self._receive(wanted, 0)
            batch.extend(received)
            if not received:
                self._clock.sleep(min(self._poll_interval, remaining), self._stop)
        return batch

    def _receive(self, count: int, wait_seconds: int) -> list[dict[str, Any]]:
        with self._receiving:
            response = self._sqs.receive_message(
                QueueUrl=self._queue_url,
                MaxNumberOfMessages=count,
                WaitTimeSeconds=wait_seconds,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
        return list(response.get("Messages", []))

    def _deliver(self, batch: list[dict[str, Any]]) -> None:
        config = self.config
        event = sqs_event(batch, config.queue_arn, config.region)
        self._counters.invocation_started(len(batch))
        try:
            result = self._invoker.invoke(config.function_name, event)
        except TooManyRequestsException:
            self._counters.throttled()
            self._counters.settled(0, len(batch), True)
            return
        except LambdaServiceError as error:
            logger.error("invoking %s failed: %s", config.function_name, error.message)
            self._counters.settled(0, len(batch), True)
            return
        finally:
            self._counters.invocation_ended()
        ids = [message["MessageId"] for message in batch]
        failed = failed_message_ids(
            result.payload, result.function_error, ids, config.reports_batch_item_failures
        )
        deleted = self._delete([message for message in batch if message["MessageId"] not in failed])
        self._counters.settled(deleted, len(failed), bool(batch) and len(failed) == len(batch))

    def _delete(self, messages: list[dict[str, Any]]) -> int:
        deleted = 0
        for start in range(0, len(messages), MAX_RECEIVE_BATCH):
            chunk = messages[start : start + MAX_RECEIVE_BATCH]
            response = self._sqs.delete_message_batch(
                QueueUrl=self._queue_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                    for index, message in enumerate(chunk)
                ],
            )
            deleted += len(response.get("Successful", []))
            for failure in response.get("Failed", []):
                logger.warning("could not delete a message: %s", failure.get("Message"))
        return deleted

    def _make_visible(self, batch: list[dict[str, Any]]) -> None:
        for message in batch:
            self._sqs.change_message_visibility(
                QueueUrl=self._queue_url,
                ReceiptHandle=message["ReceiptHandle"],
                VisibilityTimeout=0,
            )
