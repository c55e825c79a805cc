"""The sync schedule starts the newest snapshot's run only if it never ran."""

import boto3

from sluice_shared.inventory import sync
from sluice_shared.inventory.sync import SyncTargets, sync_newest_snapshot
from tests.unit.inventory.support import BUCKET, PREFIX, RUNS_TABLE


def run_sync(world) -> sync.SyncOutcome:
    """One scheduled sync."""
    targets = SyncTargets(BUCKET, PREFIX, RUNS_TABLE, world.state_machine_arn)
    return sync_newest_snapshot(
        boto3.client("s3"), boto3.client("dynamodb"), boto3.client("stepfunctions"), targets
    )


def test_given_no_snapshot_when_synced_then_nothing_happens(inventory_world):
    assert run_sync(inventory_world).action == sync.NO_SNAPSHOT


def test_given_an_unprocessed_newest_snapshot_when_synced_then_its_run_starts(inventory_world):
    newest = inventory_world.put_snapshot("incoming/2026-11-23.csv", "sku,available\nA,2\n")
    inventory_world.put_snapshot("incoming/2026-11-22.csv", "sku,available\nA,1\n")
    inventory_world.put_snapshot("incoming/notes.txt", "not a snapshot")
    outcome = run_sync(inventory_world)
    assert (outcome.action, outcome.snapshot_key) == (sync.STARTED, "incoming/2026-11-23.csv")
    assert outcome.run_key == newest.run_key


def test_given_a_snapshot_whose_run_is_recorded_when_synced_then_it_is_not_started(
    inventory_world,
):
    snapshot = inventory_world.put_snapshot("incoming/a.csv", "sku,available\nA,1\n")
    boto3.client("dynamodb").put_item(
        TableName=RUNS_TABLE, Item={"runKey": {"S": snapshot.run_key}, "status": {"S": "COMPLETED"}}
    )
    assert run_sync(inventory_world).action == sync.ALREADY_RUN


def test_given_a_run_that_stopped_unrecorded_when_synced_then_it_is_not_started_again(
    inventory_world,
):
    inventory_world.put_snapshot("incoming/a.csv", "sku,available\nA,1\n")
    first = run_sync(inventory_world)
    assert first.action == sync.STARTED
    boto3.client("stepfunctions").stop_execution(
        executionArn=f"{inventory_world.state_machine_arn.replace(':stateMachine:', ':execution:')}"
        f":{first.run_key}"
    )
    assert run_sync(inventory_world).action == sync.ALREADY_STARTED
