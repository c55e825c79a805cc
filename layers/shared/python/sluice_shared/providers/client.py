"""The HTTP client every provider integration uses: bounded pool, timeouts, errors by name.

It never retries by itself (urllib3 retries are off): a failed call raises a named error and
the state's Retry backs off. Mutating calls carry an `Idempotency-Key`, so a retry after a
timeout cannot create a second record.

A call never outlives its Lambda invocation: its read timeout is the settings' one, cut short
when the invocation (`sluice_shared.invocation.deadline()`) ends sooner, keeping a margin to
report the outcome. Lambda runs no more of a timed-out invocation's code, so a call that ran
into the function's timeout would end with nothing reported (no `SendTaskSuccess`, no
idempotency record) and its message would wait out the queue's visibility timeout.
"""

import contextlib
import json
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from sluice_shared import __version__, invocation
from sluice_shared import clock as shared_clock
from sluice_shared.providers.config import ProviderSettings
from sluice_shared.providers.errors import (
    ProviderRejected,
    ProviderThrottled,
    ProviderTimeout,
    ProviderUnavailable,
)
from sluice_shared.providers.retry_after import parse_retry_after

USER_AGENT = f"sluice/{__version__} (+https://github.com/sluice)"
MAX_ERROR_MESSAGE_LENGTH = 500
# No retries of any kind; `read=False` re-raises a read timeout as itself, so it maps to
# ProviderTimeout rather than to a generic connection error.
NO_RETRIES = Retry(total=0, connect=0, read=False, redirect=0, status=0, other=0)
# Time kept between a call's read timeout and the end of its invocation, for the caller to
# report the outcome (the dispatcher: SendTaskSuccess, its idempotency record, the batch
# response; a sync step: its return value) and the governor to record it.
REPORT_MARGIN_SECONDS = 5.0
# With less than this left for the answer (and a longer read timeout configured), the request
# is not sent: it would almost surely be given up on while the provider still works on it,
# holding one of the provider's connections.
MIN_READ_TIMEOUT_SECONDS = 1.0


@dataclass(frozen=True)
class ProviderRequest:
    """What a request guard is told about the request it wraps."""

    provider: str
    method: str
    path: str
    idempotency_key: str | None


RequestGuard = Callable[[ProviderRequest], AbstractContextManager[object]]
"""Makes a context manager entered around each request, e.g. a concurrency lease.

The guard sees the named provider error (if any) leaving the block, so it can also count
failures for adaptive backoff.
"""


def _no_guard(request: ProviderRequest) -> AbstractContextManager[object]:
    """The default guard: nothing around the request."""
    return contextlib.nullcontext()


