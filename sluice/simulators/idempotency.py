"""Idempotency-Key handling as payment APIs do it: replay the first answer, refuse a changed body.

Only answers below 500 are kept (a 5xx means nothing was done, so the retry may do the work).
A request arriving while another with the same key is still being worked on waits for it and
then gets its answer (Stripe answers 409 there instead; waiting lets an eager retry after a
client timeout see the original result). Keys live until the simulator is reset.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sluice.simulators.messages import Response

REPLAYED_HEADER = "Idempotent-Replayed"


class ClaimKind(StrEnum):
    """What a request holding an Idempotency-Key may do."""

    NEW = "new"
    REPLAY = "replay"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class Claim:
    """The verdict for one key: do the work, replay `response`, or refuse."""

    kind: ClaimKind
    response: Response | None = None


@dataclass
class _Entry:
    """One key: the fingerprint of its first request and, once done, that request's answer."""

    fingerprint: str
    done: threading.Event = field(default_factory=threading.Event)
    response: Response | None = None


def fingerprint(method: str, path: str, body: Any) -> str:
    """A digest of what makes two requests "the same": method, path and the JSON body."""
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class IdempotencyStore:
    """Keys seen by one simulator, with the answers to replay."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def claim(self, key: str, request_fingerprint: str) -> Claim:
        """Decide what a request with `key` does; wait while another holds the same key."""
        while True:
            with self._lock:
                entry = self._entries.get(key)
                if entry is None:
                    self._entries[key] = _Entry(request_fingerprint)
                    return Claim(ClaimKind.NEW)
                if entry.fingerprint != request_fingerprint:
                    return Claim(ClaimKind.CONFLICT)
                if entry.response is not None:
                    return Claim(ClaimKind.REPLAY, entry.response)
                pending = entry.done
            pending.wait()

    def complete(self, key: str, response: Response) -> None:
        """Keep `response` for replay if it is below 500; otherwise free the key."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return
            if response.status < 500:
                entry.response = response
            else:
                del self._entries[key]
        entry.done.set()

    def abandon(self, key: str) -> None:
        """Free a key whose work failed, so a retry does the work."""
        with self._lock:
            entry = self._entries.pop(key, None)
        if entry is not None:
            entry.done.set()

    def clear(self) -> None:
        """Forget every key, releasing any request waiting on one."""
        with self._lock:
            entries = list(self._entries.values())
            self._entries.clear()
        for entry in entries:
            entry.done.set()
