"""The inventory workflow end to end on the local cloud, from an S3 drop to storefront levels.

Snapshots are uploaded to the template's bucket; the local cloud delivers the S3
notification to StartInventoryRunFunction, which starts the run named by the file's content.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace

import boto3
import pytest

from sluice.cloud.local_cloud import LocalCloud
from sluice.lambda_runtime.records import SUCCESS, InvocationRecord
from sluice.simulators import SimulatorsSettings
from sluice.simulators.journal import RecordedRequest
from sluice.simulators.settings import RateLimit
from sluice_shared.inventory.start import Snapshot
from tests.workflows.support import running_cloud

TIME_SCALE = 1.0
# Far above what 5,000 SKUs (20 requests) need, so the drain takes well under a second; the
# simulator and the template parameter the dispatcher paces to say the same.
RATE_LIMIT = 200.0
WAIT_SECONDS = 60.0
LEVELS_PATH = "/inventory-levels"
BATCH_LEVELS = 250


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """The local cloud for this module, with a fast storefront rate limit."""
    simulators = SimulatorsSettings()
    limit = RateLimit(per_second=RATE_LIMIT, burst=int(RATE_LIMIT))
    simulators = replace(simulators, storefront=replace(simulators.storefront, rate_limit=limit))
    overrides = {"StorefrontRateLimitPerSecond": f"{RATE_LIMIT:g}"}
    with running_cloud(TIME_SCALE, simulators, overrides) as local_cloud:
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


def wait_for_level_requests(cloud: LocalCloud, count: int) -> list[RecordedRequest]:
    """The storefront's level requests once there are `count`, and nothing in flight."""
    storefront = cloud.simulators.storefront
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        requests = storefront.requests("POST", LEVELS_PATH)
        if len(requests) >= count:
            storefront.wait_until_idle()
            return storefront.requests("POST", LEVELS_PATH)
        time.sleep(0.02)
    raise AssertionError(f"the storefront got {len(requests)} level requests, not {count}")


def start_invocations(cloud: LocalCloud) -> list[InvocationRecord]:
    """The start function's invocation records so far."""
    assert cloud.runtime is not None
    return cloud.runtime.records(cloud.function_name("StartInventoryRunFunction"))


def wait_for_start_invocations(cloud: LocalCloud, count: int) -> list[InvocationRecord]:
    """The start function's invocation records once there are `count` (bounded wait)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        records = start_invocations(cloud)
        if len(records) >= count:
            return records
        time.sleep(0.02)
    raise AssertionError(f"StartInventoryRunFunction was not invoked {count} times")


def stepfunctions(cloud: LocalCloud):
    """A Step Functions client of the local cloud's engine."""
    return boto3.client("stepfunctions", endpoint_url=cloud.engine_url)


def history(client, execution_arn: str) -> list[dict]:
    """An execution's whole history, oldest first."""
    pages = client.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
    return [event for page in pages for event in page["events"]]


def executions(cloud: LocalCloud) -> list[dict]:
    """Every top-level run of the inventory state machine."""
    client = stepfunctions(cloud)
    arn = cloud.state_machine_arn("InventoryStateMachine")
    return client.list_executions(stateMachineArn=arn)["executions"]


def run_record(cloud: LocalCloud, snapshot: Snapshot) -> dict:
    """The run's summary in the runs table."""
    assert cloud.model is not None
    table = cloud.model.tables["InventoryRunsTable"].name
    key = {"runKey": {"S": snapshot.run_key}}
    return boto3.client("dynamodb").get_item(TableName=table, Key=key)["Item"]


@dataclass(frozen=True)
class Catalogue:
    """A 5,000-SKU snapshot with invalid rows, and what the storefront already holds."""

    text: str
    changed: dict[str, int]
    unchanged: set[str]
    rejected_lines: dict[int, str]


def catalogue() -> Catalogue:
    """2,000 unchanged SKUs, 1,500 changed, 1,500 new; six invalid rows at known lines."""
    rows: list[str] = []
    changed: dict[str, int] = {}
    unchanged: set[str] = set()
    for index in range(5_000):
        sku, level = f"E2E-{index:05}", index % 97
        rows.append(f"{sku},{level},BIN-{index % 7}")
        if index < 2_000:
            unchanged.add(sku)
        else:
            changed[sku] = level
    invalid = {
        10: ("E2E-NEG", "E2E-NEG,-1,BIN-1"),
        900: ("E2E-TEXT", "E2E-TEXT,plenty,BIN-1"),
        1_800: ("", ",5,BIN-1"),
        2_700: ("E2E-00042", "E2E-00042,7,BIN-2"),
        3_600: ("E2E-SHORT", "E2E-SHORT,3"),
        4_500: ("E2E-HUGE", "E2E-HUGE,100000001,BIN-1"),
    }
    rejected_lines: dict[int, str] = {}
    # Inserted in ascending order, each row keeps its position: line = position + 2 (header).
    for position, (sku, row) in sorted(invalid.items()):
        rows.insert(position, row)
        rejected_lines[position + 2] = sku
    return Catalogue(snapshot_text(rows), changed, unchanged, rejected_lines)


