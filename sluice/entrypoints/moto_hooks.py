"""Reversible hooks that let events raised inside moto reach the local routers.

- EventBridge: handler code calls `PutEvents` on the in-process moto server. moto routes the
  entries to its own rules (which the local cloud creates without targets, because moto's
  `Rule.send_to_targets` cannot deliver to Lambda), so the hook wraps
  `EventsBackend.put_events`: after moto accepted the entries, each accepted one is
  published on the local router with the event id moto returned.
- S3: every S3 operation that emits a notification calls `moto.s3.notifications.send_event`
  (through the module attribute), so the hook wraps that function and hands the event to
  the local S3 router; moto's own handling still runs for buckets the router does not know.
Both patches apply to the account and region of their router only, and are undone on exit.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from moto.events.models import EventsBackend
from moto.s3 import notifications as s3_notifications

from sluice.entrypoints.eventbridge import EventRouter, bus_name_of
from sluice.entrypoints.s3_notifications import S3NotificationRouter, S3Object


class MotoEventsHook:
    """While active, events put on moto's EventBridge are also routed by `router`."""

    def __init__(self, router: EventRouter) -> None:
        self._router = router
        self._original: Any = None

    def __enter__(self) -> MotoEventsHook:
        original = EventsBackend.put_events
        router = self._router

        def put_events(backend: EventsBackend, events: list[dict[str, Any]]) -> Any:
            entries = original(backend, events)
            if (backend.account_id, backend.region_name) == (router.account_id, router.region):
                for event, entry in zip(events, entries, strict=True):
                    if "EventId" in entry:
                        routed = router.event_from_entry(event, entry["EventId"])
                        router.publish(routed, bus_name_of(event.get("EventBusName")))
            return entries

        self._original = original
        EventsBackend.put_events = put_events  # type: ignore[method-assign]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        EventsBackend.put_events = self._original  # type: ignore[method-assign]


class MotoS3Hook:
    """While active, S3 events in moto for buckets `router` knows are delivered by it."""

    def __init__(self, router: S3NotificationRouter) -> None:
        self._router = router
        self._original: Any = None

    def __enter__(self) -> MotoS3Hook:
        original = s3_notifications.send_event
        router = self._router

        def send_event(account_id: str, event_name: Any, bucket: Any, key: Any) -> None:
            name = str(getattr(event_name, "value", event_name))
            if bucket.region_name != router.region or not router.has_bucket(bucket.name):
                original(account_id, event_name, bucket, key)
                return
            versioned = getattr(bucket, "is_versioned", False)
            s3_object = S3Object(
                key=key.name,
                size=key.size,
                etag=key.etag.strip('"'),
                version_id=key.version_id if versioned else None,
            )
            router.object_event(name, bucket.name, s3_object)

        self._original = original
        s3_notifications.send_event = send_event
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        s3_notifications.send_event = self._original
