"""Execution status changes count on AWS/States metrics, by state machine."""

from datetime import UTC, datetime

import pytest

from sluice.alarms import MetricKey, MetricStore
from sluice.alarms.execution_metrics import ExecutionMetrics
from sluice.clock import VirtualClock

START = datetime(2024, 5, 3, 10, 0, tzinfo=UTC)
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:sluice-dev-orders"


@pytest.mark.parametrize(
    ("status", "redrive_count", "metric"),
    [
        ("RUNNING", 0, "ExecutionsStarted"),
        ("RUNNING", 1, "ExecutionsRedriven"),
        ("SUCCEEDED", 0, "ExecutionsSucceeded"),
        ("FAILED", 0, "ExecutionsFailed"),
        ("TIMED_OUT", 0, "ExecutionsTimedOut"),
        ("ABORTED", 0, "ExecutionsAborted"),
    ],
)
def test_each_status_counts_one_on_its_metric(status, redrive_count, metric):
    clock = VirtualClock(START)
    store = MetricStore()
    description = {"stateMachineArn": MACHINE, "status": status, "redriveCount": redrive_count}

    ExecutionMetrics(store, clock)(description)

    [key] = store.keys()
    assert key == MetricKey.of("AWS/States", metric, {"StateMachineArn": MACHINE})
    assert store.values(key, START.timestamp() - 1, START.timestamp()) == [1.0]


def test_a_status_with_no_metric_counts_nothing():
    store = MetricStore()

    ExecutionMetrics(store, VirtualClock(START))({"stateMachineArn": MACHINE, "status": "PENDING"})

    assert store.keys() == []
