"""How tasks reach AWS: a Lambda invoker and boto3 clients (moto in tests and the local cloud)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import boto3
from botocore.exceptions import ClientError

from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.integrations.errors import LambdaFunctionError, service_error

LambdaInvoker = Callable[[str, Any], Any]
"""Invoke a function (name or ARN) with a payload; return its result or raise
LambdaFunctionError (the function failed) or StatesError (e.g. Lambda.TooManyRequestsException)."""


class Integrations:
    """The task integrations' way out: a Lambda invoker and a boto3 session per region."""

    def __init__(
        self,
        lambda_invoker: LambdaInvoker | None = None,
        boto3_session_factory: Callable[[], boto3.session.Session] | None = None,
    ) -> None:
        self.lambda_invoker = lambda_invoker
        self._session_factory = boto3_session_factory or boto3.session.Session
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str) -> Any:
        """Return a cached boto3 client for `service` in `region`."""
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self._session_factory().client(service, region_name=region)
            return self._clients[key]

    def invoke_lambda(self, function_name: str, payload: Any, region: str) -> Any:
        """Invoke a Lambda function with `payload` and return its result."""
        if self.lambda_invoker is not None:
            return self.lambda_invoker(function_name, payload)
        try:
            response = self.client("lambda", region).invoke(
                FunctionName=function_name, Payload=json.dumps(payload).encode()
            )
        except ClientError as error:
            raise service_error("Lambda", error) from error
        body = response["Payload"].read()
        result = json.loads(body) if body else None
        if response.get("FunctionError"):
            details = result if isinstance(result, dict) else {}
            raise LambdaFunctionError(
                str(details.get("errorType", "Lambda.Unknown")),
                str(details.get("errorMessage", "")),
                details.get("stackTrace"),
            )
        return result


def json_safe(value: Any) -> Any:
    """Return `value` as JSON would carry it (what a task result looks like to the state)."""
    try:
        return json.loads(json.dumps(value, default=str))
    except (TypeError, ValueError) as error:
        raise StatesError("States.Runtime", f"The task result is not JSON: {error}") from error
