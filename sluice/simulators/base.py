"""The base of every provider simulator: the request pipeline, journal, counters and settings.

A request goes through, in order: the concurrency cap (429 at once), a pause (tests hold
requests in flight), bearer auth (401), the rate limit (429), the sampled latency, an injected
500/503, the Idempotency-Key check, the route handler, then an injected reset or slow answer.
All waiting goes through the injected clock, so a time scale compresses it.
"""

from __future__ import annotations

import copy
import dataclasses
import hmac
import itertools
import json
import logging
import math
import random
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sluice.clock import Clock, RealClock
from sluice.loopback import LoopbackService
from sluice.simulators.faults import Fault
from sluice.simulators.idempotency import (
    REPLAYED_HEADER,
    ClaimKind,
    IdempotencyStore,
    fingerprint,
)
from sluice.simulators.journal import Journal, Outcome, RecordedRequest
from sluice.simulators.messages import Request, Response, error, not_found
from sluice.simulators.ratelimit import TokenBucket
from sluice.simulators.routing import ResolvedRoute, Route, Router
from sluice.simulators.settings import SimulatorSettings
from sluice.simulators.transport import Incoming, SimulatorHTTPServer

logger = logging.getLogger(__name__)

MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_NO_BODY = object()


@dataclass(frozen=True)
class _Answer:
    """The response to write (None: reset), how it came about, and the latency applied."""

    response: Response | None
    outcome: Outcome
    latency_seconds: float = 0.0


