"""The scheduled sync: make sure the newest snapshot has been processed.

An S3 notification can be lost (its asynchronous invocation fails every retry) or arrive
while the workflow was disabled. The schedule lists the snapshot prefix, takes the newest
object and starts its run, named by its content as a notification would: an execution of
that name already existing, or a run recorded in the runs table (which outlives the
90-day execution history), means nothing to do. Older snapshots are superseded by the newest
and are not replayed.
"""

from dataclasses import dataclass
from typing import Any

from botocore.client import BaseClient

from sluice_shared.inventory.start import Snapshot, start_run

SNAPSHOT_SUFFIX = ".csv"
NO_SNAPSHOT = "no-snapshot"
ALREADY_RUN = "already-run"
STARTED = "started"
ALREADY_STARTED = "already-started"


@dataclass(frozen=True)
class SyncTargets:
    """Where the sync looks and what it starts."""

    bucket: str
    prefix: str
    runs_table_name: str
    state_machine_arn: str


@dataclass(frozen=True)
class SyncOutcome:
    """What the sync found and did: one of the action names above."""

    action: str
    snapshot_key: str | None = None
    run_key: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The outcome as the handler returns it."""
        return {"action": self.action, "snapshotKey": self.snapshot_key, "runKey": self.run_key}


def newest_snapshot(s3: BaseClient, bucket: str, prefix: str) -> Snapshot | None:
    """The most recently written `.csv` object under `prefix` (ties broken by key)."""
    newest: dict[str, Any] | None = None
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            if not item["Key"].endswith(SNAPSHOT_SUFFIX):
                continue
            if newest is None or (item["LastModified"], item["Key"]) > (
                newest["LastModified"],
                newest["Key"],
            ):
                newest = item
    if newest is None:
        return None
    return Snapshot(bucket=bucket, key=newest["Key"], etag=newest["ETag"])


def _run_recorded(dynamodb: BaseClient, table_name: str, run_key: str) -> bool:
    """Whether the runs table has a record of this run."""
    answer = dynamodb.get_item(
        TableName=table_name,
        Key={"runKey": {"S": run_key}},
        ProjectionExpression="runKey",
        ConsistentRead=True,
    )
    return "Item" in answer


def sync_newest_snapshot(
    s3: BaseClient, dynamodb: BaseClient, stepfunctions: BaseClient, targets: SyncTargets
) -> SyncOutcome:
    """Start the newest snapshot's run unless it already ran or is running."""
    snapshot = newest_snapshot(s3, targets.bucket, targets.prefix)
    if snapshot is None:
        return SyncOutcome(NO_SNAPSHOT)
    if _run_recorded(dynamodb, targets.runs_table_name, snapshot.run_key):
        return SyncOutcome(ALREADY_RUN, snapshot.key, snapshot.run_key)
    outcome = start_run(stepfunctions, targets.state_machine_arn, snapshot)
    return SyncOutcome(
        STARTED if outcome.started else ALREADY_STARTED, snapshot.key, outcome.run_key
    )
