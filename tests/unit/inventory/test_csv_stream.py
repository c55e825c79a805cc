"""CSV records stream with the line they start on; writers upload what they were given."""

import io

import boto3
import pytest
from botocore.response import StreamingBody

from sluice_shared.inventory.csv_stream import csv_records, s3_csv_writer
from sluice_shared.inventory.errors import SnapshotInvalid
from tests.unit.inventory.support import BUCKET


def body(data: bytes) -> StreamingBody:
    """A streaming body as boto3 returns one."""
    return StreamingBody(io.BytesIO(data), len(data))


def test_given_blank_lines_and_a_quoted_newline_when_read_then_records_keep_their_start_line():
    data = b'\xef\xbb\xbfsku,available\n\nA,1\n"B\nsecond line",2\nC,3\n'
    assert list(csv_records(body(data))) == [
        (1, ["sku", "available"]),
        (3, ["A", "1"]),
        (4, ["B\nsecond line", "2"]),
        (6, ["C", "3"]),
    ]


def test_given_a_byte_that_is_not_utf8_when_read_then_the_snapshot_is_invalid():
    with pytest.raises(SnapshotInvalid, match="not UTF-8"):
        list(csv_records(body(b"sku,available\nA,1\n\xff\xfe,2\n")))


def test_given_an_unterminated_quote_when_read_then_the_snapshot_is_invalid_at_its_line():
    with pytest.raises(SnapshotInvalid, match="line 2: malformed CSV"):
        list(csv_records(body(b'sku,available\n"A,1\n')))


def test_given_rows_when_written_then_the_object_holds_header_and_rows(inventory_world):
    with s3_csv_writer(boto3.client("s3"), BUCKET, "runs/x/out.csv", ("sku", "n")) as writer:
        writer.writerow(("A,1", 2))
    assert inventory_world.read_text("runs/x/out.csv") == 'sku,n\n"A,1",2\n'


def test_given_a_failure_while_writing_when_the_block_ends_then_nothing_is_uploaded(
    inventory_world,
):
    with (
        pytest.raises(RuntimeError),
        s3_csv_writer(boto3.client("s3"), BUCKET, "runs/x/out.csv", ("sku",)) as writer,
    ):
        writer.writerow(("A",))
        raise RuntimeError("stop")
    listed = boto3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="runs/")
    assert listed["KeyCount"] == 0
