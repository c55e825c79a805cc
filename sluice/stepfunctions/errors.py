"""Errors of the local Step Functions engine: runtime `States.*` errors and API error codes."""

from __future__ import annotations


class StatesError(Exception):
    """A named runtime error as Step Functions reports it (an `error` name and a `cause`)."""

    def __init__(self, error: str, cause: str) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


class ServiceError(Exception):
    """An API error: `code` is the AWS `__type`, `status` the HTTP status, `message` the text."""

    code: str = "ServiceError"
    status: int = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class InvalidDefinition(ServiceError):
    """The state machine definition is not valid Amazon States Language."""

    code = "InvalidDefinition"


class InvalidName(ServiceError):
    """A state machine or execution name breaks the naming rules."""

    code = "InvalidName"


class InvalidArn(ServiceError):
    """An ARN in the request is malformed."""

    code = "InvalidArn"


class InvalidExecutionInput(ServiceError):
    """The execution input is not valid JSON or is too large."""

    code = "InvalidExecutionInput"


class InvalidOutput(ServiceError):
    """The output given to SendTaskSuccess is not valid JSON."""

    code = "InvalidOutput"


class InvalidToken(ServiceError):
    """The task token is malformed."""

    code = "InvalidToken"


class TaskDoesNotExist(ServiceError):
    """No waiting task has this token."""

    code = "TaskDoesNotExist"


class TaskTimedOut(ServiceError):
    """The task of this token has already timed out."""

    code = "TaskTimedOut"


class ExecutionAlreadyExists(ServiceError):
    """An execution with this name exists with another input, or has closed."""

    code = "ExecutionAlreadyExists"


class ExecutionDoesNotExist(ServiceError):
    """No execution has this ARN."""

    code = "ExecutionDoesNotExist"


class ExecutionNotRedrivable(ServiceError):
    """The execution cannot be redriven (status, age or history size)."""

    code = "ExecutionNotRedrivable"


class StateMachineDoesNotExist(ServiceError):
    """No state machine has this ARN."""

    code = "StateMachineDoesNotExist"


class StateMachineAlreadyExists(ServiceError):
    """A state machine with this name exists with another definition."""

    code = "StateMachineAlreadyExists"


class ExecutionLimitExceeded(ServiceError):
    """Too many executions are running."""

    code = "ExecutionLimitExceeded"


class ValidationException(ServiceError):
    """A request member breaks its constraints."""

    code = "ValidationException"


class ResourceNotFound(ServiceError):
    """The resource named in the request does not exist."""

    code = "ResourceNotFound"
