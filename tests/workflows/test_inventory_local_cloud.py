"""The inventory workflow end to end on the local cloud, from an S3 drop to storefront levels.

Snapshots are uploaded to the template's bucket; the local cloud delivers the S3
notification to StartInventoryRunFunction, which starts the run named by the file's content.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import boto3
import pytest

from sluice.cloud.local_cloud import LocalCloud
from sluice.lambda_runtime.records import SUCCESS
from sluice_shared.inventory.start import Snapshot
from tests.workflows.support import running_cloud

TIME_SCALE = 1.0
# High enough that a test drains in well under a second of pacing, far above the burst need.
RATE_LIMIT = "200"
WAIT_SECONDS = 60.0
SKUS = 600
LEVELS_PATH = "/inventory-levels"


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """The local cloud for this module, with a fast storefront rate limit."""
    overrides = {"StorefrontRateLimitPerSecond": RATE_LIMIT}
    with running_cloud(TIME_SCALE, parameter_overrides=overrides) as local_cloud:
        yield local_cloud


def snapshot_text(rows: list[str]) -> str:
    """A snapshot CSV with a 3PL's extra column."""
    return "sku,available,location\n" + "\n".join(rows) + "\n"


def drop(cloud: LocalCloud, key: str, text: str) -> Snapshot:
    """Upload a snapshot as the warehouse would; the object it became."""
    assert cloud.model is not None
    bucket = cloud.model.buckets["InventoryBucket"].name
    answer = boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=text.encode())
    return Snapshot(bucket, key, answer["ETag"].strip('"'))


def wait_for_end(cloud: LocalCloud, snapshot: Snapshot) -> dict:
    """The description of the snapshot's run once it has ended (bounded wait)."""
    arn = cloud.state_machine_arn("InventoryStateMachine")
    execution_arn = arn.replace(":stateMachine:", ":execution:") + ":" + snapshot.run_key
    client = boto3.client("stepfunctions", endpoint_url=cloud.engine_url)
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            description = client.describe_execution(executionArn=execution_arn)
        except client.exceptions.ExecutionDoesNotExist:
            description = {"status": "NOT STARTED"}
        if description["status"] not in ("RUNNING", "NOT STARTED"):
            return description
        time.sleep(0.02)
    raise AssertionError(f"{snapshot.run_key} did not end within {WAIT_SECONDS} s")


def wait_for_levels(cloud: LocalCloud, count: int) -> dict[str, int]:
    """The storefront's levels once it holds `count` SKUs (bounded wait)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        levels = cloud.simulators.storefront.inventory_levels
        if len(levels) >= count:
            return levels
        time.sleep(0.02)
    raise AssertionError(f"the storefront holds {len(levels)} levels, not {count}")


def wait_for_start_invocations(cloud: LocalCloud, count: int) -> list:
    """The start function's invocation records once there are `count` (bounded wait)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        assert cloud.runtime is not None
        records = cloud.runtime.records(cloud.function_name("StartInventoryRunFunction"))
        if len(records) >= count:
            return records
        time.sleep(0.02)
    raise AssertionError(f"StartInventoryRunFunction was not invoked {count} times")


def executions(cloud: LocalCloud) -> list[dict]:
    """Every top-level run of the inventory state machine."""
    client = boto3.client("stepfunctions", endpoint_url=cloud.engine_url)
    arn = cloud.state_machine_arn("InventoryStateMachine")
    return client.list_executions(stateMachineArn=arn)["executions"]


def run_record(cloud: LocalCloud, snapshot: Snapshot) -> dict:
    """The run's summary in the runs table."""
    assert cloud.model is not None
    table = cloud.model.tables["InventoryRunsTable"].name
    key = {"runKey": {"S": snapshot.run_key}}
    return boto3.client("dynamodb").get_item(TableName=table, Key=key)["Item"]


def test_given_a_snapshot_dropped_twice_then_changed_skus_are_set_once_and_bad_rows_reported(
    cloud: LocalCloud,
):
    rows = [f"SKU-{index:04},{index % 40},A-{index % 9}" for index in range(SKUS)]
    text = snapshot_text([*rows, "BROKEN,-1,A-1", "SKU-0001,99,A-1"])
    snapshot = drop(cloud, "incoming/stock-1.csv", text)
    description = wait_for_end(cloud, snapshot)
    assert description["status"] == "SUCCEEDED", description.get("cause")
    levels = wait_for_levels(cloud, SKUS)
    assert levels["SKU-0001"] == 1
    record = run_record(cloud, snapshot)
    summary = {
        name: record[name]["N"] for name in ("rows", "rejected", "changed", "sent", "failed")
    }
    assert summary == {
        "rows": "602",
        "rejected": "2",
        "changed": "600",
        "sent": "600",
        "failed": "0",
    }
    requests_after_first = len(cloud.simulators.storefront.requests("POST", LEVELS_PATH))
    assert requests_after_first == 3

    again = drop(cloud, "incoming/stock-1.csv", text)
    assert again.run_key == snapshot.run_key
    [first_start, second_start] = wait_for_start_invocations(cloud, 2)[:2]
    assert (first_start.outcome, second_start.outcome) == (SUCCESS, SUCCESS)
    assert len(cloud.simulators.storefront.requests("POST", LEVELS_PATH)) == requests_after_first
    assert [e["name"] for e in executions(cloud)].count(snapshot.run_key) == 1


def test_given_a_file_over_the_reject_threshold_then_the_run_fails_and_sends_nothing(
    cloud: LocalCloud,
):
    before = len(cloud.simulators.storefront.requests("POST", LEVELS_PATH))
    rows = [f"NEW-{index},{'x' if index % 2 else index},B" for index in range(40)]
    snapshot = drop(cloud, "incoming/broken.csv", snapshot_text(rows))
    description = wait_for_end(cloud, snapshot)
    assert description["status"] == "FAILED"
    assert description["error"] == "SnapshotRejected"
    assert "20 of 40 rows rejected" in description["cause"]
    assert run_record(cloud, snapshot)["status"]["S"] == "REJECTED"
    assert len(cloud.simulators.storefront.requests("POST", LEVELS_PATH)) == before
