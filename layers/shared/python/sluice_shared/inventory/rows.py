"""The snapshot's CSV header and rows, checked with pydantic; a bad row becomes a reason.

Columns are found by name (case and surrounding spaces ignored), so a 3PL may add or reorder
columns; `sku` and `available` are required.
"""

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from sluice_shared.inventory.errors import SnapshotInvalid

SKU_COLUMN = "sku"
AVAILABLE_COLUMN = "available"
REQUIRED_COLUMNS = (SKU_COLUMN, AVAILABLE_COLUMN)
MAX_SKU_LENGTH = 255
# Far above any real stock count; a bigger number is a broken export, not a level.
MAX_AVAILABLE = 100_000_000
# Printable characters only: no control characters (a broken export or encoding).
_SKU_PATTERN = r"^[^\x00-\x1f\x7f]+$"

Sku = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=MAX_SKU_LENGTH, pattern=_SKU_PATTERN
    ),
]


class InventoryLevel(BaseModel):
    """One SKU's available quantity."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    sku: Sku
    available: int = Field(ge=0, le=MAX_AVAILABLE)


@dataclass(frozen=True)
class Columns:
    """Where the required columns are in each record, and how many fields the header has."""

    sku: int
    available: int
    width: int


def read_header(fields: list[str], line: int = 1) -> Columns:
    """The column positions of a header record, or `SnapshotInvalid` saying what is wrong."""
    names = [field.strip().lower() for field in fields]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise SnapshotInvalid(
            f"line {line}: header lacks column(s) {', '.join(missing)} (found: {', '.join(names)})"
        )
    repeated = [name for name in REQUIRED_COLUMNS if names.count(name) > 1]
    if repeated:
        raise SnapshotInvalid(f"line {line}: header repeats column(s) {', '.join(repeated)}")
    return Columns(names.index(SKU_COLUMN), names.index(AVAILABLE_COLUMN), len(names))


def _problems(error: ValidationError) -> str:
    """Every field error of `error` as `field: message`, joined with `; `."""
    return "; ".join(
        f"{'.'.join(str(part) for part in detail['loc'])}: {detail['msg']}"
        for detail in error.errors(include_url=False)
    )


def parse_row(fields: list[str], columns: Columns) -> InventoryLevel | str:
    """The level a data record holds, or the reason it is rejected."""
    if len(fields) != columns.width:
        return f"expected {columns.width} fields as in the header, found {len(fields)}"
    try:
        return InventoryLevel(sku=fields[columns.sku], available=fields[columns.available])
    except ValidationError as error:
        return _problems(error)
