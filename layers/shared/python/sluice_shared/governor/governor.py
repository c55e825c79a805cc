"""The governor: a gate in front of every provider request, per provider account.

Around each request it (1) refuses with `ProviderBackoff` while the account backs off after
consecutive errors (a backoff about to end is slept through, if configured; when it ends, one
caller probes the account and the others wait for the outcome), (2) for sync
callers, holds one of the account's sync-budget lease slots, and (3) reports the outcome:
a transient error lengthens the backoff (capped; a Retry-After counts), the first success
restores full speed and feeds the dead man's switch.

Sync callers pass `slots` = the provider's sync budget. The dispatcher passes no slots: its
B x R connections are bounded by SQS and Lambda (BatchSize x MaximumConcurrency), so it only
shares the backoff state, which keeps both kinds of caller off a failing account.
"""

import contextlib
import logging
import random
from collections.abc import Iterator
from contextlib import AbstractContextManager

from botocore.exceptions import BotoCoreError, ClientError

from sluice_shared import clock as shared_clock
from sluice_shared.governor.backoff import backoff_seconds, whole_seconds
from sluice_shared.governor.config import (
    DEFAULT_ACCOUNT,
    Clock,
    GovernorConfig,
    Sleep,
    integration_key,
)
from sluice_shared.governor.errors import ProviderBackoff
from sluice_shared.governor.leases import LeasePool
from sluice_shared.governor.state_cache import StateCache
from sluice_shared.governor.store import AccountState, GovernorTable, Lease
from sluice_shared.providers.client import ProviderRequest, RequestGuard
from sluice_shared.providers.errors import (
    ProviderThrottled,
    ProviderTimeout,
    ProviderUnavailable,
)

logger = logging.getLogger(__name__)

# Errors that say the provider is struggling. ProviderRejected is the provider answering
# clearly about our data: it neither lengthens nor resets the backoff.
TRANSIENT_ERRORS = (ProviderThrottled, ProviderUnavailable, ProviderTimeout)