def _utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def build_session(settings: ProviderSettings, api_key: str) -> requests.Session:
    """A session whose pool holds at most the provider's connection cap, with auth headers."""
    session = requests.Session()
    adapter = HTTPAdapter(
        pool_connections=1,
        pool_maxsize=settings.connection_cap,
        pool_block=True,
        max_retries=NO_RETRIES,
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers.update(
        {
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
    )
    return session


class ProviderClient:
    """JSON requests to one provider account, failures raised as `ProviderError` subclasses."""

    def __init__(
        self,
        provider: str,
        settings: ProviderSettings,
        api_key: str,
        *,
        guard: RequestGuard = _no_guard,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.provider = provider
        self.settings = settings
        self._session = build_session(settings, api_key)
        self._guard = guard
        self._clock = clock

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Send one request and return its JSON object body, or raise a named provider error."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        described = ProviderRequest(self.provider, method, path, idempotency_key)
        with self._guard(described):
            response = self._send(method, path, params=params, body=body, headers=headers)
            self._raise_for_status(response)
            return self._json_object(response)

    def timeouts(self) -> tuple[float, float]:
        """The (connect, read) timeouts of a request sent now.

        The read timeout is the settings' `timeoutSeconds` (the dispatcher's clients carry
        `asyncTimeoutSeconds` there), at most what the running invocation has left once the
        connect timeout and `REPORT_MARGIN_SECONDS` are kept back: connecting, waiting for the
        answer and reporting it all fit in the invocation. Outside an invocation (no deadline)
        it is the settings' alone. `requests` applies it to each wait for data, which for a
        provider that answers at the end of its work is the whole call.
        """
        connect = self.settings.connect_timeout_seconds
        read = self.settings.timeout_seconds
        ends = invocation.deadline()
        if ends is not None:
            read = min(read, ends - shared_clock.time() - connect - REPORT_MARGIN_SECONDS)
        return connect, read

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None,
        body: Mapping[str, Any] | None,
        headers: Mapping[str, str],
    ) -> requests.Response:
        """Make the HTTP call, mapping transport failures to named errors.

        With too little of the invocation left to wait for an answer, nothing is sent: the
        request fails as a `ProviderTimeout` (retried like one) without reaching the provider.
        """
        timeout = self.timeouts()
        if timeout[1] < min(MIN_READ_TIMEOUT_SECONDS, self.settings.timeout_seconds):
            raise ProviderTimeout(
                self.provider,
                f"not sent: {method} {path} would have {timeout[1]:.1f} s for its answer "
                "before the invocation ends",
            )
        try:
            return self._session.request(
                method,
                self.settings.base_url + path,
                params=params,
                json=body,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
            )
        except requests.exceptions.ConnectTimeout as error:
            raise ProviderTimeout(self.provider, f"connect timeout on {method} {path}") from error
        except requests.exceptions.ReadTimeout as error:
            raise ProviderTimeout(self.provider, f"read timeout on {method} {path}") from error
        except requests.exceptions.RequestException as error:
            raise ProviderUnavailable(
                self.provider, f"{type(error).__name__} on {method} {path}: {error}"
            ) from error

    def _raise_for_status(self, response: requests.Response) -> None:
        """Raise the named error an unsuccessful status stands for."""
        status = response.status_code
        if 200 <= status < 300:
            return
        message = _error_message(response)
        retry_after = parse_retry_after(response.headers.get("Retry-After"), self._clock())
        if status == 429 or (status == 503 and retry_after is not None):
            raise ProviderThrottled(self.provider, message, status, retry_after)
        if status == 408:
            raise ProviderTimeout(self.provider, message, status)
        if status >= 500:
            raise ProviderUnavailable(self.provider, message, status)
        raise ProviderRejected(self.provider, message, status)

    def _json_object(self, response: requests.Response) -> dict[str, Any]:
        """The JSON object of a successful response (`{}` for an empty body)."""
        if not response.content:
            return {}
        try:
            payload = response.json()
        except requests.exceptions.JSONDecodeError as error:
            raise ProviderUnavailable(
                self.provider, "successful response is not JSON", response.status_code
            ) from error
        if not isinstance(payload, dict):
            raise ProviderUnavailable(
                self.provider, "successful response is not a JSON object", response.status_code
            )
        return payload


def _error_message(response: requests.Response) -> str:
    """The provider's own explanation of an error, else the HTTP reason phrase."""
    try:
        payload = response.json()
    except (requests.exceptions.JSONDecodeError, ValueError):
        payload = None
    message = _message_from_json(payload) if payload is not None else response.text.strip()
    return (message or response.reason or f"HTTP {response.status_code}")[:MAX_ERROR_MESSAGE_LENGTH]


def _message_from_json(payload: object) -> str:
    """Find the message in the usual error shapes: `message`, `error`, `detail`, `errors`."""
    if isinstance(payload, str):
        return payload
    if isinstance(payload, list):
        return "; ".join(filter(None, (_message_from_json(item) for item in payload)))
    if isinstance(payload, dict):
        for key in ("message", "error", "detail", "errors"):
            if key in payload:
                return _message_from_json(payload[key])
        return json.dumps(payload, sort_keys=True)
    return ""
