"""The settings every simulator shares: auth, latency, faults, concurrency cap, rate limit, seed.

The ERP's own settings add its accounts' failures (`ErpSettings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sluice.simulators.faults import NO_FAULTS, Faults
from sluice.simulators.latency import NO_LATENCY, LatencyModel


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: `per_second` tokens refill continuously, at most `burst` are saved up."""

    per_second: float
    burst: int = 1

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.burst < 1:
            raise ValueError("a rate limit needs per_second > 0 and burst >= 1")


@dataclass(frozen=True)
class SimulatorSettings:
    """How one simulator behaves; swap them at run time with `Simulator.configure`.

    - `api_key`: the bearer token every request must carry (None: no auth, as Slack webhooks).
    - `concurrency_cap`: requests in flight at most; one more is answered 429 at once with
      `Retry-After: retry_after_seconds`.
    - `rate_limit`: requests per second; over it, 429 with the seconds until the next token.
    - `seed`: seeds the random source of latency and faults, for reproducible runs.
    """

    api_key: str | None = None
    latency: LatencyModel = NO_LATENCY
    faults: Faults = NO_FAULTS
    concurrency_cap: int | None = None
    retry_after_seconds: int = 1
    rate_limit: RateLimit | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.concurrency_cap is not None and self.concurrency_cap < 1:
            raise ValueError("concurrency_cap must be at least 1")
        if self.retry_after_seconds < 0:
            raise ValueError("retry_after_seconds cannot be negative")


@dataclass(frozen=True)
class AccountFailure:
    """One provider account's calls answered with `status` at `rate` (1: every call fails).

    A 5xx answer is not kept for Idempotency-Key replay, so a retry after the outage does the
    work; `retry_after_seconds` adds a `Retry-After` header (a throttling answer).
    """

    status: int = 503
    rate: float = 1.0
    retry_after_seconds: int | None = None

    def __post_init__(self) -> None:
        if not 400 <= self.status <= 599:
            raise ValueError("an account failure answers a 4xx or 5xx status")
        if not 0.0 < self.rate <= 1.0:
            raise ValueError("an account failure's rate must be in (0, 1]")
        if self.retry_after_seconds is not None and self.retry_after_seconds < 0:
            raise ValueError("retry_after_seconds cannot be negative")


@dataclass(frozen=True)
class ErpSettings(SimulatorSettings):
    """The ERP's settings: the shared ones, and failures of some of its customer accounts.

    - `account_failures`: by account name (`default` for requests without an `/accounts/{name}`
      prefix), how that account's calls fail, after the shared pipeline (auth, cap, latency,
      faults) admitted them; other accounts are served normally.
    """

    account_failures: Mapping[str, AccountFailure] = field(default_factory=dict)
