"""Deltas: only SKUs whose level differs from the last one sent reach the changes file."""

import csv
import io

import boto3

from sluice_shared.inventory.deltas import compute_deltas
from sluice_shared.inventory.rows import InventoryLevel
from sluice_shared.inventory.steps import ComputeDeltasInput
from tests.unit.inventory.support import BUCKET

ACCEPTED_KEY = "runs/inventory-run1/accepted-rows.csv"


def run_deltas(world, accepted_rows: list[tuple[str, int]]):
    """Upload accepted rows and compute the deltas; the result and the changes' records."""
    text = "sku,available\n" + "".join(f"{sku},{level}\n" for sku, level in accepted_rows)
    boto3.client("s3").put_object(Bucket=BUCKET, Key=ACCEPTED_KEY, Body=text.encode())
    step = ComputeDeltasInput(
        business_key="inventory-run1", bucket=BUCKET, accepted_key=ACCEPTED_KEY
    )
    result = compute_deltas(boto3.client("s3"), world.levels(), step)
    changes = list(csv.reader(io.StringIO(world.read_text(result.changes_key))))
    return result, changes


def test_given_unchanged_skus_when_compared_then_they_produce_nothing(inventory_world):
    inventory_world.levels().record_sent(
        [InventoryLevel(sku="A", available=1), InventoryLevel(sku="B", available=2)], "old", "t"
    )
    result, changes = run_deltas(inventory_world, [("A", 1), ("B", 2)])
    assert (result.changed, result.unchanged) == (0, 2)
    assert changes == [["sku", "available", "previous"]]


def test_given_changed_and_new_skus_when_compared_then_both_are_written_with_previous(
    inventory_world,
):
    inventory_world.levels().record_sent([InventoryLevel(sku="A", available=1)], "old", "t")
    result, changes = run_deltas(inventory_world, [("A", 4), ("N", 0)])
    assert result.changed == 2
    assert changes[1:] == [["A", "4", "1"], ["N", "0", ""]]


def test_given_more_rows_than_one_lookup_when_compared_then_every_chunk_is_compared(
    inventory_world,
):
    known = [InventoryLevel(sku=f"S{index:03}", available=index) for index in range(250)]
    inventory_world.levels().record_sent(known, "old", "t")
    rows = [
        (level.sku, level.available + (1 if index % 50 == 0 else 0))
        for index, level in enumerate(known)
    ]
    result, changes = run_deltas(inventory_world, rows)
    assert (result.changed, result.unchanged) == (5, 245)
    assert [row[0] for row in changes[1:]] == ["S000", "S050", "S100", "S150", "S200"]
