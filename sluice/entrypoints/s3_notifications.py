"""S3 event notifications: bucket configurations as data, and the records S3 sends.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
A notification names event types (`s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete` ...),
an optional key prefix/suffix filter and a destination: a Lambda function (invoked
asynchronously) or an SQS queue (the record as the message body). Each delivery carries one
record; the object key is URL-encoded (spaces as `+`, slashes kept); `size` and `eTag` are
only present for created objects; `sequencer` orders events for the same key.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from sluice.clock import Clock, RealClock
from sluice.entrypoints.delivery import Deliveries, DeliveryRecord
from sluice.entrypoints.invoker import Invoke
from sluice.entrypoints.targets import Target, TargetSender, arn_part
from sluice.entrypoints.timers import DEFAULT_WORKERS, Timers

_PRINCIPAL = "AWS:AIDAEXAMPLELOCALCLOUD"


@dataclass(frozen=True)
class S3Notification:
    """One bucket notification: event types, key filter, destination ARN."""

    bucket: str
    target_arn: str
    events: tuple[str, ...]
    prefix: str = ""
    suffix: str = ""
    configuration_id: str = ""

    def __post_init__(self) -> None:
        if arn_part(self.target_arn, 2) not in ("lambda", "sqs"):
            raise ValueError(f"unsupported S3 notification destination {self.target_arn}")
        if not self.configuration_id:
            object.__setattr__(self, "configuration_id", f"sluice-{secrets.token_hex(8)}")

    def matches(self, event_name: str, key: str) -> bool:
        """Whether an event (`s3:ObjectCreated:Put`) on `key` is for this notification."""
        return (
            any(_event_matches(pattern, event_name) for pattern in self.events)
            and key.startswith(self.prefix)
            and key.endswith(self.suffix)
        )


def _event_matches(pattern: str, event_name: str) -> bool:
    if pattern.endswith(":*"):
        return event_name.startswith(pattern[:-1])
    return pattern == event_name


def _key_filter(filter_: Mapping[str, Any] | None) -> tuple[str, str]:
    rules = ((filter_ or {}).get("S3Key") or {}).get("Rules") or []
    values = {str(rule["Name"]).lower(): str(rule["Value"]) for rule in rules}
    return values.get("prefix", ""), values.get("suffix", "")


def notifications_from_configuration(
    bucket: str, configuration: Mapping[str, Any]
) -> list[S3Notification]:
    """Read a CloudFormation `NotificationConfiguration` (Lambda and queue configurations)."""
    notifications = []
    for section, arn_field in (
        ("LambdaConfigurations", "Function"),
        ("QueueConfigurations", "Queue"),
    ):
        for item in configuration.get(section) or []:
            prefix, suffix = _key_filter(item.get("Filter"))
            notifications.append(
                S3Notification(
                    bucket=bucket,
                    target_arn=str(item[arn_field]),
                    events=(str(item["Event"]),),
                    prefix=prefix,
                    suffix=suffix,
                    configuration_id=str(item.get("Id", "")),
                )
            )
    return notifications


def notification_from_sam_event(
    bucket: str, function_arn: str, properties: Mapping[str, Any]
) -> S3Notification:
    """Read the resolved `Properties` of a SAM function's `S3` event."""
    events = properties["Events"]
    prefix, suffix = _key_filter(properties.get("Filter"))
    return S3Notification(
        bucket=bucket,
        target_arn=function_arn,
        events=(events,) if isinstance(events, str) else tuple(events),
        prefix=prefix,
        suffix=suffix,
    )


@dataclass(frozen=True)
class S3Object:
    """What S3 reports about the object an event is about."""

    key: str
    size: int | None = None
    etag: str | None = None
    version_id: str | None = None


class S3NotificationRouter:
    """Holds bucket notifications and delivers S3 event records to their destinations."""

    def __init__(
        self,
        *,
        invoke: Invoke | None = None,
        sqs_client: Any = None,
        clock: Clock | None = None,
        region: str = "us-east-1",
        workers: int = DEFAULT_WORKERS,
    ) -> None:
        self.clock = clock or RealClock()
        self.region = region
        self._timers = Timers(self.clock, workers, name="s3-notifications")
        self._deliveries = Deliveries(TargetSender(invoke, sqs_client), self._timers)
        self._notifications: list[S3Notification] = []
        self._sequence = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, notification: S3Notification) -> None:
        """Add a notification."""
        with self._lock:
            self._notifications.append(notification)

    def has_bucket(self, bucket: str) -> bool:
        """Whether any notification is configured on `bucket`."""
        with self._lock:
            return any(item.bucket == bucket for item in self._notifications)

    def object_event(
        self, event_name: str, bucket: str, s3_object: S3Object, source_ip: str = "127.0.0.1"
    ) -> int:
        """Deliver an event (`s3:ObjectCreated:Put`) to every matching notification; returns
        how many matched."""
        with self._lock:
            matching = [
                item
                for item in self._notifications
                if item.bucket == bucket and item.matches(event_name, s3_object.key)
            ]
            sequencer = f"{next(self._sequence):016X}"
        for notification in matching:
            record = self.record(event_name, notification, s3_object, sequencer, source_ip)
            body = json.dumps({"Records": [record]})
            self._deliveries.submit(
                event_id=sequencer,
                source_arn=f"arn:aws:s3:::{bucket}",
                source_attribute="BUCKET_ARN",
                target=Target(target_id=notification.configuration_id, arn=notification.target_arn),
                payload=body,
                event_body=body,
            )
        return len(matching)

    def record(
        self,
        event_name: str,
        notification: S3Notification,
        s3_object: S3Object,
        sequencer: str,
        source_ip: str,
    ) -> dict[str, Any]:
        """One `Records[]` entry as S3 writes it."""
        now = self.clock.now()
        event_time = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
        object_fields: dict[str, Any] = {"key": quote_plus(s3_object.key, safe="/")}
        if event_name.startswith("s3:ObjectCreated:"):
            object_fields["size"] = s3_object.size
            object_fields["eTag"] = s3_object.etag
        if s3_object.version_id is not None:
            object_fields["versionId"] = s3_object.version_id
        object_fields["sequencer"] = sequencer
        return {
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": self.region,
            "eventTime": event_time,
            "eventName": event_name.removeprefix("s3:"),
            "userIdentity": {"principalId": _PRINCIPAL},
            "requestParameters": {"sourceIPAddress": source_ip},
            "responseElements": {
                "x-amz-request-id": secrets.token_hex(8).upper(),
                "x-amz-id-2": secrets.token_urlsafe(48),
            },
            "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": notification.configuration_id,
                "bucket": {
                    "name": notification.bucket,
                    "ownerIdentity": {"principalId": _PRINCIPAL.removeprefix("AWS:")},
                    "arn": f"arn:aws:s3:::{notification.bucket}",
                },
                "object": object_fields,
            },
        }

    def records(self) -> list[DeliveryRecord]:
        """How finished deliveries ended, oldest first."""
        return self._deliveries.records()

    def wait_until_idle(self, timeout: float) -> bool:
        """Wait up to `timeout` clock seconds until no delivery is pending."""
        return self._timers.wait_until_idle(timeout)

    def close(self) -> None:
        """Stop pending deliveries."""
        self._timers.close()
