"""Raise an exception in another thread only where stopping it leaves shared state intact.

`PyThreadState_SetAsyncExc` raises at whatever bytecode the thread runs next, in its innermost
frame. In code that takes a lock and only then enters the `try` that releases it
(`logging.Handler.handle`: `acquire()`, then `try: emit() finally: release()`), an exception
between the two leaves the lock taken for good. The local cloud runs every function in one
process, so one such lock stops all logging. The frames below the innermost one only see the
exception come out of a call, which their `try` and `with` blocks are written for (any callee
may raise). So a thread is interrupted only when its innermost frame is not in the standard
library's locking machinery (logging, threading, queue, concurrent.futures) or in Python's
import system, except where such code is blocked waiting inside a `try` or `with` that cleans
up (`Condition.wait` at its acquire, `Event.wait`, `Future.result`, `Thread.join`): there an
exception is as safe as a KeyboardInterrupt. A thread waiting for a socket or the clock, or
running handler code (a module's top level during its import included), is fair game.
Code that must run to its end once entered is `seal`ed: no thread with one of its frames on
the stack is interrupted (the local cloud seals its in-process calls into moto, whose models
an exception half-way could leave inconsistent).

The stack is read and the exception set while the interpreter is kept from switching threads
(`sys.setswitchinterval`), so the thread cannot move into such code in between; a switch
already requested by a waiting thread can still happen, which makes that a rare race, not
none.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import importlib
import inspect
import logging
import queue
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import CodeType, FrameType

_NO_SWITCH_SECONDS = 1.0
# One caller at a time: two interleaved callers could restore each other's raised interval
# and leave the whole process switching threads once a second.
_switching = threading.Lock()

_UNSAFE_PREFIXES = tuple(
    str(Path(path).resolve())
    for path in (
        Path(logging.__file__).parent,
        threading.__file__,
        queue.__file__,
        Path(concurrent.futures.__file__).parent,
        Path(importlib.__file__).parent,
    )
)
_UNSAFE_FROZEN = ("<frozen importlib._bootstrap", "<frozen importlib._bootstrap_external")
_sealed: set[CodeType] = set()


def _lines_calling(function: Callable[..., object], call: str) -> tuple[CodeType, frozenset[int]]:
    """`function`'s code and the lines of it that contain `call`."""
    lines, first = inspect.getsourcelines(function)
    return function.__code__, frozenset(
        first + offset for offset, line in enumerate(lines) if call in line
    )


_BLOCKING_WAITS = dict(
    (
        _lines_calling(threading.Condition.wait, "waiter.acquire("),
        _lines_calling(threading.Event.wait, "self._cond.wait("),
        _lines_calling(threading.Thread._wait_for_tstate_lock, "lock.acquire("),  # type: ignore[attr-defined]
        _lines_calling(threading.Thread.join, "self._wait_for_tstate_lock("),
        _lines_calling(concurrent.futures.Future.result, "self._condition.wait("),
    )
)


def _unsafe(frame: FrameType) -> bool:
    """Whether `frame` runs locking or import machinery, other than blocked in a clean wait."""
    code = frame.f_code
    if frame.f_lineno in _BLOCKING_WAITS.get(code, ()):
        return False
    filename = code.co_filename
    return filename.startswith(_UNSAFE_FROZEN) or filename.startswith(_UNSAFE_PREFIXES)


def seal(code: CodeType) -> None:
    """Never interrupt a thread while a call of `code` is on its stack."""
    _sealed.add(code)


def at_safepoint(frame: FrameType | None, base: CodeType) -> bool:
    """Whether innermost `frame` is safe to raise in and runs within a call of `base` (and
    no sealed call)."""
    if frame is None or _unsafe(frame):
        return False
    while frame is not None and frame.f_code is not base:
        if frame.f_code in _sealed:
            return False
        frame = frame.f_back
    return frame is not None


def interrupt_at_safepoint(thread_id: int, base: CodeType, exception: type[BaseException]) -> bool:
    """Raise `exception` in thread `thread_id` if it runs `base` and, above it, is at a safe
    point; whether it was sent."""
    with _switching:
        interval = sys.getswitchinterval()
        sys.setswitchinterval(_NO_SWITCH_SECONDS)
        try:
            if not at_safepoint(sys._current_frames().get(thread_id), base):
                return False
            return (
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(thread_id), ctypes.py_object(exception)
                )
                == 1
            )
        finally:
            sys.setswitchinterval(interval)
