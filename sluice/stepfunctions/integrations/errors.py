"""Errors of task integrations, named as Step Functions names them."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from sluice.stepfunctions.errors import StatesError


class LambdaFunctionError(Exception):
    """A Lambda function's unhandled error: Step Functions uses `error_type` as the error name."""

    def __init__(
        self, error_type: str, error_message: str, stack_trace: list[str] | None = None
    ) -> None:
        super().__init__(f"{error_type}: {error_message}")
        self.error_type = error_type
        self.error_message = error_message
        self.stack_trace = stack_trace or []

    def to_states_error(self) -> StatesError:
        """The StatesError a Task reports: the error type, and Lambda's error payload as cause."""
        cause = json.dumps(
            {
                "errorMessage": self.error_message,
                "errorType": self.error_type,
                "stackTrace": self.stack_trace,
            },
            separators=(",", ":"),
        )
        return StatesError(self.error_type, cause)


def service_error(service: str, error: ClientError) -> StatesError:
    """Name a failed SDK call as Step Functions does: `<Service>.<ErrorCode>`.

    e.g. `DynamoDB.ConditionalCheckFailedException`, `SQS.QueueDoesNotExistException`.
    """
    details = error.response.get("Error", {})
    code = str(details.get("Code", "UnknownError")).rsplit(".", 1)[-1]
    if code == "NonExistentQueue":
        code = "QueueDoesNotExist"
    if not code.endswith("Exception"):
        code = f"{code}Exception"
    metadata = error.response.get("ResponseMetadata", {})
    cause = (
        f"{details.get('Message', '')} (Service: {service}, "
        f"Status Code: {metadata.get('HTTPStatusCode', 400)}, "
        f"Error Code: {code}, Request ID: {metadata.get('RequestId', '')})"
    )
    return StatesError(f"{service}.{code}", cause)
