"""How events enter the local cloud: HTTP API routes, EventBridge rules and schedules,
Step Functions status-change events and S3 notifications."""

from sluice.entrypoints.delivery import DeliveryRecord
from sluice.entrypoints.eventbridge import EventRouter, Rule, Schedule
from sluice.entrypoints.http_api import HttpApi, StageThrottling
from sluice.entrypoints.http_routes import Route, route_from_sam_event
from sluice.entrypoints.invoker import InvocationResultLike, Invoke
from sluice.entrypoints.moto_hooks import MotoEventsHook, MotoS3Hook
from sluice.entrypoints.rule_sources import (
    rule_from_events_rule,
    rule_from_sam_eventbridge_rule,
    rule_from_sam_schedule,
    schedule_from_sam_schedule_v2,
)
from sluice.entrypoints.s3_notifications import (
    S3Notification,
    S3NotificationRouter,
    S3Object,
    notification_from_sam_event,
    notifications_from_configuration,
)
from sluice.entrypoints.status_events import StatusEventPublisher, status_change_event
from sluice.entrypoints.targets import RetryPolicy, Target

__all__ = [
    "DeliveryRecord",
    "EventRouter",
    "HttpApi",
    "InvocationResultLike",
    "Invoke",
    "MotoEventsHook",
    "MotoS3Hook",
    "RetryPolicy",
    "Route",
    "Rule",
    "S3Notification",
    "S3NotificationRouter",
    "S3Object",
    "Schedule",
    "StageThrottling",
    "StatusEventPublisher",
    "Target",
    "notification_from_sam_event",
    "notifications_from_configuration",
    "route_from_sam_event",
    "rule_from_events_rule",
    "rule_from_sam_eventbridge_rule",
    "rule_from_sam_schedule",
    "schedule_from_sam_schedule_v2",
    "status_change_event",
]
