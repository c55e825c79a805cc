"""Messages an action leaves for the page it redirects to (POST, then redirect, then GET).

The redirect carries only a random token, never the message, so nobody can make the console
show text of their choosing with a crafted link. A message stays readable while the page
reloads itself (a running execution's page does), and the oldest are dropped past a bound.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

from sluice.console.layout import Flash

MAX_FLASHES = 256


class Flashes:
    """A bounded, thread-safe store of flash messages by token."""

    def __init__(self, capacity: int = MAX_FLASHES) -> None:
        self._capacity = capacity
        self._messages: OrderedDict[str, Flash] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, kind: str, message: str) -> str:
        """Keep a message; return the token that shows it."""
        token = secrets.token_urlsafe(12)
        with self._lock:
            self._messages[token] = Flash(kind, message)
            while len(self._messages) > self._capacity:
                self._messages.popitem(last=False)
        return token

    def get(self, token: str | None) -> Flash | None:
        """The message of `token`, if it is still kept."""
        if token is None:
            return None
        with self._lock:
            return self._messages.get(token)
