"""Rule and schedule targets as data, and sending one payload to a target by its ARN.

Lambda targets are invoked asynchronously (`Event`): a function error is then the Lambda
runtime's retry business, not EventBridge's. SQS targets get the payload as the message
body; Step Functions targets start an execution with the payload as input.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from moto.events.utils import EventTemplateParser

from sluice.entrypoints.invoker import EVENT, Invoke

# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html
DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185
DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86_400
SUPPORTED_SERVICES = ("lambda", "sqs", "states", "events")

StartExecution = Callable[[str, str], Any]
"""Start an execution: `(state_machine_arn, input_json)`."""


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how often delivery to a target is retried."""

    maximum_retry_attempts: int = DEFAULT_MAXIMUM_RETRY_ATTEMPTS
    maximum_event_age_seconds: int = DEFAULT_MAXIMUM_EVENT_AGE_SECONDS

    @classmethod
    def from_properties(cls, properties: Mapping[str, Any] | None) -> RetryPolicy:
        """Read a CloudFormation/SAM `RetryPolicy` (missing fields keep the defaults)."""
        properties = properties or {}
        return cls(
            maximum_retry_attempts=int(
                properties.get("MaximumRetryAttempts", DEFAULT_MAXIMUM_RETRY_ATTEMPTS)
            ),
            maximum_event_age_seconds=int(
                properties.get("MaximumEventAgeInSeconds", DEFAULT_MAXIMUM_EVENT_AGE_SECONDS)
            ),
        )


@dataclass(frozen=True)
class Target:
    """Where a rule or schedule delivers, how the payload is shaped, retries, dead letters."""

    target_id: str
    arn: str
    input: str | None = None
    input_path: str | None = None
    input_transformer: Mapping[str, Any] | None = None
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    dead_letter_arn: str | None = None

    def __post_init__(self) -> None:
        if arn_part(self.arn, 2) not in SUPPORTED_SERVICES:
            raise ValueError(f"unsupported target {self.arn} (supported: {SUPPORTED_SERVICES})")
        if self.input is not None:
            # https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html
            try:
                json.loads(self.input)
            except ValueError as error:
                raise ValueError(f"target {self.target_id}: Input must be valid JSON") from error

    def payload(self, event: Mapping[str, Any]) -> str:
        """The JSON text this target receives for `event`.

        `Input` replaces the event; `InputPath` selects part of it; `InputTransformer` fills
        its template from the paths it names (moto's implementation; JSON templates only).
        """
        if self.input is not None:
            return self.input
        if self.input_path is not None:
            return json.dumps(select_path(event, self.input_path))
        if self.input_transformer is not None:
            transformed = EventTemplateParser.parse(
                input_template=self.input_transformer.get("InputTemplate"),
                input_paths_map=dict(self.input_transformer.get("InputPathsMap") or {}),
                # moto's parser also fills <aws.events.event.ingestion-time>.
                event={**event, "ingestion-time": event.get("time")},
            )
            return json.dumps(transformed)
        return json.dumps(event)


def select_path(document: Any, path: str) -> Any:
    """A simple JSONPath (`$`, `$.a.b`, `$.list[0]`) into a document; None when missing."""
    if path.strip() == "$":
        return document
    current = document
    for token in path.strip().removeprefix("$.").replace("]", "").replace("[", ".").split("."):
        if isinstance(current, Mapping) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return None
    return current


def arn_part(arn: str, index: int) -> str:
    """One `:`-separated part of an ARN (2 service, 3 region, 4 account, 5+ resource)."""
    parts = arn.split(":", 5)
    return parts[index] if len(parts) > index else ""


class TargetSender:
    """Sends payloads to Lambda (async), SQS (boto3 client) and Step Functions (callable)."""

    def __init__(
        self,
        invoke: Invoke | None = None,
        sqs_client: Any = None,
        start_execution: StartExecution | None = None,
    ) -> None:
        self._invoke = invoke
        self._sqs = sqs_client
        self._start_execution = start_execution
        self._queue_urls: dict[str, str] = {}
        self._lock = threading.Lock()

    def send(self, arn: str, payload: str) -> None:
        """Deliver once; raises the target's error when it refuses."""
        service = arn_part(arn, 2)
        if service == "lambda":
            self._require(self._invoke, "an invoke callable")(arn, json.loads(payload), EVENT)
        elif service == "sqs":
            self.send_message(arn, payload)
        elif service == "states":
            self._require(self._start_execution, "a start_execution callable")(arn, payload)
        else:
            raise ValueError(f"cannot send to {arn}")

    def send_message(
        self, queue_arn: str, body: str, attributes: Mapping[str, str] | None = None
    ) -> None:
        """Send one SQS message, with optional string message attributes."""
        sqs = self._require(self._sqs, "an SQS client")
        extra: dict[str, Any] = {}
        if attributes:
            extra["MessageAttributes"] = {
                name: {"DataType": "String", "StringValue": value}
                for name, value in attributes.items()
            }
        sqs.send_message(QueueUrl=self.queue_url(queue_arn), MessageBody=body, **extra)

    def queue_url(self, queue_arn: str) -> str:
        """The URL of a queue given its ARN (looked up once)."""
        with self._lock:
            cached = self._queue_urls.get(queue_arn)
        if cached is not None:
            return cached
        sqs = self._require(self._sqs, "an SQS client")
        url = sqs.get_queue_url(
            QueueName=arn_part(queue_arn, 5), QueueOwnerAWSAccountId=arn_part(queue_arn, 4)
        )["QueueUrl"]
        with self._lock:
            self._queue_urls[queue_arn] = url
        return url

    @staticmethod
    def _require(dependency: Any, what: str) -> Any:
        if dependency is None:
            raise RuntimeError(f"this router was built without {what}")
        return dependency
