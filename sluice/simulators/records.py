"""Sequential record ids (`SO-000001`) for simulated providers, restarted by a reset."""

from __future__ import annotations

import itertools


class IdSequence:
    """Ids made of a prefix and a zero-padded counter."""

    def __init__(self, prefix: str, width: int = 6, start: int = 1) -> None:
        self._prefix = prefix
        self._width = width
        self._counter = itertools.count(start)

    def next(self) -> str:
        """The next id."""
        return f"{self._prefix}{next(self._counter):0{self._width}d}"
