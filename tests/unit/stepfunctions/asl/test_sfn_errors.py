"""Tests of the engine's error classes: runtime States errors and API error codes."""

import pytest

from sluice.stepfunctions import errors
from sluice.stepfunctions.errors import ServiceError, StatesError

API_ERROR_CODES = [
    "InvalidDefinition",
    "InvalidName",
    "InvalidArn",
    "InvalidExecutionInput",
    "InvalidOutput",
    "InvalidToken",
    "TaskDoesNotExist",
    "TaskTimedOut",
    "ExecutionAlreadyExists",
    "ExecutionDoesNotExist",
    "ExecutionNotRedrivable",
    "StateMachineDoesNotExist",
    "StateMachineAlreadyExists",
    "ExecutionLimitExceeded",
    "ValidationException",
    "ResourceNotFound",
]


def test_states_error_keeps_error_name_and_cause():
    """GIVEN an error name and cause WHEN raised THEN both are attributes and in the text."""
    error = StatesError("States.Runtime", "boom")
    assert (error.error, error.cause) == ("States.Runtime", "boom")
    assert "States.Runtime" in str(error) and "boom" in str(error)


@pytest.mark.parametrize("code", API_ERROR_CODES)
def test_each_api_error_is_a_service_error_named_by_its_aws_code(code):
    """GIVEN an AWS error code WHEN its class is looked up THEN it carries that code and 400."""
    error_class = getattr(errors, code)
    error = error_class("details")
    assert isinstance(error, ServiceError)
    assert error_class.code == code
    assert error.status == 400
    assert error.message == "details"
