"""In-process Lambda functions for conformance cases, and the registry both engines invoke.

A case names its functions and gives a factory for each; every run builds a fresh
`FunctionRegistry`, so counters (a function failing its first N calls) start again on each
engine. Both engines reach the very same Python callables: moto through a patched Lambda
backend (`moto_runner`), sluice through its `lambda_invoker`.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

Handler = Callable[[Any], Any]
HandlerFactory = Callable[["FunctionRegistry"], Handler]

_BLOCK_LIMIT_SECONDS = 10.0
_TICK_SECONDS = 0.5
_TICK_WALL_SECONDS = 0.002


class LambdaError(Exception):
    """A function's unhandled error, reported by Lambda as `errorType` and `errorMessage`."""

    def __init__(self, error_type: str, error_message: str) -> None:
        super().__init__(f"{error_type}: {error_message}")
        self.error_type = error_type
        self.error_message = error_message

    def payload(self) -> dict[str, Any]:
        """Return the error document Lambda returns for an unhandled error."""
        return {"errorType": self.error_type, "errorMessage": self.error_message}


def function_name(name_or_arn: str) -> str:
    """Return the function name of a name, a function ARN, or a qualified function ARN."""
    if name_or_arn.startswith("arn:"):
        return name_or_arn.split(":")[6]
    return name_or_arn.split(":")[0]


class FunctionRegistry:
    """The functions of one run: invokes them by name or ARN and counts the calls."""

    def __init__(
        self,
        factories: Mapping[str, HandlerFactory],
        pass_time: Callable[[float], None],
    ) -> None:
        self.calls: Counter[str] = Counter()
        self.fixed = False
        self.released = threading.Event()
        self.pass_time = pass_time
        self._lock = threading.Lock()
        self._handlers = {name: factory(self) for name, factory in factories.items()}

    def invoke(self, name_or_arn: str, payload: Any) -> Any:
        """Run the named function on `payload`; raise `LambdaError` for its unhandled errors."""
        name = function_name(name_or_arn)
        handler = self._handlers.get(name)
        if handler is None:
            raise LookupError(f"no conformance function named {name!r}")
        with self._lock:
            self.calls[name] += 1
        return handler(payload)

    def release(self) -> None:
        """Let every blocked function return (called when a run ends)."""
        self.released.set()


def let_time_pass(
    pass_time: Callable[[float], None], seconds: float, stopped: Callable[[], bool]
) -> None:
    """Let `seconds` pass in small ticks, a couple of wall milliseconds apart.

    An engine on a virtual clock starts its timeout when it begins waiting, which may be just
    after a function or worker started; moving the time on gradually means the timeout still
    expires wherever it started, as it would in real time.
    """
    ticks = max(1, round(seconds / _TICK_SECONDS))
    for _ in range(ticks):
        if stopped():
            return
        time.sleep(_TICK_WALL_SECONDS)
        pass_time(seconds / ticks)


def echo() -> HandlerFactory:
    """A function returning its event unchanged."""
    return lambda registry: lambda event: event


def returns(value: Any) -> HandlerFactory:
    """A function returning `value` whatever its event."""
    return lambda registry: lambda event: value


def computes(fn: Callable[[Any], Any]) -> HandlerFactory:
    """A stateless function computing its result from its event."""
    return lambda registry: fn


def raises(error_type: str, error_message: str) -> HandlerFactory:
    """A function that always fails with the named error."""

    def build(registry: FunctionRegistry) -> Handler:
        def handler(event: Any) -> Any:
            raise LambdaError(error_type, error_message)

        return handler

    return build


def fails_first(
    times: int, error_type: str, error_message: str, then: HandlerFactory
) -> HandlerFactory:
    """A function failing its first `times` calls with the named error, then behaving as `then`."""

    def build(registry: FunctionRegistry) -> Handler:
        succeed = then(registry)
        failures = {"left": times}
        lock = threading.Lock()

        def handler(event: Any) -> Any:
            with lock:
                fail = failures["left"] > 0
                failures["left"] -= 1
            if fail:
                raise LambdaError(error_type, error_message)
            return succeed(event)

        return handler

    return build


def fails_until_fixed(
    error_type: str,
    error_message: str,
    then: HandlerFactory,
    when: Callable[[Any], bool] = lambda event: True,
) -> HandlerFactory:
    """A function failing (for the events `when` picks) until the run fixes the fault."""

    def build(registry: FunctionRegistry) -> Handler:
        succeed = then(registry)

        def handler(event: Any) -> Any:
            if not registry.fixed and when(event):
                raise LambdaError(error_type, error_message)
            return succeed(event)

        return handler

    return build


def fails_when(
    predicate: Callable[[Any], bool], error_type: str, then: HandlerFactory
) -> HandlerFactory:
    """A function failing with `error_type` for the events `predicate` picks, else as `then`."""

    def build(registry: FunctionRegistry) -> Handler:
        succeed = then(registry)

        def handler(event: Any) -> Any:
            if predicate(event):
                raise LambdaError(error_type, f"rejected {event!r}")
            return succeed(event)

        return handler

    return build


def hangs(seconds: float) -> HandlerFactory:
    """A function that takes `seconds` (in the run's time) and never answers in time.

    It lets the run's clock move on by `seconds` (virtual time on sluice; on moto wall time
    passes while it blocks), then blocks until the run ends.
    """

    def build(registry: FunctionRegistry) -> Handler:
        def handler(event: Any) -> Any:
            let_time_pass(registry.pass_time, seconds, registry.released.is_set)
            registry.released.wait(_BLOCK_LIMIT_SECONDS)
            return event

        return handler

    return build
