"""Validation streams the snapshot: accepted rows, a report with line numbers, the threshold."""

import csv
import io

import boto3
import pytest

from sluice_shared.inventory.errors import SnapshotInvalid, SnapshotSuperseded
from sluice_shared.inventory.steps import ValidateSnapshotInput
from sluice_shared.inventory.validation import validate_snapshot

RUN = "inventory-run1"
MIXED = "sku,available,location\nA,1,x\nB,-3,x\n\nC,two,x\nA,5,x\nD,4,x\n"


def step_for(world, text: str, key: str = "incoming/s.csv") -> ValidateSnapshotInput:
    """The validate step's input for `text` uploaded as a snapshot."""
    snapshot = world.put_snapshot(key, text)
    return ValidateSnapshotInput(
        business_key=RUN, bucket=snapshot.bucket, key=snapshot.key, etag=snapshot.etag
    )


def rows_of(world, key: str) -> list[list[str]]:
    """The records of a CSV object, header included."""
    return list(csv.reader(io.StringIO(world.read_text(key))))


def test_given_mixed_rows_when_validated_then_counts_and_accepted_rows_are_written(
    inventory_world,
):
    result = validate_snapshot(boto3.client("s3"), step_for(inventory_world, MIXED), 50)
    assert (result.rows, result.accepted, result.rejected) == (5, 2, 3)
    assert rows_of(inventory_world, result.accepted_key) == [
        ["sku", "available"],
        ["A", "1"],
        ["D", "4"],
    ]


def test_given_mixed_rows_when_validated_then_each_rejected_row_is_reported_with_its_line(
    inventory_world,
):
    result = validate_snapshot(boto3.client("s3"), step_for(inventory_world, MIXED), 50)
    report = rows_of(inventory_world, result.report_key)
    assert report[0] == ["line", "sku", "reason", "raw"]
    assert [(line, sku) for line, sku, _reason, _raw in report[1:]] == [
        ("3", "B"),
        ("5", "C"),
        ("6", "A"),
    ]
    assert "greater than or equal to 0" in report[1][2]
    assert report[3][2] == "duplicate sku: first on line 2"
    assert report[3][3] == "A,5,x"


def test_given_rejections_over_the_threshold_when_validated_then_the_run_must_stop(
    inventory_world,
):
    result = validate_snapshot(boto3.client("s3"), step_for(inventory_world, MIXED), 59.9)
    assert result.rejected_percent == 60.0
    assert result.over_threshold


def test_given_rejections_exactly_at_the_threshold_when_validated_then_the_run_goes_on(
    inventory_world,
):
    result = validate_snapshot(boto3.client("s3"), step_for(inventory_world, MIXED), 60)
    assert not result.over_threshold


def test_given_a_header_only_file_when_validated_then_it_is_invalid(inventory_world):
    with pytest.raises(SnapshotInvalid, match="no rows"):
        validate_snapshot(boto3.client("s3"), step_for(inventory_world, "sku,available\n"), 5)


def test_given_an_empty_file_when_validated_then_it_is_invalid(inventory_world):
    with pytest.raises(SnapshotInvalid, match="empty"):
        validate_snapshot(boto3.client("s3"), step_for(inventory_world, ""), 5)


def test_given_a_file_replaced_after_the_run_started_when_validated_then_it_is_superseded(
    inventory_world,
):
    step = step_for(inventory_world, MIXED)
    inventory_world.put_snapshot(step.key, "sku,available\nZ,1\n")
    with pytest.raises(SnapshotSuperseded, match="no longer has ETag"):
        validate_snapshot(boto3.client("s3"), step, 5)
