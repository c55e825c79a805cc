"""The in-process Lambda service: deploy functions, invoke them as Lambda would.

`invoke` runs a handler in its own thread with its own environment and context, enforces
reserved and account concurrency (throttles raise TooManyRequestsException) and the timeout
(on the injected clock), and shapes errors as the Python runtime does. `Event` invocations go
to an internal queue with Lambda's retries.
"""

from __future__ import annotations

import json
import logging
import math
import re
import uuid
from typing import Any

from sluice.clock import Clock, RealClock
from sluice.lambda_runtime import environment
from sluice.lambda_runtime.async_queue import DEFAULT_ASYNC_WORKERS, AsyncInvocationQueue
from sluice.lambda_runtime.concurrency import DEFAULT_ACCOUNT_CONCURRENCY, ConcurrencyLimiter
from sluice.lambda_runtime.config import LATEST, FunctionConfig
from sluice.lambda_runtime.context import LambdaContext
from sluice.lambda_runtime.errors import (
    TIMED_OUT,
    InvalidRequestContentException,
    ResourceNotFoundException,
    TooManyRequestsException,
    timeout_log_line,
    timeout_payload,
)
from sluice.lambda_runtime.execution import Execution, Outcome
from sluice.lambda_runtime.function import UNHANDLED, DeployedFunction
from sluice.lambda_runtime.records import (
    DEFAULT_KEPT_RECORDS,
    ERROR,
    SUCCESS,
    TIMEOUT,
    FunctionMetrics,
    InvocationRecord,
)
from sluice.lambda_runtime.result import InvocationResult

REQUEST_RESPONSE = "RequestResponse"
EVENT = "Event"
DRY_RUN = "DryRun"
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html (Init phase)
INIT_TIMEOUT_SECONDS = 10

# name | partial ARN (account:function:name) | full ARN, each with an optional qualifier.
_FUNCTION_REFERENCE = re.compile(
    r"^(?:arn:aws[a-z-]*:lambda:(?P<region>[a-z0-9-]+):)?(?:(?P<account>\d{12}):function:)?"
    r"(?P<name>[A-Za-z0-9_-]{1,140})(?::(?P<qualifier>[A-Za-z0-9$_-]+))?$"
)

logger = logging.getLogger(__name__)


