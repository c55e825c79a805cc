"""A failure's cause in plain words: Lambda's `errorMessage`, never a stack trace.

A Lambda task's cause is the JSON Lambda returns for an unhandled exception
(`{"errorMessage", "errorType", "requestId", "stackTrace"}`); other causes are text.
https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html
"""

from __future__ import annotations

import json
from typing import Any

MAX_CAUSE_CHARS = 500
NO_CAUSE = "no cause given"
_TRACEBACK_START = "Traceback (most recent call last)"
_MESSAGE_FIELDS = ("errorMessage", "message", "Message", "Cause", "cause")


def readable_cause(cause: str | None) -> str:
    """The human part of `cause`, at most MAX_CAUSE_CHARS characters."""
    text = _message_of(cause or "")
    if _TRACEBACK_START in text:
        lines = [line for line in text.splitlines() if line.strip()]
        text = lines[-1] if lines else ""
    text = " ".join(text.split())
    if not text:
        return NO_CAUSE
    if len(text) > MAX_CAUSE_CHARS:
        return text[: MAX_CAUSE_CHARS - 1] + "…"
    return text


def _message_of(text: str, depth: int = 0) -> str:
    """The message field of a JSON cause (nested causes unwrapped twice at most), else text."""
    try:
        parsed: Any = json.loads(text)
    except ValueError:
        return text
    if not isinstance(parsed, dict):
        return text
    for field in _MESSAGE_FIELDS:
        value = parsed.get(field)
        if isinstance(value, str) and value:
            return _message_of(value, depth + 1) if depth < 2 else value
    shown = {key: value for key, value in parsed.items() if key != "stackTrace"}
    return json.dumps(shown, sort_keys=True)
