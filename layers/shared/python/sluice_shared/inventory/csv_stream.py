"""Read and write CSV objects in S3 a record at a time, so memory never holds the file.

Reading decodes the object's stream as it arrives; writing goes to a spooled temporary file
(in memory up to a few MiB, then on the function's /tmp disk) uploaded when complete.
"""

import codecs
import contextlib
import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from botocore.client import BaseClient

from sluice_shared.inventory.errors import SnapshotInvalid

# Spooled rows stay in memory up to this size, then move to /tmp.
SPOOL_MEMORY_BYTES = 4 * 1024 * 1024
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


class RowWriter(Protocol):
    """What `csv.writer` returns: writes one record."""

    def writerow(self, row: Iterable[Any], /) -> Any:
        """Write `row` as one CSV record."""


def csv_records(body: Any) -> Iterator[tuple[int, list[str]]]:
    """`(line number, fields)` of each non-blank record of a streaming body (UTF-8, BOM ok).

    The line number is where the record starts, as an editor shows it, also when a quoted
    field spans lines. An undecodable byte or a malformed record raises `SnapshotInvalid`.
    """
    lines = codecs.iterdecode(body.iter_lines(keepends=True), "utf-8-sig")
    reader = csv.reader(lines, strict=True)
    previous_end = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as error:
            raise SnapshotInvalid(
                f"line {reader.line_num + 1}: not UTF-8 text ({error.reason})"
            ) from error
        except csv.Error as error:
            raise SnapshotInvalid(f"line {previous_end + 1}: malformed CSV ({error})") from error
        start, previous_end = previous_end + 1, reader.line_num
        if any(field.strip() for field in fields):
            yield start, fields


@contextlib.contextmanager
def s3_csv_writer(
    client: BaseClient, bucket: str, key: str, header: Sequence[str]
) -> Iterator[RowWriter]:
    """A CSV writer whose rows become the object `key` when the block ends without error."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES, mode="w+b") as spool:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(header)
        yield writer
        text.flush()
        spool.seek(0)
        client.put_object(Bucket=bucket, Key=key, Body=spool, ContentType=CSV_CONTENT_TYPE)
        text.detach()
