"""Errors the governor raises instead of calling a provider; names the state machine retries.

Both are `ProviderThrottled` subclasses, so Python callers (the dispatcher) treat them as a
throttle with a `retry_after`; Step Functions matches the class name, so a state's Retry lists
them next to `ProviderThrottled`.
"""

from sluice_shared.providers.errors import ProviderThrottled


class GovernorSaturated(ProviderThrottled):
    """Every slot of the account's sync budget stayed taken for the whole bounded wait."""

    def __init__(
        self, provider: str, account: str, slots: int, waited_seconds: float, retry_after: int
    ) -> None:
        self.account = account
        self.slots = slots
        message = f"account {account}: all {slots} sync slots busy for {waited_seconds:.1f} s"
        super().__init__(provider, message, None, retry_after)


class ProviderBackoff(ProviderThrottled):
    """The account is backing off after consecutive errors; no request was sent."""

    def __init__(
        self, provider: str, account: str, consecutive_errors: int, retry_after: int
    ) -> None:
        self.account = account
        self.consecutive_errors = consecutive_errors
        message = f"account {account}: backing off after {consecutive_errors} consecutive errors"
        super().__init__(provider, message, None, retry_after)
