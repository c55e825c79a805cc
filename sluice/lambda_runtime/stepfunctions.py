"""The Step Functions engine's Lambda invoker, backed by this runtime.

It returns the payload, raises LambdaFunctionError for a function error (the engine uses
`errorType` as the error name) and StatesError `Lambda.<ErrorCode>` for an API error such as a
throttle, as Step Functions reports them.
https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sluice.lambda_runtime.errors import LambdaServiceError
from sluice.lambda_runtime.runtime import LambdaRuntime
from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.integrations.errors import LambdaFunctionError


def step_functions_invoker(runtime: LambdaRuntime) -> Callable[[str, Any], Any]:
    """A `LambdaInvoker` for `sluice.stepfunctions.integrations.Integrations`."""

    def invoke(function_name: str, payload: Any) -> Any:
        try:
            result = runtime.invoke(function_name, payload)
        except LambdaServiceError as error:
            cause = (
                f"{error.message} (Service: AWSLambda; Status Code: {error.status_code}; "
                f"Error Code: {error.code}; Request ID: {uuid.uuid4()}; Proxy: null)"
            )
            raise StatesError(f"Lambda.{error.code}", cause) from error
        if result.function_error is None:
            return result.payload
        details = result.payload if isinstance(result.payload, dict) else {}
        raise LambdaFunctionError(
            str(details.get("errorType", "Lambda.Unknown")),
            str(details.get("errorMessage", "")),
            details.get("stackTrace"),
        )

    return invoke
