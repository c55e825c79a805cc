"""Asynchronous invocations (`InvocationType=Event`): Lambda's internal queue and its retries.

https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
- A function error (including a timeout) is retried `MaximumRetryAttempts` times (default 2):
  one minute before the first retry, two minutes before the second.
- A throttled attempt (429) goes back to the queue and is tried again with a backoff that
  grows from 1 second to 5 minutes, for as long as the event is younger than
  `MaximumEventAgeInSeconds` (default 6 hours). Throttles do not use up retry attempts.
- An event that fails every attempt, or grows too old, is discarded after its invocation record
  (the shape on-failure destinations receive) is handed to the function's `on_failure`.
Every delay is measured on the injected clock.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sluice.clock import Clock
from sluice.lambda_runtime.config import LATEST, FunctionConfig
from sluice.lambda_runtime.errors import TooManyRequestsException
from sluice.lambda_runtime.result import InvocationResult

RETRY_DELAYS_SECONDS = (60.0, 120.0)
FIRST_THROTTLE_BACKOFF_SECONDS = 1.0
MAX_THROTTLE_BACKOFF_SECONDS = 300.0
RETRIES_EXHAUSTED = "RetriesExhausted"
EVENT_AGE_EXCEEDED = "EventAgeExceeded"
DEFAULT_ASYNC_WORKERS = 16

Attempt = Callable[[FunctionConfig, Any, str], InvocationResult]
"""Run one synchronous attempt of an event (raises TooManyRequestsException when throttled)."""

logger = logging.getLogger(__name__)


@dataclass
class _Event:
    config: FunctionConfig
    payload: Any
    request_id: str
    enqueued_at: float
    invocations: int = 0
    throttle_backoff: float = 0.0
    last_result: InvocationResult | None = field(default=None, repr=False)


class AsyncInvocationQueue:
    """Holds events until they are due, runs their attempts on a small pool of threads."""

    def __init__(
        self, clock: Clock, attempt: Attempt, workers: int = DEFAULT_ASYNC_WORKERS
    ) -> None:
        self._clock = clock
        self._attempt = attempt
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lambda-async")
        self._due: list[tuple[float, int, _Event]] = []
        self._sequence = itertools.count()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._unfinished = 0
        self._closed = False
        self._scheduler = threading.Thread(
            target=self._schedule, name="lambda-async-scheduler", daemon=True
        )
        self._scheduler.start()

    def submit(self, config: FunctionConfig, payload: Any, request_id: str) -> None:
        """Queue an event for its first attempt now."""
        event = _Event(config, payload, request_id, self._clock.monotonic())
        with self._lock:
            self._unfinished += 1
            self._idle.clear()
        self._push(event, 0.0)

    def wait_until_idle(self, timeout: float) -> bool:
        """Wait up to `timeout` clock seconds until every event succeeded or was discarded."""
        return self._clock.wait(self._idle, timeout)

    def close(self) -> None:
        """Stop scheduling (queued events are dropped) and wait for running attempts."""
        with self._lock:
            self._closed = True
        self._wake.set()
        self._scheduler.join()
        self._pool.shutdown(wait=True)

    def _push(self, event: _Event, delay: float) -> None:
        with self._lock:
            due = self._clock.monotonic() + delay
            heapq.heappush(self._due, (due, next(self._sequence), event))
            self._wake.set()

    def _schedule(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                now = self._clock.monotonic()
                ready = []
                while self._due and self._due[0][0] <= now:
                    ready.append(heapq.heappop(self._due)[2])
                next_due = self._due[0][0] if self._due else None
                self._wake.clear()
            for event in ready:
                self._pool.submit(self._run, event)
            if not ready:
                self._clock.wait(self._wake, None if next_due is None else next_due - now)

    def _run(self, event: _Event) -> None:
        try:
            self._attempt_once(event)
        except Exception:
            logger.exception("async invocation %s failed in the runtime", event.request_id)
            self._finish(event)

    def _attempt_once(self, event: _Event) -> None:
        limits = event.config.async_config
        if self._clock.monotonic() - event.enqueued_at > limits.maximum_event_age_seconds:
            self._discard(event, EVENT_AGE_EXCEEDED)
            return
        try:
            result = self._attempt(event.config, event.payload, event.request_id)
        except TooManyRequestsException:
            event.throttle_backoff = min(
                max(event.throttle_backoff * 2, FIRST_THROTTLE_BACKOFF_SECONDS),
                MAX_THROTTLE_BACKOFF_SECONDS,
            )
            self._push(event, event.throttle_backoff)
            return
        event.invocations += 1
        event.last_result = result
        if result.function_error is None:
            self._finish(event)
            return
        retries_done = event.invocations - 1
        if retries_done < limits.maximum_retry_attempts:
            self._push(event, RETRY_DELAYS_SECONDS[retries_done])
            return
        self._discard(event, RETRIES_EXHAUSTED)

    def _discard(self, event: _Event, condition: str) -> None:
        record = invocation_record(self._clock, event, condition)
        logger.warning(
            "async event %s for %s discarded: %s",
            event.request_id,
            event.config.name,
            condition,
        )
        on_failure = event.config.async_config.on_failure
        if on_failure is not None:
            try:
                on_failure(record)
            except Exception:
                logger.exception("the on-failure hook of %s failed", event.config.name)
        self._finish(event)

    def _finish(self, event: _Event) -> None:
        with self._lock:
            self._unfinished -= 1
            if self._unfinished == 0:
                self._idle.set()


def invocation_record(clock: Clock, event: _Event, condition: str) -> dict[str, Any]:
    """The record an on-failure destination receives.

    https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
    """
    now = clock.now()
    result = event.last_result
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        "requestContext": {
            "requestId": event.request_id,
            "functionArn": f"{event.config.arn}:{LATEST}",
            "condition": condition,
            "approximateInvokeCount": event.invocations,
        },
        "requestPayload": event.payload,
    }
    if result is None:
        record["responseContext"] = {"statusCode": 429, "executedVersion": LATEST}
        return record
    record["responseContext"] = {
        "statusCode": result.status_code,
        "executedVersion": LATEST,
        "functionError": result.function_error,
    }
    record["responsePayload"] = result.payload
    return record
