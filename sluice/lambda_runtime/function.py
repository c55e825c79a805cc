"""A deployed function: its handler, its environment and what running its handler produces."""

from __future__ import annotations

import json
import math
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sluice.lambda_runtime import environment
from sluice.lambda_runtime.config import LATEST, FunctionConfig
from sluice.lambda_runtime.context import LambdaContext
from sluice.lambda_runtime.errors import (
    MARSHAL_ERROR,
    FaultError,
    error_payload,
    fault_payload,
    unhandled_payload,
)
from sluice.lambda_runtime.execution import HandlerTimedOut, Outcome
from sluice.lambda_runtime.loader import HandlerLoader
from sluice.lambda_runtime.records import InvocationLog

UNHANDLED = "Unhandled"
EXIT_ERROR = "Runtime.ExitError"


class DeployedFunction:
    """One function in the runtime: loaded on first use, run with its own environment."""

    def __init__(self, config: FunctionConfig, created: datetime, kept_records: int) -> None:
        self.config = config
        self.loader = HandlerLoader(config)
        # One log stream per function here; Lambda makes one per execution environment.
        self.log_stream_name = f"{created:%Y/%m/%d}/[{LATEST}]{uuid.uuid4().hex}"
        self.environment = environment.FunctionEnvironment(self._variables())
        self.log = InvocationLog(kept_records)

    def initialize(self) -> Outcome | None:
        """Lambda's init phase: import the handler's module with the function's environment.

        Returns the error to answer with when the import failed (nothing is remembered: the
        next invocation tries again), None when the handler is ready.
        """
        with environment.active(self.environment):
            try:
                self.loader.load()
            except FaultError as fault:
                return Outcome(fault_payload(fault, ""), UNHANDLED, fault.error_type)
        return None

    def run(self, event: Any, context: LambdaContext) -> Outcome:
        """Lambda's invoke phase: call the loaded handler and marshal its result."""
        with environment.active(self.environment):
            handler = self.loader.load()
            try:
                result = handler(event, context)
            except HandlerTimedOut:
                raise
            except SystemExit as exit_:
                message = (
                    f"RequestId: {context.aws_request_id} Error: Runtime exited with error: "
                    f"exit status {exit_.code or 0}"
                )
                return Outcome(
                    {"errorType": EXIT_ERROR, "errorMessage": message}, UNHANDLED, EXIT_ERROR
                )
            except Exception as error:
                payload = unhandled_payload(error, context.aws_request_id)
                return Outcome(payload, UNHANDLED, payload["errorType"])
            try:
                return Outcome(marshal(result))
            except (TypeError, ValueError) as error:
                message = f"Unable to marshal response: {error}"
                payload = error_payload(MARSHAL_ERROR, message, [], context.aws_request_id)
                return Outcome(payload, UNHANDLED, MARSHAL_ERROR)

    def _variables(self) -> dict[str, str]:
        """The template's variables, then the ones Lambda reserves (which always win)."""
        config = self.config
        reserved = {
            "AWS_REGION": config.region,
            "AWS_DEFAULT_REGION": config.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{config.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": config.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": LATEST,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": config.log_group_name,
            "AWS_LAMBDA_LOG_STREAM_NAME": self.log_stream_name,
            "LAMBDA_TASK_ROOT": str(config.code_dir),
            "_HANDLER": config.handler,
        }
        template = {name: _as_variable(value) for name, value in config.environment.items()}
        return {**template, **reserved}


def _as_variable(value: object) -> str:
    """A template value as Lambda stores it: a string (YAML booleans as `true`/`false`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def marshal(result: Any) -> Any:
    """The result as the caller receives it: through JSON (Decimal as a number), bytes as-is.

    https://github.com/aws/aws-lambda-python-runtime-interface-client (lambda_runtime_marshaller)
    """
    if isinstance(result, bytes):
        return result
    return json.loads(json.dumps(result, default=_decimal))


def _decimal(value: Any) -> Any:
    if isinstance(value, Decimal):
        if value.is_nan():
            return math.nan
        if value.is_infinite():
            return float(value)
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
