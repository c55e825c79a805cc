"""Names of re-runs: a corrected execution started under `<businessKey>-rerun-<n>`.

A re-run carries the business key in its input, so every side effect (keyed by the business
key, never by the execution name) finds what the first run already did.
"""

from __future__ import annotations

import re

from sluice_shared.keys import MAX_NAME_LENGTH

_RERUN = re.compile(r"^(?P<key>.+)-rerun-(?P<number>\d+)$")


def rerun_name(business_key: str, number: int) -> str:
    """`<businessKey>-rerun-<number>`, the key shortened if the name would pass 80 characters."""
    if number < 1:
        raise ValueError("re-runs are numbered from 1")
    suffix = f"-rerun-{number}"
    return business_key[: MAX_NAME_LENGTH - len(suffix)] + suffix


def rerun_number(execution_name: str) -> int | None:
    """The re-run number of an execution name, or None when it is not a re-run."""
    match = _RERUN.match(execution_name)
    return int(match["number"]) if match else None
