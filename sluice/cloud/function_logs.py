"""Function output to per-function log files, as Lambda sends it to CloudWatch Logs.

Handlers share this process and its stdout. While installed, `FunctionLogRouter` replaces
`sys.stdout`: a write from inside an invocation (the Lambda runtime sets
`AWS_LAMBDA_FUNCTION_NAME` in the invocation's environment) goes to
`<log_dir>/<function name>.log`; anything else reaches the terminal as before.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import IO, Any, TextIO

_FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME"


class FunctionLogRouter:
    """A stdout stand-in that files each function's output under its own name."""

    def __init__(self, log_dir: Path, terminal: TextIO | None = None) -> None:
        self.log_dir = log_dir
        self._terminal = terminal or sys.stdout
        self._files: dict[str, IO[str]] = {}
        self._lock = threading.Lock()
        self._installed = False

    def install(self) -> FunctionLogRouter:
        """Route `sys.stdout` through this router."""
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
        with self._lock:
            handle = self._files.get(function)
            if handle is None:
                handle = (self.log_dir / f"{function}.log").open("a", encoding="utf-8")
                self._files[function] = handle
            written = handle.write(text)
            handle.flush()
            return written

    def flush(self) -> None:
        """Flush the terminal (function logs are flushed on every write)."""
        self._terminal.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._terminal, name)