class Governor:
    """Backoff, concurrency leases and success tracking for provider accounts."""

    def __init__(
        self,
        table: GovernorTable,
        config: GovernorConfig | None = None,
        *,
        clock: Clock = shared_clock.time,
        sleep: Sleep = shared_clock.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.table = table
        self.config = config or GovernorConfig()
        self._clock = clock
        self._sleep = sleep
        self._leases = LeasePool(
            table,
            self.config,
            clock=clock,
            sleep=sleep,
            rng=rng or random.Random(),
        )
        self._states = StateCache(self.config.state_cache_seconds)

    @contextlib.contextmanager
    def call(self, provider: str, account: str, *, slots: int | None = None) -> Iterator[None]:
        """Guard one provider call: backoff gate, optional lease of `slots`, outcome recorded."""
        integration = integration_key(provider, account)
        patience_ends = self._clock() + self.config.max_backoff_wait_seconds

        probe_hold: float | None = None

        def gate(state: AccountState) -> None:
            nonlocal probe_hold
            if probe_hold is None:  # else this call is the probe already (a later slot poll)
                probe_hold = self._wait_out_backoff(
                    provider, account, integration, state, patience_ends
                )

        if slots is None:
            state = self._read_state(integration)
            gate(state)
            lease = None
        else:
            lease, state = self._leases.acquire(provider, account, integration, slots, gate)
        try:
            yield
        except TRANSIENT_ERRORS as error:
            self._states.forget(integration)
            with _bookkeeping(integration, "record the failure"):
                self._record_failure(integration, error, probe_hold)
            raise
        else:
            with _bookkeeping(integration, "record the success"):
                self._record_success(integration, self._state_after(integration, state))
        finally:
            if lease is not None:
                with _bookkeeping(integration, "release the lease"):
                    self._release(integration, lease)

    def request_guard(
        self, account: str = DEFAULT_ACCOUNT, slots: int | None = None
    ) -> RequestGuard:
        """A `ProviderClient` guard that puts every request of `account` through `call`."""

        def guard(request: ProviderRequest) -> AbstractContextManager[object]:
            return self.call(request.provider, account, slots=slots)

        return guard

    def _read_state(self, integration: str) -> AccountState:
        """The account's state: a copy read within `state_cache_seconds`, else the table's."""
        now = self._clock()
        state = self._states.get(integration, now)
        if state is None:
            state = self.table.read_state(integration)
            self._states.put(integration, state, now)
        return state

    def _state_after(self, integration: str, state: AccountState) -> AccountState:
        """The account's state when a call ends: re-read (through the cache) by a caller that
        caches states, since many calls overlap and errors counted while one ran are not in
        the state it started with; a success must see them to reset the count, or scattered
        errors among overlapping calls would add up to a backoff. Callers without a cache
        (sync steps) keep the state they started with, saving a read per call."""
        if self.config.state_cache_seconds <= 0:
            return state
        return self._read_state(integration)

    def _release(self, integration: str, lease: Lease) -> None:
        """Give the lease back; warn when it had expired (the call outlived `lease_seconds`)."""
        if not self._leases.release(lease):
            logger.warning(
                "lease expired before release; the call outlived lease_seconds",
                extra={"integration": integration, "slot": lease.slot},
            )

    def _wait_out_backoff(
        self,
        provider: str,
        account: str,
        integration: str,
        state: AccountState,
        patience_ends: float,
    ) -> float | None:
        """Sleep through a backoff ending before `patience_ends`; else raise `ProviderBackoff`.
        The hold this call claimed as the account's probe, if it is one.

        When a backoff ends (slept through or not), the call goes ahead only as the account's
        probe, claimed by one caller (`claim_probe`): its outcome resets or lengthens the
        backoff for everyone, and the others get `ProviderBackoff` until then, so a recovering
        account sees one request, not every caller's at once.
        """
        if state.next_attempt_at is None:
            return None
        now = self._clock()
        remaining = state.next_attempt_at - now
        if remaining > 0:
            if state.next_attempt_at > patience_ends:
                raise ProviderBackoff(
                    provider, account, state.consecutive_errors, whole_seconds(remaining)
                )
            self._sleep(remaining)
        if state.consecutive_errors <= self.config.tolerated_errors:
            return None
        now = self._clock()
        hold = now + self.config.probe_seconds
        self._states.forget(integration)
        if not self.table.claim_probe(integration, now, hold):
            raise ProviderBackoff(
                provider,
                account,
                state.consecutive_errors,
                whole_seconds(self.config.probe_seconds),
            )
        return hold

    def _record_failure(self, integration: str, error: Exception, probe_hold: float | None) -> None:
        """Count the error and hold the account for the backoff (or the Retry-After if longer);
        a failed probe's backoff replaces the hold it claimed."""
        now = self._clock()
        errors = self.table.count_error(integration, type(error).__name__, now)
        wait = backoff_seconds(
            errors - self.config.tolerated_errors,
            self.config.backoff_base_seconds,
            self.config.backoff_cap_seconds,
        )
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            wait = max(wait, min(float(retry_after), self.config.max_retry_after_seconds))
        self.table.extend_backoff(integration, now + wait, probe_hold)

    def _record_success(self, integration: str, state: AccountState) -> None:
        """Reset a backing-off account; refresh `lastSuccessAt` when it is getting old."""
        now = self._clock()
        recovering = state.consecutive_errors > 0 or state.next_attempt_at is not None
        stale = (
            state.last_success_at is None
            or now - state.last_success_at >= self.config.success_record_seconds
        )
        if recovering or stale:
            self._states.forget(integration)
            self.table.record_success(integration, now)


@contextlib.contextmanager
def _bookkeeping(integration: str, action: str) -> Iterator[None]:
    """Log a DynamoDB failure after the call instead of raising it.

    The call's own outcome (its result, or the provider error the state machine matches)
    matters more than the bookkeeping; a lost record costs one backoff step or one
    `lastSuccessAt`, and a lease not given back frees itself when it expires.
    """
    try:
        yield
    except (BotoCoreError, ClientError):
        logger.exception("governor could not %s", action, extra={"integration": integration})