class LambdaRuntime:
    """Deployed functions and the ways to invoke them."""

    def __init__(
        self,
        clock: Clock | None = None,
        account_concurrency: int = DEFAULT_ACCOUNT_CONCURRENCY,
        async_workers: int = DEFAULT_ASYNC_WORKERS,
        kept_records: int = DEFAULT_KEPT_RECORDS,
    ) -> None:
        environment.install()
        self.clock = clock or RealClock()
        self._limiter = ConcurrencyLimiter(account_concurrency)
        self._functions: dict[str, DeployedFunction] = {}
        self._kept_records = kept_records
        self._async = AsyncInvocationQueue(self.clock, self._attempt, async_workers)

    def deploy(self, config: FunctionConfig) -> None:
        """Add a function (or replace one of the same name; its module is loaded again)."""
        self._limiter.register(config.name, config.reserved_concurrency)
        self._functions[config.name] = DeployedFunction(
            config, self.clock.now(), self._kept_records
        )

    def function(self, reference: str) -> FunctionConfig:
        """The configuration of a function, by name or ARN."""
        return self._resolve(reference).config

    def invoke(
        self, reference: str, payload: Any = b"", invocation_type: str = REQUEST_RESPONSE
    ) -> InvocationResult:
        """Invoke a function by name or ARN, as the Invoke API does.

        `payload` is a JSON value, or JSON bytes (empty bytes, the default, is `{}`).
        RequestResponse waits and returns status 200 with the payload (`function_error` set when
        the function failed); Event queues the event and returns 202; DryRun returns 204.
        Raises TooManyRequestsException (throttled), ResourceNotFoundException,
        InvalidRequestContentException.
        """
        function = self._resolve(reference)
        event = _through_json(payload)
        request_id = str(uuid.uuid4())
        if invocation_type == EVENT:
            self._async.submit(function.config, event, request_id)
            return InvocationResult(status_code=202, request_id=request_id)
        if invocation_type == DRY_RUN:
            return InvocationResult(status_code=204, request_id=request_id)
        if invocation_type != REQUEST_RESPONSE:
            raise InvalidRequestContentException(f"Invalid InvocationType: {invocation_type}")
        return self._run(function, event, request_id, _invoked_arn(function.config, reference))

    def metrics(self, reference: str) -> FunctionMetrics:
        """Counters of a function: invocations, errors, timeouts, throttles, peak concurrency."""
        function = self._resolve(reference)
        return function.log.metrics(self._limiter.usage(function.config.name).peak)

    def records(self, reference: str) -> list[InvocationRecord]:
        """The function's recent invocation records, oldest first."""
        return self._resolve(reference).log.records()

    def running(self, reference: str) -> int:
        """How many instances of the function hold a concurrency slot now."""
        return self._limiter.usage(self._resolve(reference).config.name).running

    def wait_for_async(self, timeout: float) -> bool:
        """Wait up to `timeout` clock seconds until no async event is queued or running."""
        return self._async.wait_until_idle(timeout)

    def close(self) -> None:
        """Stop the async queue (queued events are dropped)."""
        self._async.close()

    def _attempt(self, config: FunctionConfig, event: Any, request_id: str) -> InvocationResult:
        function = self._resolve(config.name)
        return self._run(function, event, request_id, config.arn, invocation_type=EVENT)

    def _run(
        self,
        function: DeployedFunction,
        event: Any,
        request_id: str,
        invoked_arn: str,
        invocation_type: str = REQUEST_RESPONSE,
    ) -> InvocationResult:
        config = function.config
        try:
            self._limiter.acquire(config.name)
        except TooManyRequestsException:
            function.log.throttled()
            raise
        cold_start = not function.loader.loaded
        started_at = self.clock.now()
        started = self.clock.monotonic()
        logger.debug("START RequestId: %s Version: %s (%s)", request_id, LATEST, config.name)
        execution = Execution(
            f"lambda-{config.name}-{request_id[:8]}",
            function.initialize,
            lambda: function.run(event, self._context(function, request_id, invoked_arn)),
            lambda: self._limiter.release(config.name),
        )
        try:
            execution.start()
        except RuntimeError:
            self._limiter.release(config.name)
            raise
        init_timeout = max(INIT_TIMEOUT_SECONDS, config.timeout_seconds)
        outcome = execution.wait(self.clock, init_timeout, config.timeout_seconds)
        if outcome is None:
            logger.error(timeout_log_line(self.clock.now(), request_id, config.timeout_seconds))
            outcome = Outcome(
                timeout_payload(request_id, config.timeout_seconds), UNHANDLED, TIMED_OUT
            )
        duration_ms = (self.clock.monotonic() - started) * 1000
        logger.debug(
            "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB",
            request_id,
            duration_ms,
            math.ceil(duration_ms),
            config.memory_mb,
        )
        function.log.add(
            InvocationRecord(
                function_name=config.name,
                request_id=request_id,
                invocation_type=invocation_type,
                start=started_at,
                end=self.clock.now(),
                duration_ms=duration_ms,
                outcome=_outcome_name(outcome),
                error_type=outcome.error_type,
                cold_start=cold_start,
            )
        )
        return InvocationResult(
            status_code=200,
            request_id=request_id,
            payload=outcome.payload,
            function_error=outcome.function_error,
            executed_version=LATEST,
        )

    def _context(
        self, function: DeployedFunction, request_id: str, invoked_arn: str
    ) -> LambdaContext:
        """The context of an invocation whose handler starts now."""
        config = function.config
        return LambdaContext(
            aws_request_id=request_id,
            function_name=config.name,
            function_version=LATEST,
            invoked_function_arn=invoked_arn,
            memory_limit_in_mb=config.memory_mb,
            log_group_name=config.log_group_name,
            log_stream_name=function.log_stream_name,
            clock=self.clock,
            deadline=self.clock.monotonic() + config.timeout_seconds,
        )

    def _resolve(self, reference: str) -> DeployedFunction:
        match = _FUNCTION_REFERENCE.match(reference)
        function = self._functions.get(match.group("name")) if match else None
        if (
            match is None
            or function is None
            or match.group("qualifier") not in (None, LATEST)
            or match.group("region") not in (None, function.config.region)
            or match.group("account") not in (None, function.config.account_id)
        ):
            raise ResourceNotFoundException(f"Function not found: {reference}")
        return function


def _through_json(payload: Any) -> Any:
    """The event as the handler receives it: a fresh copy decoded from JSON."""
    if isinstance(payload, bytes | bytearray):
        text = bytes(payload).decode() or "{}"
    else:
        try:
            text = json.dumps(payload)
        except (TypeError, ValueError) as error:
            raise InvalidRequestContentException(
                f"Could not parse request body into json: {error}"
            ) from error
    try:
        return json.loads(text)
    except ValueError as error:
        raise InvalidRequestContentException(
            f"Could not parse request body into json: {error}"
        ) from error


def _invoked_arn(config: FunctionConfig, reference: str) -> str:
    """The ARN the caller used (`context.invoked_function_arn`): qualified if they qualified."""
    qualifier = reference.rpartition(":")[2] if reference.endswith(f":{LATEST}") else None
    return f"{config.arn}:{qualifier}" if qualifier else config.arn


def _outcome_name(outcome: Outcome) -> str:
    if outcome.function_error is None:
        return SUCCESS
    return TIMEOUT if outcome.error_type == TIMED_OUT else ERROR
