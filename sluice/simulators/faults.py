"""Injected provider failures: 500s, 503s, dropped connections and answers too slow to wait for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Fault(StrEnum):
    """A failure the simulator can inject into one request."""

    ERROR_500 = "error_500"
    ERROR_503 = "error_503"
    RESET = "reset"
    SLOW = "slow"


@dataclass(frozen=True)
class Faults:
    """Probability of each injected failure per request (each in [0, 1], summing to at most 1).

    - `error_500`, `error_503`: answered before any work is done, so nothing is created.
      A 503 carries `Retry-After: retry_after_503` when that is set (a throttling 503).
    - `reset`: the work is done, then the connection is dropped without an answer (RST):
      the case an Idempotency-Key exists for.
    - `slow`: the work is done, then the answer waits `slow_seconds` more (clock seconds),
      long enough to exceed a client's read timeout.
    """

    error_500: float = 0.0
    error_503: float = 0.0
    reset: float = 0.0
    slow: float = 0.0
    slow_seconds: float = 60.0
    retry_after_503: int | None = None

    def __post_init__(self) -> None:
        rates = (self.error_500, self.error_503, self.reset, self.slow)
        if any(not 0.0 <= rate <= 1.0 for rate in rates) or sum(rates) > 1.0 + 1e-9:
            raise ValueError("fault rates must be in [0, 1] and sum to at most 1")
        if self.slow_seconds < 0:
            raise ValueError("slow_seconds cannot be negative")

    def choose(self, draw: float) -> Fault | None:
        """The fault a uniform `draw` in [0, 1) selects, or None for a normal answer."""
        threshold = 0.0
        for fault, rate in (
            (Fault.ERROR_500, self.error_500),
            (Fault.ERROR_503, self.error_503),
            (Fault.RESET, self.reset),
            (Fault.SLOW, self.slow),
        ):
            threshold += rate
            if draw < threshold:
                return fault
        return None


NO_FAULTS = Faults()
