"""The page shell and the small pieces every console page uses; all text is HTML-escaped here.

Every value that comes from the API or from a request goes through `text()` (or `url()` for
links), so an execution input holding `<script>` shows as text and never runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from urllib.parse import urlencode

from sluice.console.paths import EXECUTIONS_PATH, STYLESHEET_PATH


@dataclass(frozen=True)
class Flash:
    """A message shown once an action redirected: `kind` is "notice" or "error"."""

    kind: str
    message: str


def text(value: object) -> str:
    """`value` as HTML text, quotes included (safe in element content and attributes)."""
    return escape("" if value is None else str(value), quote=True)


def url(path: str, **params: str | None) -> str:
    """A link to `path` with the given query parameters (None ones left out), escaped."""
    present = {name: value for name, value in params.items() if value is not None}
    return text(f"{path}?{urlencode(present)}" if present else path)


def when(moment: datetime | None) -> str:
    """A timestamp in UTC to the second, or a dash."""
    if moment is None:
        return "-"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def duration(start: datetime | None, stop: datetime | None) -> str:
    """How long from `start` to `stop`, readable (a dash while either is missing)."""
    if start is None or stop is None:
        return "-"
    seconds = max((stop - start).total_seconds(), 0.0)
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    if minutes < 120:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def badge(status: str) -> str:
    """A status as a coloured badge."""
    return f'<span class="badge {text(status)}">{text(status.replace("_", " "))}</span>'


def flash_box(flash: Flash | None) -> str:
    """The message an action left, if any (role=alert for errors, status for notices)."""
    if flash is None:
        return ""
    role = "alert" if flash.kind == "error" else "status"
    return f'<div class="flash {text(flash.kind)}" role="{role}">{text(flash.message)}</div>'


def page(title: str, body: str, *, refresh_seconds: int | None = None) -> str:
    """A whole HTML page around `body` (already HTML); `title` is escaped here."""
    refresh = f'<meta http-equiv="refresh" content="{refresh_seconds}">' if refresh_seconds else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{refresh}<title>{text(title)} - sluice console</title>
<link rel="stylesheet" href="{STYLESHEET_PATH}">
</head>
<body>
<header><a class="brand" href="{EXECUTIONS_PATH}">sluice console</a>
<a href="{EXECUTIONS_PATH}">Executions</a></header>
<main>
{body}
</main>
</body>
</html>
"""


def error_page(message: str, flash: Flash | None = None) -> str:
    """A page that says what went wrong, with a way back."""
    return page(
        "Error",
        f'<h1>Something went wrong</h1>{flash_box(flash)}<div class="flash error" role="alert">'
        f'{text(message)}</div><p><a href="{EXECUTIONS_PATH}">Back to the executions</a></p>',
    )
