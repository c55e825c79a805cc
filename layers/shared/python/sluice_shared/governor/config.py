"""The governor's tunables, the integration key, and the clock it is driven by."""

from collections.abc import Callable
from dataclasses import dataclass

from sluice_shared.providers.config import DEFAULT_ACCOUNT

Clock = Callable[[], float]
"""Seconds since the epoch (`sluice_shared.clock.time`); tests pass a fake one."""

Sleep = Callable[[float], None]
"""Waits that many seconds (`sluice_shared.clock.sleep`); tests pass one advancing a fake clock."""


def integration_key(provider: str, account: str = DEFAULT_ACCOUNT) -> str:
    """The governor's partition key of one provider account: `<provider>#<account>`."""
    return f"{provider}#{account}"


@dataclass(frozen=True)
class GovernorConfig:
    """How long to back off, lease, wait for a slot, and how often to record a success."""

    # Adaptive backoff: after more than `tolerated_errors` consecutive errors, base x
    # 2^(errors - tolerated - 1), at most cap; a Retry-After (capped) wins if longer. A few
    # scattered errors are noise (each caller's state Retry handles them); a run of them is an
    # outage that every caller of the account must stop hammering.
    tolerated_errors: int = 2
    backoff_base_seconds: float = 1.0
    backoff_cap_seconds: float = 300.0
    max_retry_after_seconds: float = 3600.0
    # A backoff ending within this many seconds is slept through instead of refused. 0 for
    # sync steps (their state's Retry waits, with jitter); the dispatcher waits a few seconds
    # rather than defer a message and spend one of its receives.
    max_backoff_wait_seconds: float = 0.0
    # When a backoff ends, one caller probes the account and the others stay held this long
    # (or until the probe's outcome): more than a call lasts, so a slow failing probe does
    # not let the whole fleet through behind it.
    probe_seconds: float = 30.0
    # A lease must outlive the longest holder: sync steps time out after 45 s (template.yaml).
    # A crashed holder's slot comes back when its lease expires, not before.
    lease_seconds: int = 120
    # A lease ends at most this long after its holder's invocation times out (see leases.py).
    lease_grace_seconds: float = 2.0
    # Bounded wait for a free slot, polled with jitter, then GovernorSaturated. 0 by default:
    # take a free slot or refuse at once, and let the state's Retry (backoff, full jitter)
    # wait without a Lambda running, polling DynamoDB and being billed. Under a burst, waiters
    # polling every half second cost more reads than the calls they wait for.
    max_wait_seconds: float = 0.0
    poll_seconds: float = 0.5
    # Conditional writes a caller spends on the slots a read found free, per poll.
    take_attempts: int = 2
    saturated_retry_after_seconds: int = 5
    # A healthy account's lastSuccessAt is rewritten at most this often (one write, not one
    # per request); the dead man's switch threshold must be much longer.
    success_record_seconds: float = 60.0
    # Callers without slots (the dispatcher) reuse a state read this recently in this process
    # instead of reading it for every request; 0 reads every time.
    state_cache_seconds: float = 0.0
