"""The inventory handlers as Lambda runs them: imported by path, configured from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from sluice_shared import settings
from sluice_shared.inventory.errors import StepInputInvalid
from tests.fixtures.events import load_event
from tests.fixtures.handlers import load_handler_module
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.unit.functions.test_handler_imports import IMPORT_ALL_HANDLERS
from tests.unit.inventory.support import BUCKET

ROOT = Path(__file__).resolve().parents[3]
HANDLERS = [
    "inventory/start_run",
    "inventory/sync_snapshots",
    "inventory/validate_snapshot",
    "inventory/compute_deltas",
    "inventory/queue_levels",
    "inventory/dispatch_storefront",
]
INVENTORY_SETTINGS = {
    settings.INVENTORY_STATE_MACHINE_ARN,
    settings.INVENTORY_BUCKET_NAME,
    settings.INVENTORY_SNAPSHOT_PREFIX,
    settings.INVENTORY_LEVELS_TABLE_NAME,
    settings.INVENTORY_RUNS_TABLE_NAME,
    settings.INVENTORY_REJECT_THRESHOLD_PERCENT,
    settings.STOREFRONT_REQUEST_QUEUE_URL,
}


def handle(function_dir: str, event: dict) -> dict:
    """Run a handler once, as Lambda would."""
    return load_handler_module(function_dir).handler(event, FakeLambdaContext())


def test_every_inventory_handler_imports_without_settings_or_clients():
    """GIVEN no settings and boto3 refusing clients WHEN imported THEN every handler loads."""
    env = {name: value for name, value in os.environ.items() if name not in INVENTORY_SETTINGS}
    env["PYTHONPATH"] = str(ROOT / "layers" / "shared" / "python")
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL_HANDLERS, *HANDLERS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"imported {len(HANDLERS)}"


def test_given_a_snapshot_notification_when_handled_twice_then_one_run_is_started(
    inventory_world,
):
    snapshot = inventory_world.put_snapshot("incoming/stock 1.csv", "sku,available\nA,1\n")
    event = load_event("inventory/snapshot-created.json")
    event["Records"][0]["s3"]["bucket"]["name"] = BUCKET
    event["Records"][0]["s3"]["object"].update(key="incoming/stock+1.csv", eTag=snapshot.etag)
    [first] = handle("inventory/start_run", event)["runs"]
    boto3.client("stepfunctions").stop_execution(executionArn=first["executionArn"])
    [second] = handle("inventory/start_run", event)["runs"]
    assert (first["started"], second["started"]) == (True, False)
    assert first["runKey"] == second["runKey"] == snapshot.run_key


def test_given_s3s_test_event_when_handled_then_nothing_starts(inventory_world):
    assert handle("inventory/start_run", load_event("inventory/s3-test-event.json")) == {"runs": []}


def test_given_the_schedule_when_handled_then_the_newest_snapshot_starts(inventory_world):
    snapshot = inventory_world.put_snapshot("incoming/a.csv", "sku,available\nA,1\n")
    outcome = handle("inventory/sync_snapshots", load_event("inventory/sync-schedule.json"))
    assert outcome == {
        "action": "started",
        "snapshotKey": "incoming/a.csv",
        "runKey": snapshot.run_key,
    }


def test_given_a_snapshot_when_the_steps_run_then_changed_levels_are_queued_once(
    inventory_world, monkeypatch
):
    """validate -> deltas -> queue, each handler fed what the state machine would pass."""
    snapshot = inventory_world.put_snapshot("incoming/a.csv", "sku,available\nA,1\nB,x\nC,3\n")
    step = load_event("inventory/validate-snapshot.json")
    step.update(businessKey=snapshot.run_key, bucket=BUCKET, key=snapshot.key, etag=snapshot.etag)
    monkeypatch.setenv(settings.INVENTORY_REJECT_THRESHOLD_PERCENT, "50")
    validation = handle("inventory/validate_snapshot", step)
    assert (validation["rows"], validation["rejected"], validation["overThreshold"]) == (
        3,
        1,
        False,
    )
    deltas_step = load_event("inventory/compute-deltas.json")
    deltas_step.update(
        businessKey=snapshot.run_key, bucket=BUCKET, acceptedKey=validation["acceptedKey"]
    )
    deltas = handle("inventory/compute_deltas", deltas_step)
    assert (deltas["changed"], deltas["unchanged"]) == (2, 0)
    batch = load_event("inventory/queue-levels.json")
    batch.update(
        businessKey=snapshot.run_key,
        levels=[{"sku": "A", "available": "1", "previous": ""}, {"sku": "C", "available": "3"}],
    )
    assert handle("inventory/queue_levels", batch) == {"queued": 2}
    [message] = inventory_world.messages()
    assert message["payload"]["levels"] == [
        {"sku": "A", "available": 1},
        {"sku": "C", "available": 3},
    ]


def test_given_a_malformed_batch_when_queued_then_the_handler_raises_step_input_invalid(
    inventory_world,
):
    batch = load_event("inventory/queue-levels.json")
    batch["levels"] = [{"sku": "A", "available": "-1"}]
    with pytest.raises(StepInputInvalid, match="available"):
        handle("inventory/queue_levels", batch)
    assert inventory_world.messages() == []
