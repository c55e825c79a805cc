"""Alerts read from the notifier's queue: execution status changes and CloudWatch alarms.

The queue receives EventBridge `Step Functions Execution Status Change` events as they are,
and CloudWatch alarm notifications wrapped in SNS's envelope. Each becomes one `Alert` with a
key that names the occurrence (execution and redrive count, or alarm and state-change time),
so a duplicate delivery has the same key as the first. An inventory run's key is a digest of
its snapshot; the alert also names the file (`s3://bucket/key`, from the execution's input),
which is what staff know it by. An alarm that goes to OK from
INSUFFICIENT_DATA (a new alarm's first evaluation, on every deployment) was never firing, so it
is not news: it is ignored, and only OK after ALARM is posted.
https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from sluice_shared.ops.failures import business_key_of, workflow_name
from sluice_shared.ops.reruns import rerun_number

STATUS_CHANGE = "Step Functions Execution Status Change"
STOPPED_STATUSES = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})
ALARM_WORKFLOW = "alarms"
ALARM_STATE = "ALARM"
OK_STATE = "OK"
# Status-change events carry no error for a timeout or a stop: name them as the history does.
_DEFAULT_ERRORS = {"TIMED_OUT": "States.Timeout", "ABORTED": "ExecutionAborted"}


class AlertKind(StrEnum):
    """What happened."""

    FAILURE = "failure"
    RESOLUTION = "resolution"
    ALARM = "alarm"
    ALARM_OK = "alarm-ok"


class AlertUnreadable(ValueError):
    """A queue message that is neither a status-change event nor an SNS alarm notification."""


class Alert(BaseModel):
    """One thing to tell staff about, with what the message needs."""

    kind: AlertKind
    alert_key: str
    workflow: str
    subject: str
    status: str
    error: str = ""
    cause: str = ""
    region: str
    occurred_at: int | str | None = None
    execution_arn: str | None = None
    execution_name: str | None = None
    redrive_count: int = 0
    rerun: int | None = None
    alarm_description: str = ""
    metric_name: str = ""
    # The S3 object an inventory run reads (`s3://bucket/key`), when its input names one.
    snapshot_file: str = ""


def parse_alert(body: str) -> Alert | None:
    """The alert a queue message carries; None for one to ignore (a Map run's child, an
    alarm's first OK)."""
    try:
        message = json.loads(body)
    except ValueError as error:
        raise AlertUnreadable(f"not JSON: {body[:200]}") from error
    if not isinstance(message, dict):
        raise AlertUnreadable(f"not a JSON object: {body[:200]}")
    if message.get("detail-type") == STATUS_CHANGE:
        return _execution_alert(message["detail"])
    if message.get("Type") == "Notification" and "Message" in message:
        return _alarm_alert(message["Message"])
    raise AlertUnreadable(f"neither a status change nor an SNS notification: {body[:200]}")


def execution_alert_key(execution_arn: str, redrive_count: int, kind: AlertKind) -> str:
    """The key of an execution's alert: one failure (or resolution) per run of it."""
    return f"{execution_arn}#r{redrive_count}#{kind}"


def _execution_alert(detail: dict[str, Any]) -> Alert | None:
    # A distributed Map's child executions belong to `stateMachine:<name>/<map run>`: the
    # parent execution fails with them and is the one alerted.
    if "/" in ":".join(detail["stateMachineArn"].split(":")[6:]):
        return None
    status = detail["status"]
    redrive_count = int(detail.get("redriveCount") or 0)
    kind = AlertKind.FAILURE if status in STOPPED_STATUSES else AlertKind.RESOLUTION
    arn = detail["executionArn"]
    return Alert(
        kind=kind,
        alert_key=execution_alert_key(arn, redrive_count, kind),
        workflow=workflow_name(detail["stateMachineArn"]),
        subject=business_key_of(detail),
        status=status,
        error=detail.get("error") or _DEFAULT_ERRORS.get(status, ""),
        cause=detail.get("cause") or "",
        region=arn.split(":")[3],
        occurred_at=detail.get("stopDate"),
        execution_arn=arn,
        execution_name=detail["name"],
        redrive_count=redrive_count,
        rerun=rerun_number(detail["name"]),
        snapshot_file=_snapshot_file(detail.get("input")),
    )


def _snapshot_file(raw_input: str | None) -> str:
    """`s3://bucket/key` when the execution's input names an S3 object (inventory runs)."""
    try:
        document = json.loads(raw_input or "")
    except ValueError:
        return ""
    if not isinstance(document, dict):
        return ""
    bucket, key = document.get("bucket"), document.get("key")
    if isinstance(bucket, str) and isinstance(key, str) and bucket and key:
        return f"s3://{bucket}/{key}"
    return ""


def _alarm_alert(raw_message: str) -> Alert | None:
    try:
        alarm = json.loads(raw_message)
        name = alarm["AlarmName"]
    except (ValueError, KeyError, TypeError) as error:
        raise AlertUnreadable(f"not a CloudWatch alarm: {raw_message[:200]}") from error
    state = str(alarm.get("NewStateValue", ""))
    if state == OK_STATE and alarm.get("OldStateValue", ALARM_STATE) != ALARM_STATE:
        return None
    changed_at = str(alarm.get("StateChangeTime", ""))
    arn = str(alarm.get("AlarmArn", ""))
    return Alert(
        kind=AlertKind.ALARM if state == ALARM_STATE else AlertKind.ALARM_OK,
        alert_key=f"alarm#{name}#{state}#{changed_at}",
        workflow=ALARM_WORKFLOW,
        subject=name,
        status=state,
        error=name,
        cause=str(alarm.get("NewStateReason", "")),
        region=arn.split(":")[3] if arn.count(":") >= 3 else "",
        occurred_at=changed_at,
        alarm_description=str(alarm.get("AlarmDescription") or ""),
        metric_name=str((alarm.get("Trigger") or {}).get("MetricName", "")),
    )
