"""Which integration runs a Task resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.integrations import aws_lambda, executions, sdk
from sluice.stepfunctions.integrations.call import TaskCall

_BY_SERVICE_ACTION: dict[tuple[str, str], Callable[[TaskCall], Any]] = {
    ("lambda", "invoke"): aws_lambda.invoke,
    ("states", "startExecution"): executions.start_execution,
}
_BY_SERVICE: dict[str, Callable[[TaskCall], Any]] = {
    "sqs": sdk.sqs,
    "dynamodb": sdk.dynamodb,
    "sns": sdk.sns,
    "events": sdk.eventbridge,
}


def call_integration(call: TaskCall) -> Any:
    """Run one Task attempt against its integration and return the raw result."""
    resource = call.resource
    if resource.is_lambda_function:
        return aws_lambda.invoke_function(call)
    handler = _BY_SERVICE_ACTION.get((resource.service, resource.action))
    if handler is None:
        handler = _BY_SERVICE.get(resource.service)
    if handler is None and resource.service.startswith("aws-sdk:"):
        handler = sdk.aws_sdk
    if handler is None:
        raise StatesError("States.Runtime", f"Unsupported Task resource: '{resource.arn}'")
    return handler(call)
