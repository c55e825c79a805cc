"""The line each SKU first appeared on, kept in a temporary SQLite file rather than in memory.

Finding a repeated SKU needs a record of every SKU seen so far: in a dict that grows with the
file (about 100 bytes a SKU), in SQLite it costs a bounded page cache (2 MiB by default) and
the rest lives on the function's /tmp disk. An empty file name gives a private temporary
database that SQLite deletes when it is closed.
https://www.sqlite.org/inmemorydb.html#temp_db
"""

import sqlite3
from types import TracebackType

# Page cache of the temporary database, in KiB (a negative cache_size is KiB).
CACHE_KIB = 2048


class FirstLines:
    """Remembers the first line of every SKU; use as a context manager."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute(
            "CREATE TABLE first_line (sku TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID"
        )
        self._db.execute("BEGIN")

    def claim(self, sku: str, line: int) -> int:
        """Record `line` as where `sku` first appears, unless it already appeared: that line."""
        inserted = self._db.execute(
            "INSERT OR IGNORE INTO first_line (sku, line) VALUES (?, ?)", (sku, line)
        ).rowcount
        if inserted:
            return line
        [(first,)] = self._db.execute("SELECT line FROM first_line WHERE sku = ?", (sku,))
        return int(first)

    def close(self) -> None:
        """Drop the temporary database."""
        self._db.close()

    def __enter__(self) -> "FirstLines":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
