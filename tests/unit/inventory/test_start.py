"""A dropped snapshot starts one run named by its content; a second drop starts nothing."""

import json

import boto3

from sluice_shared.inventory.naming import run_key
from sluice_shared.inventory.start import Snapshot, created_snapshots, start_run
from tests.fixtures.events import load_event


def test_given_a_notification_when_read_then_the_key_is_url_decoded():
    [snapshot] = created_snapshots(load_event("inventory/snapshot-created.json"))
    assert snapshot == Snapshot(
        bucket="sluice-dev-inventory-123456789012-us-east-1",
        key="incoming/stock 2026-11-23.csv",
        etag="0c8a3e3d6f1b6a3f2f1f0d5c8a3e3d6f",
    )


def test_given_s3s_test_event_when_read_then_there_is_no_snapshot():
    assert created_snapshots(load_event("inventory/s3-test-event.json")) == []


def test_given_a_removal_record_when_read_then_there_is_no_snapshot():
    event = load_event("inventory/snapshot-created.json")
    event["Records"][0]["eventName"] = "ObjectRemoved:Delete"
    assert created_snapshots(event) == []


def test_given_a_new_snapshot_when_started_then_the_execution_is_named_by_its_content(
    inventory_world,
):
    snapshot = inventory_world.put_snapshot("incoming/a.csv", "sku,available\nA,1\n")
    outcome = start_run(boto3.client("stepfunctions"), inventory_world.state_machine_arn, snapshot)
    assert outcome.started
    assert outcome.run_key == run_key(snapshot.bucket, snapshot.key, snapshot.etag)
    described = boto3.client("stepfunctions").describe_execution(executionArn=outcome.execution_arn)
    assert described["name"] == outcome.run_key
    assert json.loads(described["input"]) == {
        "businessKey": outcome.run_key,
        "bucket": snapshot.bucket,
        "key": "incoming/a.csv",
        "etag": snapshot.etag,
    }


def test_given_the_same_file_dropped_after_its_run_when_started_then_nothing_starts(
    inventory_world,
):
    snapshot = inventory_world.put_snapshot("incoming/a.csv", "sku,available\nA,1\n")
    stepfunctions = boto3.client("stepfunctions")
    first = start_run(stepfunctions, inventory_world.state_machine_arn, snapshot)
    stepfunctions.stop_execution(executionArn=first.execution_arn)
    again = inventory_world.put_snapshot("incoming/a.csv", "sku,available\nA,1\n")
    second = start_run(stepfunctions, inventory_world.state_machine_arn, again)
    assert (first.started, second.started) == (True, False)
    assert second.execution_arn == first.execution_arn
    executions = stepfunctions.list_executions(stateMachineArn=inventory_world.state_machine_arn)
    assert len(executions["executions"]) == 1


def test_given_a_drop_while_its_run_is_running_when_started_then_that_run_is_returned(
    inventory_world,
):
    """StartExecution is idempotent for a running execution with the same name and input."""
    snapshot = inventory_world.put_snapshot("incoming/a.csv", "sku,available\nA,1\n")
    stepfunctions = boto3.client("stepfunctions")
    first = start_run(stepfunctions, inventory_world.state_machine_arn, snapshot)
    second = start_run(stepfunctions, inventory_world.state_machine_arn, snapshot)
    assert second.execution_arn == first.execution_arn
    executions = stepfunctions.list_executions(stateMachineArn=inventory_world.state_machine_arn)
    assert len(executions["executions"]) == 1
