"""The AWS JSON 1.0 dispatcher: requests to service calls, results and errors to responses."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

import pytest

from sluice.stepfunctions.errors import ServiceError
from sluice.stepfunctions.http import ApiResponse, StepFunctionsResponses
from tests.unit.stepfunctions.api.fake_service import (
    START_DATE,
    STATE_MACHINE_ARN,
)

START = "AWSStepFunctions.StartExecution"


def dispatch(service: object, target: str | None, members: Any) -> ApiResponse:
    """Send `members` as the JSON body of a request to `target`."""
    return StepFunctionsResponses(service).dispatch(target, json.dumps(members).encode())


def error_of(response: ApiResponse) -> tuple[int, str, str]:
    """Return the status, `__type` and message of an error response."""
    body = json.loads(response.body)
    return response.status, body["__type"], body["message"]


def test_request_members_reach_the_snake_case_method_as_one_dict(fake_service):
    """GIVEN a StartExecution request WHEN dispatched THEN start_execution gets its members."""
    members = {"stateMachineArn": STATE_MACHINE_ARN, "name": "order-1", "input": '{"a": 1}'}

    dispatch(fake_service, START, members)

    assert fake_service.requests == [("start_execution", members)]


def test_timestamps_in_the_result_are_sent_as_epoch_seconds(fake_service):
    """GIVEN a result holding a datetime WHEN dispatched THEN the JSON holds epoch seconds."""
    response = dispatch(fake_service, START, {"stateMachineArn": STATE_MACHINE_ARN})

    assert response.status == 200
    assert json.loads(response.body)["startDate"] == START_DATE.timestamp()


def test_timestamps_nested_in_lists_are_sent_as_epoch_seconds(fake_service):
    """GIVEN a list of state machines WHEN dispatched THEN each creationDate is epoch seconds."""
    response = dispatch(fake_service, "AWSStepFunctions.ListStateMachines", {})

    machines = json.loads(response.body)["stateMachines"]
    assert [machine["creationDate"] for machine in machines] == [START_DATE.timestamp()]


def test_null_members_of_the_result_are_left_out(fake_service):
    """GIVEN a running execution (stopDate None) WHEN described THEN stopDate is absent."""
    started = json.loads(dispatch(fake_service, START, {"stateMachineArn": STATE_MACHINE_ARN}).body)

    response = dispatch(
        fake_service,
        "AWSStepFunctions.DescribeExecution",
        {"executionArn": started["executionArn"]},
    )

    assert "stopDate" not in json.loads(response.body)


def test_a_successful_response_is_amz_json_with_a_request_id(fake_service):
    """GIVEN any successful call WHEN dispatched THEN headers carry the type and a request id."""
    response = dispatch(fake_service, START, {"stateMachineArn": STATE_MACHINE_ARN})

    assert response.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert response.headers["x-amzn-RequestId"]


def test_a_service_error_becomes_its_code_message_and_status(fake_service):
    """GIVEN a name already used WHEN started again THEN 400 ExecutionAlreadyExists."""
    members = {"stateMachineArn": STATE_MACHINE_ARN, "name": "order-1"}
    dispatch(fake_service, START, members)

    response = dispatch(fake_service, START, members)

    status, code, message = error_of(response)
    assert (status, code) == (400, "ExecutionAlreadyExists")
    assert message.startswith("Execution Already Exists: ")
    assert message.endswith(":execution:orders:order-1'")


def test_a_service_error_keeps_its_own_http_status():
    """GIVEN a service error class with status 409 WHEN raised THEN the response is a 409."""

    class Conflict(ServiceError):
        code = "ConflictException"
        status = 409

    class ConflictingService:
        def start_execution(self, request: dict[str, Any]) -> dict[str, Any]:
            raise Conflict("busy")

    response = dispatch(ConflictingService(), START, {"stateMachineArn": STATE_MACHINE_ARN})

    assert error_of(response) == (409, "ConflictException", "busy")


def test_an_unknown_operation_is_an_unknown_operation_exception(fake_service):
    """GIVEN a target naming no Step Functions operation WHEN dispatched THEN 400 Unknown..."""
    response = dispatch(fake_service, "AWSStepFunctions.StartTheMachine", {})

    status, code, _ = error_of(response)
    assert (status, code) == (400, "UnknownOperationException")
    assert fake_service.requests == []


@pytest.mark.parametrize("target", [None, "", "StartExecution", "AmazonSQS.StartExecution"])
def test_a_target_without_the_step_functions_prefix_is_unknown(fake_service, target):
    """GIVEN a missing target or one of another service WHEN dispatched THEN Unknown..."""
    response = dispatch(fake_service, target, {"stateMachineArn": STATE_MACHINE_ARN})

    assert error_of(response)[:2] == (400, "UnknownOperationException")


def test_an_operation_the_service_lacks_is_unknown_and_named(fake_service):
    """GIVEN a modelled operation the service does not implement WHEN called THEN it is named."""
    response = dispatch(fake_service, "AWSStepFunctions.ListActivities", {})

    status, code, message = error_of(response)
    assert (status, code) == (400, "UnknownOperationException")
    assert "ListActivities" in message


@pytest.mark.parametrize("body", [b"{not json", b'{"stateMachineArn": "a"', b"\xff\xfe"])
def test_a_malformed_body_is_a_serialization_exception(fake_service, body):
    """GIVEN a body that is not JSON WHEN dispatched THEN 400 SerializationException."""
    response = StepFunctionsResponses(fake_service).dispatch(START, body)

    assert error_of(response)[:2] == (400, "SerializationException")
    assert fake_service.requests == []


@pytest.mark.parametrize("members", [[], "text", 3])
def test_a_body_that_is_not_an_object_is_a_serialization_exception(fake_service, members):
    """GIVEN JSON that is not an object WHEN dispatched THEN 400 SerializationException."""
    response = dispatch(fake_service, START, members)

    assert error_of(response)[:2] == (400, "SerializationException")


def test_an_empty_body_is_a_request_without_members(fake_service):
    """GIVEN an empty body for an operation with no required member WHEN dispatched THEN {}."""
    response = StepFunctionsResponses(fake_service).dispatch(
        "AWSStepFunctions.ListStateMachines", b""
    )

    assert response.status == 200
    assert fake_service.requests == [("list_state_machines", {})]


def test_a_missing_required_member_is_a_validation_exception_naming_it(fake_service):
    """GIVEN StartExecution without stateMachineArn WHEN dispatched THEN AWS's message."""
    response = dispatch(fake_service, START, {"name": "order-1"})

    assert error_of(response) == (
        400,
        "ValidationException",
        "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy "
        "constraint: Member must not be null",
    )
    assert fake_service.requests == []


