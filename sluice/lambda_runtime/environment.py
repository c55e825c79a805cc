"""Per-invocation environment variables for functions that share one process.

Every function runs in this process, but each must see its own template environment. `install`
replaces `os.environ` (once) with `ContextualEnviron`: a mapping whose reads and writes go to
the `FunctionEnvironment` set for the current context (a `contextvars.ContextVar`), falling back
to the process environment. `os.environ[...]`, `os.getenv`, boto3 and Powertools all read
`os.environ` at call time, so they see the variables of the function that is running.

Limits (documented, not hidden):
- Outside an invocation, reads and writes go to the process environment (`putenv` included),
  so pytest's monkeypatch and library set-up keep working.
- Inside an invocation, writes and deletes go to that function's layer only, and persist for
  its later invocations (like a warm execution environment); concurrent invocations of the
  same function share that layer, where AWS would give each its own environment.
- A thread that a handler starts begins with an empty context and sees the process
  environment, not the function's (copy the context with `contextvars.copy_context()`).
- Code that kept a reference to the original mapping (`from os import environ` before
  `install`), `os.environb`, and child processes see the process environment.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar

_ACTIVE: ContextVar[FunctionEnvironment | None] = ContextVar("sluice_lambda_env", default=None)
_INSTALL_LOCK = threading.Lock()


class FunctionEnvironment:
    """One function's variables layered over the process environment (values and deletions)."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)
        self._deleted: set[str] = set()
        self._lock = threading.Lock()

    def lookup(self, key: str, base: Mapping[str, str]) -> str:
        """Return the value of `key` in this layer, else in `base`; KeyError when neither."""
        if key in self._deleted:
            raise KeyError(key)
        if key in self._values:
            return self._values[key]
        return base[key]

    def assign(self, key: str, value: str) -> None:
        """Set `key` in this layer."""
        with self._lock:
            self._deleted.discard(key)
            self._values[key] = value

    def remove(self, key: str, base: Mapping[str, str]) -> None:
        """Delete `key` from this layer's view; KeyError when it is not visible."""
        with self._lock:
            if key in self._deleted or (key not in self._values and key not in base):
                raise KeyError(key)
            self._values.pop(key, None)
            self._deleted.add(key)

    def keys_over(self, base: Mapping[str, str]) -> list[str]:
        """The visible names: the process's (minus deletions) and this layer's."""
        with self._lock:
            names = [key for key in base if key not in self._deleted and key not in self._values]
            return names + list(self._values)


class ContextualEnviron(MutableMapping[str, str]):
    """`os.environ` replacement: the running function's layer first, then the process's."""

    def __init__(self, base: MutableMapping[str, str]) -> None:
        self.base = base

    def __getitem__(self, key: str) -> str:
        layer = _ACTIVE.get()
        if layer is None:
            return self.base[key]
        return layer.lookup(key, self.base)

    def __setitem__(self, key: str, value: str) -> None:
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"str expected, not {type(key).__name__}/{type(value).__name__}")
        layer = _ACTIVE.get()
        if layer is None:
            self.base[key] = value
        else:
            layer.assign(key, value)

    def __delitem__(self, key: str) -> None:
        layer = _ACTIVE.get()
        if layer is None:
            del self.base[key]
        else:
            layer.remove(key, self.base)

    def __iter__(self) -> Iterator[str]:
        layer = _ACTIVE.get()
        if layer is None:
            return iter(list(self.base))
        return iter(layer.keys_over(self.base))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def copy(self) -> dict[str, str]:
        """A plain dict of the visible variables (as `os.environ.copy()` returns)."""
        return dict(self)

    def __repr__(self) -> str:
        return f"ContextualEnviron({self.copy()!r})"


def install() -> ContextualEnviron:
    """Replace `os.environ` with a `ContextualEnviron` (idempotent) and return it."""
    with _INSTALL_LOCK:
        current = os.environ
        if isinstance(current, ContextualEnviron):
            return current
        contextual = ContextualEnviron(current)
        os.environ = contextual  # type: ignore[assignment]  # noqa: B003 (replacing, not clearing)
        _forget_default_boto3_session()
        return contextual


def uninstall() -> None:
    """Put the original `os.environ` back (for tests; running invocations lose their layer)."""
    with _INSTALL_LOCK:
        current = os.environ
        if isinstance(current, ContextualEnviron):
            os.environ = current.base  # type: ignore[assignment]  # noqa: B003
            _forget_default_boto3_session()


def _forget_default_boto3_session() -> None:
    """Drop boto3's default session: botocore keeps the `os.environ` mapping a session was made
    with, so one made before the switch would never see a function's variables."""
    boto3 = sys.modules.get("boto3")
    if boto3 is not None:
        boto3.DEFAULT_SESSION = None


@contextmanager
def active(layer: FunctionEnvironment) -> Iterator[None]:
    """Make `layer` the environment of the current context for the duration of the block."""
    token = _ACTIVE.set(layer)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
