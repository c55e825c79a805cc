"""Header and row validation: columns by name, every bad row gets a reason."""

import pytest

from sluice_shared.inventory.errors import SnapshotInvalid
from sluice_shared.inventory.rows import Columns, InventoryLevel, parse_row, read_header

COLUMNS = Columns(sku=0, available=1, width=2)


def test_given_reordered_mixed_case_columns_when_read_then_found_by_name():
    assert read_header([" Location", "AVAILABLE ", "Sku"]) == Columns(sku=2, available=1, width=3)


def test_given_a_header_without_available_when_read_then_the_file_is_invalid_at_its_line():
    with pytest.raises(SnapshotInvalid, match=r"line 3: header lacks column\(s\) available"):
        read_header(["sku", "qty"], line=3)


def test_given_a_header_repeating_sku_when_read_then_the_file_is_invalid():
    with pytest.raises(SnapshotInvalid, match="repeats column"):
        read_header(["sku", "available", "SKU"])


def test_given_a_good_row_when_parsed_then_sku_is_trimmed_and_available_an_int():
    assert parse_row([" TEE-1 ", "7"], COLUMNS) == InventoryLevel(sku="TEE-1", available=7)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (["TEE-1", "-2"], "available: Input should be greater than or equal to 0"),
        (["TEE-1", "7.5"], "available: Input should be a valid integer"),
        (["TEE-1", "lots"], "available: Input should be a valid integer"),
        (["  ", "3"], "sku: String should have at least 1 character"),
        (["TEE-1"], "expected 2 fields as in the header, found 1"),
        (["TEE-1", "3", "extra"], "expected 2 fields as in the header, found 3"),
    ],
)
def test_given_a_bad_row_when_parsed_then_the_reason_names_the_field(fields, reason):
    parsed = parse_row(fields, COLUMNS)
    assert isinstance(parsed, str)
    assert parsed.startswith(reason)
