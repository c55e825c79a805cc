"""Provider errors; each class name is an error name the state machine retries or catches."""


class ProviderError(Exception):
    """A provider call failed: which provider, the HTTP status (when there was one), why."""

    def __init__(self, provider: str, message: str, status: int | None = None) -> None:
        self.provider = provider
        self.status = status
        self.message = message
        super().__init__(self._describe())

    def _describe(self) -> str:
        """The text Lambda reports as errorMessage (Step Functions shows it as the cause)."""
        status = f" (HTTP {self.status})" if self.status is not None else ""
        return f"{self.provider}: {self.message}{status}"


class ProviderThrottled(ProviderError):
    """The provider asked us to slow down (429, or 503 with Retry-After)."""

    def __init__(
        self, provider: str, message: str, status: int | None = None, retry_after: int | None = None
    ) -> None:
        self.retry_after = retry_after
        super().__init__(provider, message, status)

    def _describe(self) -> str:
        """The base description plus the wait the provider asked for."""
        wait = f"; retry after {self.retry_after} s" if self.retry_after is not None else ""
        return super()._describe() + wait


class ProviderUnavailable(ProviderError):
    """The provider failed (5xx) or could not be reached (connection refused or reset)."""


class ProviderTimeout(ProviderError):
    """The provider did not answer within the client's timeout (or answered 408)."""


class ProviderRejected(ProviderError):
    """The provider refused the request (4xx other than 408/429): fix the data and re-run."""
