"""AWS/States execution metrics from the engine's status changes, as Step Functions emits them.

Each change counts 1 on the state machine's metric, with the `StateMachineArn` dimension:
RUNNING is ExecutionsStarted (ExecutionsRedriven for a redrive), SUCCEEDED, FAILED,
TIMED_OUT and ABORTED are ExecutionsSucceeded, ExecutionsFailed, ExecutionsTimedOut and
ExecutionsAborted. Periods without executions have no datapoint, as on AWS.
https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sluice.alarms.metric_store import MetricKey, MetricStore
from sluice.clock import Clock

NAMESPACE = "AWS/States"
STOPPED_METRICS = {
    "SUCCEEDED": "ExecutionsSucceeded",
    "FAILED": "ExecutionsFailed",
    "TIMED_OUT": "ExecutionsTimedOut",
    "ABORTED": "ExecutionsAborted",
}


class ExecutionMetrics:
    """A status-change listener that counts executions into the metric store."""

    def __init__(self, store: MetricStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def __call__(self, description: Mapping[str, Any]) -> None:
        """Count one execution's new status (DescribeExecution's answer)."""
        metric = metric_for(description)
        if metric is None:
            return
        key = MetricKey.of(
            NAMESPACE, metric, {"StateMachineArn": str(description["stateMachineArn"])}
        )
        self.store.put(key, 1.0, self.clock.now().timestamp(), "Count")


def metric_for(description: Mapping[str, Any]) -> str | None:
    """The metric a status counts on, if any."""
    status = description.get("status")
    if status == "RUNNING":
        redriven = int(description.get("redriveCount") or 0) > 0
        return "ExecutionsRedriven" if redriven else "ExecutionsStarted"
    return STOPPED_METRICS.get(str(status))
