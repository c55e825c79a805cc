"""A lease-based counting semaphore per provider account: at most N sync calls at once.

A caller takes one of N slot items with a conditional write; a slot whose lease has expired
counts as free, so a Lambda that crashed while holding one cannot leak it for longer than
the lease, and a lease lasts no longer than the invocation holding it (plus a grace).
Waiting for a slot is bounded; then the caller gets `GovernorSaturated` and the state's Retry
tries again later.
"""

import math
import random
import uuid
from collections.abc import Callable

from sluice_shared import invocation
from sluice_shared.governor.config import Clock, GovernorConfig, Sleep
from sluice_shared.governor.errors import GovernorSaturated
from sluice_shared.governor.store import AccountState, GovernorTable, Lease

# Each poll waits between half and all of `poll_seconds`, so waiters do not poll in step.
_MIN_JITTER = 0.5


def _new_lease_id() -> str:
    """A unique lease id."""
    return uuid.uuid4().hex


class LeasePool:
    """Takes and gives back lease slots, waiting (bounded, with jitter) when all are busy."""

    def __init__(
        self,
        table: GovernorTable,
        config: GovernorConfig,
        *,
        clock: Clock,
        sleep: Sleep,
        rng: random.Random,
        new_lease_id: Callable[[], str] = _new_lease_id,
        deadline: Callable[[], float | None] = invocation.deadline,
    ) -> None:
        self._table = table
        self._config = config
        self._clock = clock
        self._sleep = sleep
        self._rng = rng
        self._new_lease_id = new_lease_id
        self._deadline = deadline

    def acquire(
        self,
        provider: str,
        account: str,
        integration: str,
        slots: int,
        check_state: Callable[[AccountState], None],
    ) -> tuple[Lease, AccountState]:
        """Take a free slot of `slots` (and the account's state), or raise `GovernorSaturated`.

        `check_state` sees the account's state read with every poll and may raise, so a caller
        stops waiting as soon as the account starts backing off.
        """
        started = self._clock()
        deadline = started + self._config.max_wait_seconds
        while True:
            now = self._clock()
            state, busy = self._table.read_state_and_busy_slots(integration, now)
            check_state(state)
            lease = self._take_any(integration, [s for s in range(slots) if s not in busy], now)
            if lease is not None:
                return lease, state
            if now >= deadline:
                raise GovernorSaturated(
                    provider,
                    account,
                    slots,
                    now - started,
                    self._config.saturated_retry_after_seconds,
                )
            pause = self._config.poll_seconds * self._rng.uniform(_MIN_JITTER, 1.0)
            self._sleep(min(pause, deadline - now))

    def _take_any(self, integration: str, free: list[int], now: float) -> Lease | None:
        """Try up to `take_attempts` of the free slots, in random order: when callers collide
        on the last free slots, more conditional writes would mostly fail too, so the caller
        waits (or leaves saturated) rather than spend a write on each."""
        self._rng.shuffle(free)
        expires_at = self._expiry(now)
        for slot in free[: self._config.take_attempts]:
            lease = Lease(integration, slot, self._new_lease_id(), expires_at)
            if self._table.take_slot(lease, now):
                return lease
        return None

    def _expiry(self, now: float) -> int:
        """`lease_seconds` from now, but no later than the invocation's end plus a grace.

        A holder that times out never releases its slot (Lambda runs no more of its code), so
        the slot must come back when the invocation ends, not a whole lease time later.
        """
        expires_at = now + self._config.lease_seconds
        ends = self._deadline()
        if ends is not None:
            expires_at = min(expires_at, max(ends, now) + self._config.lease_grace_seconds)
        return math.ceil(expires_at)

    def release(self, lease: Lease) -> bool:
        """Give the slot back; False when the lease had expired and another caller took it."""
        return self._table.free_slot(lease)