class Simulator(LoopbackService, ABC):
    """A provider API served over HTTP on 127.0.0.1 (port 0 picks a free port).

    Subclasses give their `routes()`, their `default_settings()` and `_reset_state()`.
    Use it as a context manager, or `start()` and `stop()`.
    """

    name: ClassVar[str] = "simulator"

    def __init__(
        self,
        settings: SimulatorSettings | None = None,
        *,
        clock: Clock | None = None,
        port: int = 0,
    ) -> None:
        self.clock: Clock = clock or RealClock()
        self._initial_settings = settings or self.default_settings()
        self._settings = self._initial_settings
        self._settings_lock = threading.Lock()
        self._rng = random.Random(self._initial_settings.seed)
        self._rng_lock = threading.Lock()
        self._bucket = self._make_bucket(self._initial_settings)
        self._journal = Journal()
        self._idempotency = IdempotencyStore()
        self._counters = threading.Condition()
        self._in_flight = 0
        self._max_concurrent = 0
        self._throttled = 0
        self._sequence = itertools.count(1)
        self._stopping = threading.Event()
        self._resumed = threading.Event()
        self._resumed.set()
        self._state_lock = threading.RLock()
        self._reset_state()
        self._router = Router(self.routes())
        http = SimulatorHTTPServer(self._exchange, port=port)
        super().__init__(http, thread_name=f"sluice-{self.name}-simulator")

    @classmethod
    def default_settings(cls) -> SimulatorSettings:
        """The settings used when none are given."""
        return SimulatorSettings()

    @abstractmethod
    def routes(self) -> Sequence[Route]:
        """The operations this provider serves."""

    @abstractmethod
    def _reset_state(self) -> None:
        """Set the provider's records back to empty (called under the state lock)."""

    # Life cycle

    def stop(self) -> None:
        """Stop serving: end waits and sleeps, close connections, release the port."""
        self._stopping.set()
        self._resumed.set()
        self._idempotency.clear()
        super().stop()

    # Settings

    @property
    def settings(self) -> SimulatorSettings:
        """The settings in force now."""
        return self._settings

    def configure(self, **changes: Any) -> SimulatorSettings:
        """Change some settings at run time (e.g. faults for a phase); return the old ones."""
        with self._settings_lock:
            previous = self._settings
            self._apply(dataclasses.replace(previous, **changes))
        return previous

    @contextmanager
    def configured(self, **changes: Any) -> Iterator[SimulatorSettings]:
        """Apply `changes` inside the block and restore the previous settings after it."""
        previous = self.configure(**changes)
        try:
            yield self._settings
        finally:
            with self._settings_lock:
                self._apply(previous)

    def reset(self) -> None:
        """Back to the state at construction: settings, records, keys, journal and counters."""
        with self._settings_lock:
            self._apply(self._initial_settings)
            with self._rng_lock:
                self._rng.seed(self._initial_settings.seed)
        self._idempotency.clear()
        self._journal.clear()
        with self._counters:
            self._max_concurrent = self._in_flight
            self._throttled = 0
        with self._state_lock:
            self._reset_state()

    def _apply(self, settings: SimulatorSettings) -> None:
        """Put `settings` in force (caller holds the settings lock)."""
        if settings.seed != self._settings.seed:
            with self._rng_lock:
                self._rng.seed(settings.seed)
        if settings.rate_limit != self._settings.rate_limit:
            self._bucket = self._make_bucket(settings)
        self._settings = settings

    def _make_bucket(self, settings: SimulatorSettings) -> TokenBucket | None:
        """A fresh token bucket for the settings' rate limit, if they have one."""
        return None if settings.rate_limit is None else TokenBucket(settings.rate_limit, self.clock)

    # Observations

    def requests(
        self,
        method: str | None = None,
        path: str | None = None,
        *,
        status: int | None = None,
        outcome: Outcome | None = None,
        idempotency_key: str | None = None,
    ) -> list[RecordedRequest]:
        """Recorded requests matching the filters (`path` exact or a `{param}` template)."""
        return self._journal.select(
            method=method,
            path=path,
            status=status,
            outcome=outcome,
            idempotency_key=idempotency_key,
        )

    @property
    def in_flight(self) -> int:
        """Requests being worked on now."""
        with self._counters:
            return self._in_flight

    @property
    def max_concurrent(self) -> int:
        """The most requests ever in flight at once (since start or the last reset)."""
        with self._counters:
            return self._max_concurrent

    @property
    def throttled_count(self) -> int:
        """How many requests were answered 429 (concurrency cap or rate limit)."""
        with self._counters:
            return self._throttled

    def wait_for_in_flight(self, count: int, timeout: float = 5.0) -> bool:
        """Block until `count` requests are in flight (real seconds); a test synchronisation aid."""
        with self._counters:
            return self._counters.wait_for(lambda: self._in_flight >= count, timeout)

    def wait_until_idle(self, timeout: float = 5.0) -> bool:
        """Block until no request is in flight (real seconds); answers are written first."""
        with self._counters:
            return self._counters.wait_for(lambda: self._in_flight == 0, timeout)

    def pause(self) -> None:
        """Hold every admitted request (it stays in flight) until `resume()`."""
        self._resumed.clear()

    def resume(self) -> None:
        """Let held requests continue."""
        self._resumed.set()

    # Helpers for subclasses

    def random(self) -> float:
        """A draw from the simulator's seeded random source."""
        with self._rng_lock:
            return self._rng.random()

    def choice(self, options: Sequence[Any]) -> Any:
        """A seeded random pick among `options`."""
        with self._rng_lock:
            return self._rng.choice(options)

    @staticmethod
    def stored(records: Mapping[str, Any], kind: str, record_id: str) -> Response:
        """200 with a copy of `records[record_id]`, or the 404 saying no `kind` has that id."""
        record = records.get(record_id)
        if record is None:
            return not_found(kind, record_id)
        return Response(200, copy.deepcopy(record))

    # The pipeline

    @contextmanager
    def _exchange(self, incoming: Incoming) -> Iterator[Response | None]:
        """Answer one request and record it; it counts as in flight until written."""
        settings = self._settings
        sequence = next(self._sequence)
        arrived_at = self.clock.now()
        admitted, in_flight = self._arrive(settings)
        if not admitted:
            answer = _Answer(self._throttle(settings.retry_after_seconds), Outcome.CAPPED)
            self._record(incoming, sequence, arrived_at, in_flight, answer)
            yield answer.response
            return
        try:
            answer = self._process(incoming)
            self._record(incoming, sequence, arrived_at, in_flight, answer)
            yield answer.response
        finally:
            self._leave()

    def _arrive(self, settings: SimulatorSettings) -> tuple[bool, int]:
        """Admit the request unless the cap is reached; return (admitted, in flight before)."""
        with self._counters:
            before = self._in_flight
            if settings.concurrency_cap is not None and before >= settings.concurrency_cap:
                return False, before
            self._in_flight += 1
            self._max_concurrent = max(self._max_concurrent, self._in_flight)
            self._counters.notify_all()
            return True, before

    def _leave(self) -> None:
        """One request fewer in flight."""
        with self._counters:
            self._in_flight -= 1
            self._counters.notify_all()

    def _throttle(self, retry_after_seconds: float) -> Response:
        """A 429 with `Retry-After` in whole seconds, counted."""
        with self._counters:
            self._throttled += 1
        seconds = max(math.ceil(retry_after_seconds), 0)
        return Response(429, {"message": "too many requests"}, {"Retry-After": str(seconds)})

    def _process(self, incoming: Incoming) -> _Answer:
        """Everything after admission: auth, rate limit, latency, faults, the operation."""
        self.clock.wait(self._resumed, None)
        settings = self._settings
        if settings.api_key is not None and not _has_bearer(incoming, settings.api_key):
            return _Answer(error(401, "missing or invalid API key"), Outcome.UNAUTHORIZED)
        bucket = self._bucket
        wait = bucket.take() if bucket is not None else None
        if wait is not None:
            return _Answer(self._throttle(max(wait, 1.0)), Outcome.RATE_LIMITED)
        latency = self._latency(settings)
        self._sleep(latency)
        fault = settings.faults.choose(self.random())
        if fault is Fault.ERROR_500:
            return _Answer(error(500, "internal server error"), Outcome.ERROR_500, latency)
        if fault is Fault.ERROR_503:
            retry_after = settings.faults.retry_after_503
            headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
            response = Response(503, {"message": "service unavailable"}, headers)
            return _Answer(response, Outcome.ERROR_503, latency)
        response, outcome = self._operate(incoming)
        if fault is Fault.RESET:
            return _Answer(None, Outcome.RESET, latency)
        if fault is Fault.SLOW:
            self._sleep(settings.faults.slow_seconds)
            return _Answer(response, Outcome.SLOW, latency)
        return _Answer(response, outcome, latency)

    def _latency(self, settings: SimulatorSettings) -> float:
        """Draw this request's latency from the seeded source."""
        with self._rng_lock:
            return max(settings.latency.sample(self._rng), 0.0)

    def _sleep(self, seconds: float) -> None:
        """Let `seconds` of clock time pass, cut short when the simulator stops."""
        if seconds > 0:
            self.clock.sleep(seconds, self._stopping)

    def _operate(self, incoming: Incoming) -> tuple[Response, Outcome]:
        """Route the request and run its operation, honouring its Idempotency-Key."""
        resolved = self._router.resolve(incoming.method, incoming.path)
        if isinstance(resolved, Response):
            return resolved, Outcome.HANDLED
        body = _parse_body(incoming.raw_body)
        if body is _NO_BODY:
            return error(400, "request body is not valid JSON"), Outcome.BAD_REQUEST
        request = Request(
            method=incoming.method,
            path=incoming.path,
            query=incoming.query,
            headers=incoming.headers,
            body=body,
            path_params=resolved.path_params,
        )
        key = request.idempotency_key if request.method in MUTATING_METHODS else None
        if key is None:
            if resolved.route.requires_idempotency_key:
                message = "an Idempotency-Key header is required"
                return error(400, message), Outcome.BAD_REQUEST
            return self._call(resolved, request)
        claim = self._idempotency.claim(key, fingerprint(request.method, request.path, body))
        if claim.kind is ClaimKind.CONFLICT:
            message = (
                "Keys for idempotent requests can only be used with the same parameters "
                "they were first used with."
            )
            return error(422, message, code="idempotency_key_reused"), Outcome.IDEMPOTENCY_CONFLICT
        if claim.kind is ClaimKind.REPLAY and claim.response is not None:
            original = claim.response
            headers = {**original.headers, REPLAYED_HEADER: "true"}
            return Response(original.status, original.body, headers), Outcome.REPLAYED
        response, outcome = self._call(resolved, request)
        self._idempotency.complete(key, response)
        return response, outcome

    def _call(self, resolved: ResolvedRoute, request: Request) -> tuple[Response, Outcome]:
        """Run the route's handler under the state lock; a crash answers 500."""
        try:
            with self._state_lock:
                return resolved.route.handler(request), Outcome.HANDLED
        except Exception as crash:
            logger.exception(
                "%s simulator crashed on %s %s", self.name, request.method, request.path
            )
            return error(500, f"simulator error: {crash}"), Outcome.CRASHED

    def _record(
        self,
        incoming: Incoming,
        sequence: int,
        arrived_at: datetime,
        in_flight: int,
        answer: _Answer,
    ) -> None:
        """Add the request and its answer to the journal."""
        body = _parse_body(incoming.raw_body)
        response = answer.response
        self._journal.append(
            RecordedRequest(
                sequence=sequence,
                arrived_at=arrived_at,
                method=incoming.method,
                path=incoming.path,
                query=dict(incoming.query),
                headers=dict(incoming.headers),
                body=incoming.raw_body.decode("utf-8", "replace") if body is _NO_BODY else body,
                in_flight=in_flight,
                open_connections=incoming.open_connections,
                status=None if response is None else response.status,
                response_body=None if response is None else response.body,
                outcome=answer.outcome,
                latency_seconds=answer.latency_seconds,
            )
        )


def _has_bearer(incoming: Incoming, api_key: str) -> bool:
    """Whether the request carries `Authorization: Bearer <api_key>` (constant-time compare)."""
    scheme, _, token = incoming.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode("utf-8"), api_key.encode("utf-8")
    )


def _parse_body(raw: bytes) -> Any:
    """The JSON body (None when empty), or `_NO_BODY` when it is not JSON."""
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _NO_BODY
