"""What an alert's event does not say: the step that failed, and the failure a success resolves.

The failed step comes from the ops failures record (written by the state machine's Catch, or
from the same status-change event) and, when that record is not there yet, from the
execution's history. A resolution finds the failure it resolves among the business key's
ops records: a redrive keeps the execution, a re-run keeps the business key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sluice_shared import aws, settings
from sluice_shared.notifications.alerts import Alert
from sluice_shared.ops.failures import last_entered_state


@dataclass(frozen=True)
class PastFailure:
    """A recorded failure of a business key."""

    execution_arn: str
    failed_state: str
    error: str
    recorded_at: str
    redrive_count: int = 0


class FailureLookup:
    """Reads the ops failures table and execution histories."""

    def __init__(self, table_name: str | None = None) -> None:
        self._table = settings.ops_failures_table_name(table_name)

    def failed_state(self, alert: Alert) -> str:
        """The state the alerted execution failed in."""
        item = (
            aws.dynamodb_client()
            .get_item(
                TableName=self._table,
                Key={
                    "businessKey": {"S": alert.subject},
                    "failureId": {"S": f"{alert.execution_name}#r{alert.redrive_count}"},
                },
                ConsistentRead=True,
            )
            .get("Item")
        )
        if item and "failedState" in item:
            return str(item["failedState"]["S"])
        pages = (
            aws.stepfunctions_client()
            .get_paginator("get_execution_history")
            .paginate(executionArn=alert.execution_arn, reverseOrder=True)
        )
        return last_entered_state(event for page in pages for event in page["events"])

    def latest_failure(self, business_key: str) -> PastFailure | None:
        """The business key's most recent recorded failure, if any."""
        pages = (
            aws.dynamodb_client()
            .get_paginator("query")
            .paginate(
                TableName=self._table,
                KeyConditionExpression="businessKey = :key",
                ExpressionAttributeValues={":key": {"S": business_key}},
                ConsistentRead=True,
            )
        )
        items = [item for page in pages for item in page["Items"]]
        if not items:
            return None
        latest = max(items, key=lambda item: _text(item, "recordedAt"))
        return PastFailure(
            execution_arn=_text(latest, "executionArn"),
            failed_state=_text(latest, "failedState"),
            error=_text(latest, "error"),
            recorded_at=_text(latest, "recordedAt"),
            redrive_count=int(_text(latest, "redriveCount") or 0),
        )


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name) or {}
    return str(value.get("S") or value.get("N") or "")
