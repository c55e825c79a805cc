"""Task tokens of `.waitForTaskToken` tasks and the outcomes SendTask* calls deliver."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from sluice.clock import Clock
from sluice.stepfunctions.errors import InvalidToken, TaskDoesNotExist, TaskTimedOut
from sluice.stepfunctions.records import TaskTokenRecord
from sluice.stepfunctions.store import Store

WAITING = "WAITING"
TIMED_OUT = "TIMED_OUT"


@dataclass
class TokenOutcome:
    """What a worker reported for a token: output JSON on success, else error and cause."""

    succeeded: bool
    output: str | None = None
    error: str | None = None
    cause: str | None = None


class TaskTokenWaiter:
    """A state waiting on its token: the event set on an outcome, and the last heartbeat time."""

    def __init__(self, token: str, execution_arn: str, state_name: str, now: float) -> None:
        self.token = token
        self.execution_arn = execution_arn
        self.state_name = state_name
        self.event = threading.Event()
        self.outcome: TokenOutcome | None = None
        self.last_heartbeat = now
        self.released = False


class TaskTokens:
    """The tokens states are waiting on, kept in the store so their fate stays answerable."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._lock = threading.Lock()
        self._waiting: dict[str, TaskTokenWaiter] = {}

    def issue(self, execution_arn: str, state_name: str) -> TaskTokenWaiter:
        """Create a token for a state and start waiting for its outcome."""
        token = secrets.token_urlsafe(96)
        waiter = TaskTokenWaiter(token, execution_arn, state_name, self._clock.monotonic())
        self._store.put_task_token(
            TaskTokenRecord(token, execution_arn, state_name, WAITING, self._clock.now())
        )
        with self._lock:
            self._waiting[token] = waiter
        return waiter

    def release(self, waiter: TaskTokenWaiter, status: str) -> None:
        """Stop waiting on a token, recording what became of it."""
        with self._lock:
            self._waiting.pop(waiter.token, None)
            waiter.released = True
        self._store.set_task_token_status(waiter.token, status)

    def complete(self, token: str, outcome: TokenOutcome) -> None:
        """Deliver SendTaskSuccess/SendTaskFailure to the waiting state."""
        with self._lock:
            waiter = self._waiting.get(token)
            if waiter is not None and waiter.outcome is None:
                waiter.outcome = outcome
                waiter.event.set()
                return
        self._raise_for_unknown(token)

    def heartbeat(self, token: str) -> None:
        """Deliver SendTaskHeartbeat: the state's heartbeat timer starts again."""
        with self._lock:
            waiter = self._waiting.get(token)
            if waiter is not None and waiter.outcome is None:
                waiter.last_heartbeat = self._clock.monotonic()
                return
        self._raise_for_unknown(token)

    def _raise_for_unknown(self, token: str) -> None:
        record = self._store.get_task_token(token)
        if record is None:
            raise InvalidToken("Invalid token")
        if record.status == TIMED_OUT:
            raise TaskTimedOut("Task Timed Out")
        raise TaskDoesNotExist("Task does not exist anymore")
