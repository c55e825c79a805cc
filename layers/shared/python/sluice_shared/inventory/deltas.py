"""Compare the accepted rows with the last levels sent; write only the changed ones.

Rows stream from S3 in chunks of 100 (one BatchGetItem each); an unchanged SKU produces
nothing. The changes file (`sku,available,previous`; previous empty for a new SKU) is what
the distributed Map reads.
"""

from botocore.client import BaseClient

from sluice_shared.inventory import naming
from sluice_shared.inventory.csv_stream import RowWriter, csv_records, s3_csv_writer
from sluice_shared.inventory.levels import MAX_GET_KEYS, LevelsTable
from sluice_shared.inventory.rows import InventoryLevel
from sluice_shared.inventory.steps import ComputeDeltasInput, DeltaResult

CHANGES_HEADER = ("sku", "available", "previous")


def _write_changes(chunk: list[InventoryLevel], levels: LevelsTable, changes: RowWriter) -> int:
    """Write the levels of `chunk` that differ from the last sent; return how many did."""
    previous = levels.last_sent([level.sku for level in chunk])
    changed = 0
    for level in chunk:
        last = previous.get(level.sku)
        if last != level.available:
            changes.writerow((level.sku, level.available, "" if last is None else last))
            changed += 1
    return changed


def compute_deltas(
    client: BaseClient, levels: LevelsTable, step: ComputeDeltasInput
) -> DeltaResult:
    """Stream the accepted rows, look up their last levels, write the changes file."""
    changes_key = naming.changes_key(step.business_key)
    body = client.get_object(Bucket=step.bucket, Key=step.accepted_key)["Body"]
    records = csv_records(body)
    next(records, None)
    total = changed = 0
    with s3_csv_writer(client, step.bucket, changes_key, CHANGES_HEADER) as changes:
        chunk: list[InventoryLevel] = []
        for _line, fields in records:
            chunk.append(InventoryLevel(sku=fields[0], available=fields[1]))
            if len(chunk) == MAX_GET_KEYS:
                changed += _write_changes(chunk, levels, changes)
                total += len(chunk)
                chunk = []
        if chunk:
            changed += _write_changes(chunk, levels, changes)
            total += len(chunk)
    return DeltaResult(changed=changed, unchanged=total - changed, changes_key=changes_key)
