"""Validate a snapshot as it streams from S3: good rows to one file, rejected rows to a report.

Nothing is dropped silently: every data record is either written to the accepted rows or to
the report with its line number and reason. A later record of a SKU already seen is rejected
(the first one wins), so the file cannot set one SKU twice; the SKUs seen so far are kept in a
temporary SQLite file (first_lines.py), so memory stays bounded whatever the file's size.

The object is read with `IfMatch` on the ETag the run is named by, so a run never reads
bytes other than the ones it was started for.
"""

from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from sluice_shared.inventory import naming
from sluice_shared.inventory.csv_stream import RowWriter, csv_records, s3_csv_writer
from sluice_shared.inventory.errors import SnapshotInvalid, SnapshotSuperseded
from sluice_shared.inventory.first_lines import FirstLines
from sluice_shared.inventory.rows import InventoryLevel, parse_row, read_header
from sluice_shared.inventory.steps import ValidateSnapshotInput, ValidationResult

ACCEPTED_HEADER = ("sku", "available")
REPORT_HEADER = ("line", "sku", "reason", "raw")
# The report quotes at most this much of a rejected record.
MAX_RAW_LENGTH = 200


def _open_snapshot(client: BaseClient, step: ValidateSnapshotInput) -> Any:
    """The snapshot's streaming body at the run's ETag, or `SnapshotSuperseded`."""
    try:
        answer = client.get_object(Bucket=step.bucket, Key=step.key, IfMatch=step.etag)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("PreconditionFailed", "412"):
            raise
        raise SnapshotSuperseded(
            f"s3://{step.bucket}/{step.key} no longer has ETag {step.etag}: it was replaced, "
            "and the new upload has its own run"
        ) from error
    return answer["Body"]


class _RowSorter:
    """Sends each data record to the accepted rows or to the report, counting both."""

    def __init__(self, accepted: RowWriter, report: RowWriter, first_lines: FirstLines) -> None:
        self._accepted = accepted
        self._report = report
        self._first_lines = first_lines
        self.rows = 0
        self.rejected = 0

    def reject(self, line: int, sku: str, reason: str, fields: list[str]) -> None:
        """Write a rejected record to the report."""
        self.rejected += 1
        raw = ",".join(fields)[:MAX_RAW_LENGTH]
        self._report.writerow((line, sku, reason, raw))

    def accept(self, line: int, level: InventoryLevel, fields: list[str]) -> None:
        """Write a valid record, unless its SKU already appeared on an earlier line."""
        first = self._first_lines.claim(level.sku, line)
        if first != line:
            self.reject(line, level.sku, f"duplicate sku: first on line {first}", fields)
            return
        self._accepted.writerow((level.sku, level.available))


def validate_snapshot(
    client: BaseClient, step: ValidateSnapshotInput, threshold_percent: float
) -> ValidationResult:
    """Stream the snapshot, write accepted rows and the report, decide on the threshold."""
    accepted_key = naming.accepted_rows_key(step.business_key)
    report_key = naming.rejected_rows_key(step.business_key)
    records = csv_records(_open_snapshot(client, step))
    header = next(records, None)
    if header is None:
        raise SnapshotInvalid("the file is empty: no header and no rows")
    columns = read_header(header[1], header[0])
    with (
        s3_csv_writer(client, step.bucket, accepted_key, ACCEPTED_HEADER) as accepted,
        s3_csv_writer(client, step.bucket, report_key, REPORT_HEADER) as report,
        FirstLines() as first_lines,
    ):
        sorter = _RowSorter(accepted, report, first_lines)
        for line, fields in records:
            sorter.rows += 1
            parsed = parse_row(fields, columns)
            if isinstance(parsed, InventoryLevel):
                sorter.accept(line, parsed, fields)
            else:
                sku = fields[columns.sku].strip() if len(fields) > columns.sku else ""
                sorter.reject(line, sku, parsed, fields)
    if sorter.rows == 0:
        raise SnapshotInvalid("the file has a header but no rows")
    rejected_percent = round(sorter.rejected * 100.0 / sorter.rows, 2)
    return ValidationResult(
        rows=sorter.rows,
        accepted=sorter.rows - sorter.rejected,
        rejected=sorter.rejected,
        rejected_percent=rejected_percent,
        threshold_percent=threshold_percent,
        over_threshold=sorter.rejected * 100.0 > threshold_percent * sorter.rows,
        accepted_key=accepted_key,
        report_key=report_key,
    )
