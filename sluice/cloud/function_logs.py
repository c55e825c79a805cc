"""Function output to per-function log files, as Lambda sends it to CloudWatch Logs.

Handlers share this process and its stdout. While installed, `FunctionLogRouter` replaces
`sys.stdout`: a write from inside an invocation (the Lambda runtime sets
`AWS_LAMBDA_FUNCTION_NAME` in the invocation's environment) goes to
`<log_dir>/<function name>.log` (or to the terminal, without a `log_dir`); anything else
reaches the terminal as before. Listeners (`add_listener`) hear every complete line a
function prints, as CloudWatch Logs sees each log event: the local cloud's alarms read the
EMF metric documents there.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TextIO

_FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME"
# A line longer than this without a newline is handed to listeners as it stands.
MAX_PENDING_CHARS = 1_000_000

logger = logging.getLogger(__name__)

LineListener = Callable[[str, str], None]


class FunctionLogRouter:
    """A stdout stand-in that files each function's output under its own name."""

    def __init__(self, log_dir: Path | None, terminal: TextIO | None = None) -> None:
        self.log_dir = log_dir
        self._terminal = terminal or sys.stdout
        self._files: dict[str, IO[str]] = {}
        self._lock = threading.Lock()
        self._installed = False
        self._listeners: list[LineListener] = []
        # Each thread runs one invocation at a time: its partial line waits here.
        self._pending = threading.local()

    def add_listener(self, listener: LineListener) -> None:
        """Call `listener(function_name, line)` with every complete line a function prints."""
        self._listeners.append(listener)

    def install(self) -> FunctionLogRouter:
        """Route `sys.stdout` through this router."""
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
        sys.stdout = self  # type: ignore[assignment]
        self._installed = True
        return self

    def uninstall(self) -> None:
        """Give `sys.stdout` back and close the log files."""
        if self._installed:
            sys.stdout = self._terminal
            self._installed = False
        with self._lock:
            for handle in self._files.values():
                handle.close()
            self._files.clear()

    def write(self, text: str) -> int:
        """Write to the running function's log, or to the terminal outside invocations."""
        function = os.environ.get(_FUNCTION_NAME)
        if not function:
            return self._terminal.write(text)
        if self._listeners:
            self._hear(function, text)
        if self.log_dir is None:
            return self._terminal.write(text)
        with self._lock:
            handle = self._files.get(function)
            if handle is None:
                handle = (self.log_dir / f"{function}.log").open("a", encoding="utf-8")
                self._files[function] = handle
            written = handle.write(text)
            handle.flush()
            return written

    def _hear(self, function: str, text: str) -> None:
        """Hand the complete lines of `text` (after this thread's partial line) to listeners."""
        buffered = getattr(self._pending, "text", "") + text
        *lines, rest = buffered.split("\n")
        if len(rest) > MAX_PENDING_CHARS:
            lines.append(rest)
            rest = ""
        self._pending.text = rest
        for line in lines:
            for listener in list(self._listeners):
                try:
                    listener(function, line)
                except Exception:
                    logger.exception("a function log listener failed on %s's output", function)

    def flush(self) -> None:
        """Flush the terminal (function logs are flushed on every write)."""
        self._terminal.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._terminal, name)
