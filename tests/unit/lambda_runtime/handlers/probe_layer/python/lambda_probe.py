"""Test probe shared by handlers and tests: a layer module, so one copy per process."""

import threading
from collections import defaultdict

_lock = threading.Lock()
_running: dict[str, int] = defaultdict(int)
_peak: dict[str, int] = defaultdict(int)
_events: dict[str, threading.Event] = {}
_barriers: dict[str, threading.Barrier] = {}
_notes: dict[str, list[str]] = defaultdict(list)


def reset() -> None:
    """Forget everything (each test starts clean)."""
    with _lock:
        _running.clear()
        _peak.clear()
        _events.clear()
        _barriers.clear()
        _notes.clear()


def enter(name: str) -> None:
    """A handler instance of `name` started."""
    with _lock:
        _running[name] += 1
        _peak[name] = max(_peak[name], _running[name])


def leave(name: str) -> None:
    """A handler instance of `name` finished."""
    with _lock:
        _running[name] -= 1


def peak(name: str) -> int:
    """The most instances of `name` that ran at once."""
    with _lock:
        return _peak[name]


def event(key: str) -> threading.Event:
    """A named event (created on first use)."""
    with _lock:
        return _events.setdefault(key, threading.Event())


def barrier(key: str, parties: int) -> threading.Barrier:
    """A named barrier (created on first use)."""
    with _lock:
        return _barriers.setdefault(key, threading.Barrier(parties, timeout=5))


def note(key: str, text: str) -> None:
    """Append a note under `key`."""
    with _lock:
        _notes[key].append(text)


def notes(key: str) -> list[str]:
    """The notes under `key`."""
    with _lock:
        return list(_notes[key])
