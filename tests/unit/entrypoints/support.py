"""Fakes for the entry point tests: a recording `invoke`, results and errors Lambda returns."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FakeResult:
    """An Invoke answer."""

    status_code: int = 200
    payload: Any = None
    function_error: str | None = None


class Throttled(Exception):
    """Lambda's TooManyRequestsException, as the runtime raises it."""

    code = "TooManyRequestsException"
    status_code = 429


class FunctionMissing(Exception):
    """Lambda's ResourceNotFoundException."""

    code = "ResourceNotFoundException"
    status_code = 404


@dataclass
class Call:
    """One recorded invocation."""

    function_name: str
    payload: Any
    invocation_type: str


@dataclass
class RecordingInvoke:
    """An `invoke` that records its calls and answers with `respond(call)` (raise to refuse)."""

    respond: Callable[[Call], FakeResult] = lambda call: FakeResult(payload={"ok": True})
    calls: list[Call] = field(default_factory=list)
    called: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, function_name: str, payload: Any, invocation_type: str) -> FakeResult:
        call = Call(function_name, payload, invocation_type)
        with self._lock:
            self.calls.append(call)
        self.called.set()
        return self.respond(call)

    def wait_for_calls(self, count: int, timeout: float = 5.0) -> list[Call]:
        """Wait (real time, bounded) until at least `count` calls were made."""
        deadline = threading.Event()
        for _ in range(int(timeout / 0.005)):
            with self._lock:
                if len(self.calls) >= count:
                    return list(self.calls)
            deadline.wait(0.005)
        with self._lock:
            return list(self.calls)


def eventually(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll `predicate` every few milliseconds of real time, up to `timeout` seconds."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.005)):
        if predicate():
            return True
        pause.wait(0.005)
    return predicate()
