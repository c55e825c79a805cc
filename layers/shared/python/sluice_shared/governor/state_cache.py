"""A short-lived, per-process copy of account states, so a busy caller reads DynamoDB less.

The dispatcher checks the account's backoff before every request; within one warm Lambda,
a state read a moment ago is as good as a new read (a backoff seen up to `max_age` late costs
at most the requests of one batch, and those are deferred if the provider throttles them).
The caller forgets an entry whenever it writes the state itself.
"""

import threading

from sluice_shared.governor.store import AccountState


class StateCache:
    """Account states by integration key, each kept for `max_age_seconds` of the clock."""

    def __init__(self, max_age_seconds: float) -> None:
        self._max_age = max_age_seconds
        self._states: dict[str, tuple[float, AccountState]] = {}
        self._lock = threading.Lock()

    def get(self, integration: str, now: float) -> AccountState | None:
        """The state read at most `max_age_seconds` ago, if any."""
        with self._lock:
            entry = self._states.get(integration)
        if entry is None or now - entry[0] >= self._max_age:
            return None
        return entry[1]

    def put(self, integration: str, state: AccountState, now: float) -> None:
        """Keep a state just read."""
        if self._max_age <= 0:
            return
        with self._lock:
            self._states[integration] = (now, state)

    def forget(self, integration: str) -> None:
        """Drop the copy (the state was just written)."""
        with self._lock:
            self._states.pop(integration, None)
