"""Workers that play the other side of `.waitForTaskToken`: read the queue, answer the token."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from .case import Worker, WorkerContext, queue_url
from .lambdas import let_time_pass

_POLL_SECONDS = 0.005
_WORKER_LIMIT_SECONDS = 10.0


def _next_message(context: WorkerContext, queue: str) -> dict[str, Any] | None:
    """Return the next message body on `queue` (parsed JSON), or None once the run stops."""
    deadline = time.monotonic() + _WORKER_LIMIT_SECONDS
    while not context.stopped() and time.monotonic() < deadline:
        received = context.sqs.receive_message(QueueUrl=queue_url(queue), MaxNumberOfMessages=1)
        for message in received.get("Messages", []):
            context.sqs.delete_message(
                QueueUrl=queue_url(queue), ReceiptHandle=message["ReceiptHandle"]
            )
            return json.loads(message["Body"])
        time.sleep(_POLL_SECONDS)
    return None


def answers_success(queue: str, output: Callable[[dict[str, Any]], Any]) -> Worker:
    """A worker that takes one message and sends its `taskToken` back with `output(body)`."""

    def work(context: WorkerContext) -> None:
        body = _next_message(context, queue)
        if body is not None:
            context.control.send_task_success(body["taskToken"], json.dumps(output(body)))

    return work


def answers_failure(queue: str, error: str, cause: str) -> Worker:
    """A worker that takes one message and fails its `taskToken` with `error` and `cause`."""

    def work(context: WorkerContext) -> None:
        body = _next_message(context, queue)
        if body is not None:
            context.control.send_task_failure(body["taskToken"], error, cause)

    return work


def goes_silent(queue: str, seconds: float) -> Worker:
    """A worker that takes one message, then sends nothing while `seconds` pass."""

    def work(context: WorkerContext) -> None:
        if _next_message(context, queue) is not None:
            let_time_pass(context.pass_time, seconds, context.stopped)

    return work