def seed_known_levels(cloud: LocalCloud, stock: Catalogue) -> None:
    """Record the levels the storefront got last time: unchanged SKUs as they are, changed
    SKUs at another level (the rest are new)."""
    assert cloud.model is not None
    table = cloud.model.tables["InventoryLevelsTable"].name
    known = {sku: int(sku[4:]) % 97 for sku in stock.unchanged}
    known |= {sku: level + 1 for sku, level in stock.changed.items() if int(sku[4:]) < 3_500}
    items = [
        {"PutRequest": {"Item": {"sku": {"S": sku}, "available": {"N": str(level)}}}}
        for sku, level in known.items()
    ]
    client = boto3.client("dynamodb")
    for start in range(0, len(items), 25):
        pending: dict = {table: items[start : start + 25]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


@dataclass(frozen=True)
class TwoDrops:
    """What the storefront, the tables and the engine hold after the same file dropped twice."""

    catalogue: Catalogue
    snapshot: Snapshot
    description: dict
    requests_after_first: list[RecordedRequest]
    requests_after_second: list[RecordedRequest]
    second_start: InvocationRecord


@pytest.fixture(scope="module")
def two_drops(cloud: LocalCloud) -> TwoDrops:
    """The 5,000-SKU snapshot dropped, drained, then dropped again."""
    stock = catalogue()
    seed_known_levels(cloud, stock)
    starts_before = len(start_invocations(cloud))
    snapshot = drop(cloud, "incoming/stock-5000.csv", stock.text)
    description = wait_for_end(cloud, snapshot)
    assert description["status"] == "SUCCEEDED", description.get("cause")
    expected_requests = -(-len(stock.changed) // BATCH_LEVELS)
    first = wait_for_level_requests(cloud, expected_requests)
    again = drop(cloud, "incoming/stock-5000.csv", stock.text)
    assert again.run_key == snapshot.run_key
    second_start = wait_for_start_invocations(cloud, starts_before + 2)[starts_before + 1]
    cloud.simulators.storefront.wait_until_idle()
    second = cloud.simulators.storefront.requests("POST", LEVELS_PATH)
    return TwoDrops(stock, snapshot, description, first, second, second_start)


def skus_sent(requests: list[RecordedRequest]) -> Counter[str]:
    """How many times each SKU was in a level request."""
    return Counter(level["sku"] for request in requests for level in request.body["levels"])


def test_given_a_5000_sku_snapshot_then_each_changed_sku_is_set_exactly_once(two_drops):
    sent = skus_sent(two_drops.requests_after_first)
    assert set(sent) == set(two_drops.catalogue.changed)
    assert set(sent.values()) == {1}
    assert {request.status for request in two_drops.requests_after_first} == {200}
    levels = {
        level["sku"]: level["available"]
        for request in two_drops.requests_after_first
        for level in request.body["levels"]
    }
    assert levels == two_drops.catalogue.changed


def test_given_a_5000_sku_snapshot_then_nothing_is_sent_for_unchanged_skus(two_drops):
    sent = skus_sent(two_drops.requests_after_first)
    assert not two_drops.catalogue.unchanged & set(sent)


def test_given_the_same_file_dropped_again_then_nothing_at_all_is_sent(cloud, two_drops):
    assert two_drops.second_start.outcome == SUCCESS
    assert two_drops.requests_after_second == two_drops.requests_after_first
    names = [execution["name"] for execution in executions(cloud)]
    assert names.count(two_drops.snapshot.run_key) == 1


def test_given_invalid_rows_then_the_report_gives_each_its_line_and_reason(cloud, two_drops):
    output = json.loads(two_drops.description["output"])
    body = boto3.client("s3").get_object(Bucket=two_drops.snapshot.bucket, Key=output["reportKey"])
    report = list(csv.DictReader(io.StringIO(body["Body"].read().decode())))
    assert {int(row["line"]): row["sku"] for row in report} == two_drops.catalogue.rejected_lines
    reasons = {int(row["line"]): row["reason"] for row in report}
    assert "greater than or equal to 0" in reasons[12]
    assert "valid integer" in reasons[902]
    assert "less than or equal to 100000000" in reasons[4_502]
    # E2E-00042 is row 43 once the row inserted at position 10 precedes it: line 45.
    assert reasons[2_702] == "duplicate sku: first on line 45"
    assert reasons[3_602] == "expected 3 fields as in the header, found 2"


def test_given_a_5000_sku_snapshot_then_the_run_summary_counts_every_row(cloud, two_drops):
    record = run_record(cloud, two_drops.snapshot)
    summary = {
        name: int(record[name]["N"])
        for name in ("rows", "accepted", "rejected", "changed", "unchanged", "sent", "failed")
    }
    assert summary == {
        "rows": 5_006,
        "accepted": 5_000,
        "rejected": 6,
        "changed": 3_000,
        "unchanged": 2_000,
        "sent": 3_000,
        "failed": 0,
    }
    assert record["status"]["S"] == "COMPLETED"


def test_given_a_5000_sku_snapshot_then_a_distributed_map_run_queued_each_batch(cloud, two_drops):
    client = stepfunctions(cloud)
    execution_arn = two_drops.description["executionArn"]
    events = [event["type"] for event in history(client, execution_arn)]
    assert events.index("MapRunStarted") < events.index("MapRunSucceeded")
    [map_run] = client.list_map_runs(executionArn=execution_arn)["mapRuns"]
    described = client.describe_map_run(mapRunArn=map_run["mapRunArn"])
    assert described["status"] == "SUCCEEDED"
    assert described["itemCounts"]["succeeded"] == 3_000
    children = client.list_executions(mapRunArn=map_run["mapRunArn"])["executions"]
    assert len(children) == 12
    assert {child["status"] for child in children} == {"SUCCEEDED"}
    for child in children:
        child_events = history(client, child["executionArn"])
        entered = [
            event["stateEnteredEventDetails"]["name"]
            for event in child_events
            if "stateEnteredEventDetails" in event
        ]
        assert entered == ["QueueLevels"]
        assert child_events[-1]["type"] == "ExecutionSucceeded"


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