def test_a_null_required_member_counts_as_missing(fake_service):
    """GIVEN stateMachineArn sent as null WHEN dispatched THEN ValidationException."""
    response = dispatch(fake_service, START, {"stateMachineArn": None})

    assert error_of(response)[1] == "ValidationException"


def test_every_missing_required_member_is_counted_and_named(fake_service):
    """GIVEN CreateStateMachine with only a name WHEN dispatched THEN two members are named."""
    response = dispatch(fake_service, "AWSStepFunctions.CreateStateMachine", {"name": "orders"})

    _, code, message = error_of(response)
    assert code == "ValidationException"
    assert message.startswith("2 validation errors detected: ")
    assert "'definition'" in message
    assert "'roleArn'" in message


def test_a_missing_member_inside_a_list_item_is_named_by_its_position(fake_service):
    """GIVEN an alias routing item without weight WHEN dispatched THEN its path is named."""
    members = {
        "name": "live",
        "routingConfiguration": [
            {"stateMachineVersionArn": f"{STATE_MACHINE_ARN}:1", "weight": 90},
            {"stateMachineVersionArn": f"{STATE_MACHINE_ARN}:2"},
        ],
    }

    response = dispatch(fake_service, "AWSStepFunctions.CreateStateMachineAlias", members)

    assert "Value null at 'routingConfiguration.2.member.weight'" in error_of(response)[2]


def test_an_unexpected_exception_is_a_500_internal_failure(fake_service):
    """GIVEN a service that raises a bug WHEN dispatched THEN 500 InternalFailure."""
    members = {"stateMachineArn": STATE_MACHINE_ARN, "name": "explode"}

    response = dispatch(fake_service, START, members)

    status, code, message = error_of(response)
    assert (status, code) == (500, "InternalFailure")
    assert "StartExecution" in message


def test_an_unexpected_exception_leaves_no_traceback_in_the_response(fake_service):
    """GIVEN a service that raises a bug WHEN dispatched THEN the body shows no internals."""
    members = {"stateMachineArn": STATE_MACHINE_ARN, "name": "explode"}

    response = dispatch(fake_service, START, members)

    assert b"Traceback" not in response.body
    assert b"tripped" not in response.body


def test_an_unexpected_exception_is_logged_with_its_traceback(fake_service, caplog):
    """GIVEN a service that raises a bug WHEN dispatched THEN the traceback is logged."""
    members = {"stateMachineArn": STATE_MACHINE_ARN, "name": "explode"}

    with caplog.at_level(logging.ERROR, logger="sluice.stepfunctions.http.responses"):
        dispatch(fake_service, START, members)

    [record] = caplog.records
    assert record.exc_info is not None
    assert "the engine tripped over itself" in str(record.exc_info[1])


def test_a_naive_datetime_in_a_result_is_an_internal_failure():
    """GIVEN a service returning a naive datetime WHEN dispatched THEN 500, not a guessed zone."""

    class NaiveService:
        def start_execution(self, request: dict[str, Any]) -> dict[str, Any]:
            return {"executionArn": "arn", "startDate": datetime(2024, 5, 1)}

    response = dispatch(NaiveService(), START, {"stateMachineArn": STATE_MACHINE_ARN})

    assert error_of(response)[:2] == (500, "InternalFailure")
