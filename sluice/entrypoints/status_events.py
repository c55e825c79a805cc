"""Step Functions `Execution Status Change` events, made from the engine's execution description.

https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
The event goes to the default bus with `source: aws.states`, `resources: [executionArn]`
and a `detail` holding DescribeExecution's fields: dates as epoch milliseconds, absent
values as null, and the redrive fields. Input or output larger than the event can carry is
left out with `included: false`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from sluice.clock import Clock
from sluice.entrypoints.eventbridge import DEFAULT_BUS, iso_time

DETAIL_TYPE = "Step Functions Execution Status Change"
SOURCE = "aws.states"
# EventBridge events are at most 256 KB; Step Functions leaves out input/output past this.
MAX_INCLUDED_BYTES = 248 * 1024


class Publisher(Protocol):
    """Where the events go: the router's `publish`."""

    def publish(self, event: Mapping[str, Any], bus_name: str = DEFAULT_BUS) -> int:
        """Route one complete event."""
        ...


def epoch_millis(value: Any) -> int | None:
    """A date as epoch milliseconds (datetime, ISO text or a number of seconds/millis)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return int(moment.timestamp() * 1000)
    if isinstance(value, int | float):
        return int(value if value > 10**11 else value * 1000)
    return epoch_millis(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


def _payload(value: str | None) -> tuple[str | None, dict[str, bool] | None]:
    if value is None:
        return None, None
    if len(value.encode()) > MAX_INCLUDED_BYTES:
        return None, {"included": False}
    return value, {"included": True}


def status_change_detail(description: Mapping[str, Any]) -> dict[str, Any]:
    """The `detail` of a status change event, from a DescribeExecution answer."""
    execution_input, input_details = _payload(description.get("input"))
    output, output_details = _payload(description.get("output"))
    return {
        "executionArn": description["executionArn"],
        "stateMachineArn": description["stateMachineArn"],
        "name": description["name"],
        "status": description["status"],
        "startDate": epoch_millis(description.get("startDate")),
        "stopDate": epoch_millis(description.get("stopDate")),
        "input": execution_input,
        "output": output,
        "inputDetails": input_details,
        "outputDetails": output_details,
        "error": description.get("error"),
        "cause": description.get("cause"),
        "redriveCount": description.get("redriveCount", 0),
        "redriveDate": epoch_millis(description.get("redriveDate")),
        "redriveStatus": description.get("redriveStatus"),
        "redriveStatusReason": description.get("redriveStatusReason"),
    }


def status_change_event(
    description: Mapping[str, Any], account_id: str, region: str, now: datetime
) -> dict[str, Any]:
    """The whole EventBridge event for an execution's current status."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": DETAIL_TYPE,
        "source": SOURCE,
        "account": account_id,
        "time": iso_time(now),
        "region": region,
        "resources": [description["executionArn"]],
        "detail": status_change_detail(description),
    }


class StatusEventPublisher:
    """The engine's `on_status_change` callback: publishes each change to the default bus."""

    def __init__(self, router: Publisher, account_id: str, region: str, clock: Clock) -> None:
        self._router = router
        self._account_id = account_id
        self._region = region
        self._clock = clock

    def __call__(self, description: Mapping[str, Any]) -> None:
        """Publish the event for this description."""
        event = status_change_event(description, self._account_id, self._region, self._clock.now())
        self._router.publish(event, DEFAULT_BUS)
