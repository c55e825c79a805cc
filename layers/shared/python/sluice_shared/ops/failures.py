"""Failure records in the ops table, for executions that stopped without a Catch recording them.

Transient errors that outlast their retries are deliberately left uncaught in the state
machines, so that a redrive resumes at the failed task. Their ops record is written here, from
the `Step Functions Execution Status Change` event, with the same key the Catch path uses
(`businessKey`, `failureId` = `<execution name>#r<redrive count>`): a failure recorded by the
state machine itself is never recorded twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel

from sluice_shared import aws, settings

_STATE_PREFIX = "sluice-"
# Status-change events carry no error for a timeout or a stop: name them as the history does.
_DEFAULT_ERRORS = {"TIMED_OUT": "States.Timeout", "ABORTED": "ExecutionAborted"}


class FailureRecord(BaseModel):
    """What staff need to act on a failed execution."""

    business_key: str
    failure_id: str
    workflow: str
    execution_arn: str
    status: str
    failed_state: str
    error: str
    cause: str
    redrive_count: int
    recorded_at: str

    def to_item(self) -> dict[str, dict[str, str]]:
        """The record as a DynamoDB item (same attribute names the state machines write)."""
        return {
            "businessKey": {"S": self.business_key},
            "failureId": {"S": self.failure_id},
            "workflow": {"S": self.workflow},
            "executionArn": {"S": self.execution_arn},
            "status": {"S": self.status},
            "failedState": {"S": self.failed_state},
            "error": {"S": self.error},
            "cause": {"S": self.cause},
            "redriveCount": {"N": str(self.redrive_count)},
            "recordedAt": {"S": self.recorded_at},
        }


def workflow_name(state_machine_arn: str) -> str:
    """`orders` from `arn:...:stateMachine:sluice-dev-orders` (the template's naming)."""
    name = state_machine_arn.rsplit(":", 1)[-1]
    if name.startswith(_STATE_PREFIX):
        name = name[len(_STATE_PREFIX) :].split("-", 1)[-1]
    return name


def last_entered_state(events: Iterable[dict[str, Any]]) -> str:
    """The state the execution was in when it stopped, from its history read newest first."""
    for event in events:
        details = event.get("stateEnteredEventDetails")
        if details:
            return details["name"]
    return "(before the first state)"


def failure_from_history(detail: dict[str, Any], events: Iterable[dict[str, Any]]) -> FailureRecord:
    """Build the record from a status-change event's detail and the history, newest first."""
    name = detail["name"]
    redrive_count = int(detail.get("redriveCount") or 0)
    return FailureRecord(
        business_key=business_key_of(detail),
        failure_id=f"{name}#r{redrive_count}",
        workflow=workflow_name(detail["stateMachineArn"]),
        execution_arn=detail["executionArn"],
        status=detail["status"],
        failed_state=last_entered_state(events),
        error=detail.get("error") or _DEFAULT_ERRORS.get(detail["status"], "States.Runtime"),
        cause=detail.get("cause") or "no cause given",
        redrive_count=redrive_count,
        recorded_at=_as_iso(detail.get("stopDate")),
    )


def record_failure(detail: dict[str, Any], table_name: str | None = None) -> bool:
    """Record a stopped execution unless it is recorded already; True when written now."""
    table = settings.ops_failures_table_name(table_name)
    history = aws.stepfunctions_client().get_paginator("get_execution_history")
    pages = history.paginate(executionArn=detail["executionArn"], reverseOrder=True)
    events = (event for page in pages for event in page["events"])
    record = failure_from_history(detail, events)
    try:
        aws.dynamodb_client().put_item(
            TableName=table,
            Item=record.to_item(),
            ConditionExpression="attribute_not_exists(failureId)",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def business_key_of(detail: dict[str, Any]) -> str:
    """The business key in a status-change event's input (re-runs keep it), else its name."""
    raw_input = detail.get("input")
    if raw_input:
        try:
            key = json.loads(raw_input).get("businessKey")
        except (ValueError, AttributeError):
            key = None
        if isinstance(key, str) and key:
            return key
    return detail["name"]


def _as_iso(epoch_millis: int | None) -> str:
    moment = datetime.fromtimestamp(epoch_millis / 1000, UTC) if epoch_millis else datetime.now(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
