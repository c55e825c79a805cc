"""The in-process client: boto3's Step Functions client answered by a local service."""

from __future__ import annotations

from typing import Any

import pytest
from botocore import xform_name
from botocore.client import BaseClient
from botocore.exceptions import ClientError, ParamValidationError
from moto import mock_aws

from sluice.stepfunctions.client import StepFunctionsClient
from sluice.stepfunctions.http.model import service_model
from tests.unit.stepfunctions.api.fake_service import (
    START_DATE,
    STATE_MACHINE_ARN,
    FakeStepFunctionsService,
)

pytestmark = pytest.mark.disable_socket


@pytest.fixture
def client(fake_service: FakeStepFunctionsService) -> Any:
    """An in-process client of the test double."""
    return StepFunctionsClient(fake_service)


def test_a_call_returns_what_boto3_returns_with_aware_datetimes(client):
    """GIVEN the client WHEN an execution starts THEN the start date is an aware datetime."""
    response = client.start_execution(stateMachineArn=STATE_MACHINE_ARN, name="order-1")

    assert response["executionArn"].endswith(":execution:orders:order-1")
    assert response["startDate"].tzinfo is not None
    assert response["startDate"] == START_DATE


def test_keyword_arguments_reach_the_service_as_request_members(client, fake_service):
    """GIVEN boto3-style keywords WHEN called THEN the service gets them as camelCase members."""
    client.start_execution(stateMachineArn=STATE_MACHINE_ARN, name="order-1", input='{"a": 1}')

    assert fake_service.requests == [
        (
            "start_execution",
            {"stateMachineArn": STATE_MACHINE_ARN, "name": "order-1", "input": '{"a": 1}'},
        )
    ]


def test_a_service_error_is_raised_as_boto3_raises_it(client):
    """GIVEN an execution name used once WHEN reused THEN boto3's modelled ClientError."""
    client.start_execution(stateMachineArn=STATE_MACHINE_ARN, name="order-1")

    with pytest.raises(client.exceptions.ExecutionAlreadyExists) as raised:
        client.start_execution(stateMachineArn=STATE_MACHINE_ARN, name="order-1")

    assert isinstance(raised.value, ClientError)
    assert raised.value.response["Error"]["Code"] == "ExecutionAlreadyExists"


def test_parameters_are_validated_by_botocore_before_the_service(client, fake_service):
    """GIVEN a call without a required parameter WHEN made THEN botocore rejects it."""
    with pytest.raises(ParamValidationError):
        client.start_execution(name="order-1")

    assert fake_service.requests == []


def test_an_internal_failure_is_not_retried(client, fake_service):
    """GIVEN a service that raises a bug WHEN called THEN one attempt, then InternalFailure."""
    with pytest.raises(ClientError) as raised:
        client.start_execution(stateMachineArn=STATE_MACHINE_ARN, name="explode")

    assert raised.value.response["Error"]["Code"] == "InternalFailure"
    assert len(fake_service.requests) == 1


def test_every_modelled_operation_is_a_method(client):
    """GIVEN botocore's operation list WHEN the client is inspected THEN each is a method."""
    names = [xform_name(operation) for operation in service_model().operation_names]

    assert all(callable(getattr(client, name)) for name in names)
    assert set(names) <= set(dir(client))


def test_paginators_work_through_the_client(client):
    """GIVEN the client WHEN state machines are paginated THEN the pages come from the service."""
    pages = list(client.get_paginator("list_state_machines").paginate())

    assert [machine["name"] for page in pages for machine in page["stateMachines"]] == ["orders"]


def test_the_underlying_object_is_a_real_botocore_client(client):
    """GIVEN the client WHEN its boto3 client is inspected THEN it is a botocore BaseClient."""
    assert isinstance(client.boto3_client, BaseClient)
    assert client.meta.service_model.service_name == "stepfunctions"


def test_the_client_uses_the_region_it_is_given(fake_service):
    """GIVEN a region WHEN the client is built THEN boto3's client is in that region."""
    assert StepFunctionsClient(fake_service, region_name="eu-west-1").meta.region_name == (
        "eu-west-1"
    )


def test_calls_reach_the_local_service_while_moto_mocks_aws(client, fake_service):
    """GIVEN moto's mock_aws active WHEN the client is called THEN the local service answers."""
    with mock_aws():
        client.start_execution(stateMachineArn=STATE_MACHINE_ARN, name="order-1")

    assert [operation for operation, _ in fake_service.requests] == ["start_execution"]
