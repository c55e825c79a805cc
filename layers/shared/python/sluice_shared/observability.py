"""Powertools Logger, Metrics and Tracer set-up shared by every function.

Everything is built on the first invocation, not at import, so importing a handler reads no
environment and creates no client.
"""

import functools
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared import invocation, settings

Handler = Callable[[Any, LambdaContext], Any]


@functools.cache
def get_logger() -> Logger:
    """The structured JSON logger (service and level from the Powertools variables)."""
    return Logger()


@functools.cache
def get_metrics() -> Metrics:
    """The EMF metrics recorder, with the deployment environment as a dimension."""
    metrics = Metrics()
    metrics.set_default_dimensions(environment=settings.environment())
    return metrics


@functools.cache
def get_tracer() -> Tracer:
    """The X-Ray tracer (disabled outside Lambda or by POWERTOOLS_TRACE_DISABLED)."""
    return Tracer()


def count(metric_name: str) -> None:
    """Add 1 to a count metric, published when the invocation ends."""
    get_metrics().add_metric(name=metric_name, unit=MetricUnit.Count, value=1)


def append_correlation_ids(business_key: str, execution_arn: str | None = None) -> None:
    """Tag every later log line (and the trace) of this invocation with its workflow ids."""
    keys = {"businessKey": business_key}
    if execution_arn:
        keys["executionArn"] = execution_arn
    get_logger().append_keys(**keys)
    get_tracer().put_annotation(key="businessKey", value=business_key)


def _log_failure(handler: Handler) -> Handler:
    """Run `handler` under its invocation's deadline; log and count an escaping exception."""

    @functools.wraps(handler)
    def logged(event: Any, context: LambdaContext) -> Any:
        try:
            with invocation.running(context):
                return handler(event, context)
        except Exception as error:
            error_name = type(error).__name__
            get_logger().exception("invocation failed", extra={"errorType": error_name})
            count(error_name)
            raise

    return logged


@functools.cache
def _observed(handler: Handler, correlation_id_path: str | None) -> Handler:
    """`handler` wrapped in the tracer (when enabled), metrics and logger decorators."""
    logger, metrics, tracer = get_logger(), get_metrics(), get_tracer()
    wrapped = _log_failure(handler)
    if not tracer.disabled:
        wrapped = tracer.capture_lambda_handler(wrapped)
    wrapped = metrics.log_metrics(wrapped, capture_cold_start_metric=True)
    return logger.inject_lambda_context(
        wrapped, correlation_id_path=correlation_id_path, clear_state=True
    )


def instrument(correlation_id_path: str | None = None) -> Callable[[Handler], Handler]:
    """Decorate a Lambda handler with logging context, metrics and tracing, set up lazily."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def observed(event: Any, context: LambdaContext) -> Any:
            return _observed(handler, correlation_id_path)(event, context)

        return observed

    return decorate


def reset() -> None:
    """Forget the logger, metrics (unpublished ones too), tracer and wrapped handlers."""
    if get_metrics.cache_info().currsize:
        get_metrics().clear_default_dimensions()
        get_metrics().clear_metrics()
    for cached in (get_logger, get_metrics, get_tracer, _observed):
        cached.cache_clear()
