"""Readable failure causes: the message staff need first, the technical detail after.

A Lambda error's cause is the function's error as JSON (`errorMessage`, `errorType`,
`stackTrace`); a `States.*` error's cause is plain text. Either way the page shows one
readable sentence and keeps the rest (a stack trace, the raw text) for whoever needs it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class ReadableCause:
    """A cause as shown: `message` to read, `trace` lines (may be empty), `raw` as recorded."""

    message: str
    trace: tuple[str, ...]
    raw: str


def readable_cause(cause: str | None) -> ReadableCause:
    """Split a recorded cause into its message and its stack trace."""
    raw = cause or ""
    try:
        parsed = json.loads(raw)
    except ValueError:
        return ReadableCause(raw.strip(), (), raw)
    if not isinstance(parsed, dict) or not isinstance(parsed.get("errorMessage"), str):
        return ReadableCause(raw.strip(), (), raw)
    trace = parsed.get("stackTrace")
    lines = tuple(str(line).rstrip() for line in trace) if isinstance(trace, list) else ()
    return ReadableCause(parsed["errorMessage"], lines, raw)
