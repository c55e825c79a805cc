"""Check an edited execution input before a re-run starts with it.

Step Functions takes any JSON text up to 256 KiB. A re-run must also keep the business key:
every provider request carries an Idempotency-Key derived from it, and that is what stops a
re-run from creating a second sales order, invoice or capture.
"""

from __future__ import annotations

import json
from typing import Any

MAX_INPUT_BYTES = 256 * 1024
BUSINESS_KEY_FIELD = "businessKey"


class InputRejected(ValueError):
    """The edited input cannot be used; the message says why, in words staff can act on."""


def rerun_input(edited: str, original: str | None) -> str:
    """The edited input as compact JSON, if it is valid JSON that keeps the business key."""
    if not edited.strip():
        raise InputRejected("The input is empty: give the execution's input as JSON.")
    try:
        value = json.loads(edited)
    except ValueError as error:
        raise InputRejected(f"The input is not valid JSON: {_where(error)}.") from None
    _check_business_key(value, _parsed(original))
    compact = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if len(compact.encode()) > MAX_INPUT_BYTES:
        raise InputRejected("The input is larger than Step Functions allows (256 KiB).")
    return compact


def pretty(text: str | None) -> str:
    """JSON text indented for reading and editing (text that is not JSON is kept as is)."""
    if text is None:
        return ""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
    except ValueError:
        return text


def _where(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} (line {error.lineno}, column {error.colno})"
    return str(error)


def _parsed(text: str | None) -> Any:
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return None


def _check_business_key(value: Any, original: Any) -> None:
    if not isinstance(original, dict) or BUSINESS_KEY_FIELD not in original:
        return
    kept = original[BUSINESS_KEY_FIELD]
    if not isinstance(value, dict) or value.get(BUSINESS_KEY_FIELD) != kept:
        raise InputRejected(
            f"Keep {BUSINESS_KEY_FIELD} {json.dumps(kept)}: providers recognise the order's"
            " earlier requests by it, so a re-run under the same key creates nothing twice."
        )
