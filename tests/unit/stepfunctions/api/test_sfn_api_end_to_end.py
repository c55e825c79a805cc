"""The real engine behind the API: boto3 over loopback HTTP and the in-process client alike."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.config import Config

from sluice.stepfunctions import Integrations, StepFunctionsService
from sluice.stepfunctions.client import StepFunctionsClient
from sluice.stepfunctions.http import StepFunctionsServer

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

ROLE_ARN = "arn:aws:iam::123456789012:role/sluice-orders"
DONE_WITHIN = 10
PASS_MACHINE = {
    "StartAt": "Tag",
    "States": {"Tag": {"Type": "Pass", "Result": "tagged", "ResultPath": "$.step", "End": True}},
}
CALLBACK_MACHINE = {
    "StartAt": "AwaitErp",
    "States": {
        "AwaitErp": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "erp-request", "Payload": {"token.$": "$$.Task.Token"}},
            "TimeoutSeconds": 60,
            "End": True,
        }
    },
}


class TokenCatcher:
    """A Lambda invoker that keeps the task token it is sent and says when it has one."""

    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.received = threading.Event()

    def invoke(self, function_name: str, payload: Any) -> Any:
        """Keep the token of a `.waitForTaskToken` request and accept it."""
        self.tokens.append(payload["token"])
        self.received.set()
        return {"accepted": True}


@pytest.fixture
def token_catcher() -> TokenCatcher:
    """The Lambda side of callback tasks."""
    return TokenCatcher()


@pytest.fixture
def service(token_catcher: TokenCatcher) -> StepFunctionsService:
    """The real engine with callback tasks reaching `token_catcher`."""
    return StepFunctionsService(integrations=Integrations(lambda_invoker=token_catcher.invoke))


@pytest.fixture
def server(service: StepFunctionsService) -> Iterator[StepFunctionsServer]:
    """The engine served on an ephemeral loopback port."""
    with StepFunctionsServer(service) as running:
        yield running


@pytest.fixture(params=["http", "in-process"])
def sfn(request: pytest.FixtureRequest, service: StepFunctionsService) -> Any:
    """A boto3-style Step Functions client of the engine, over HTTP or in-process."""
    if request.param == "in-process":
        return StepFunctionsClient(service)
    server = request.getfixturevalue("server")
    return boto3.client(
        "stepfunctions",
        endpoint_url=server.url,
        region_name="us-east-1",
        config=Config(retries={"total_max_attempts": 1}, inject_host_prefix=False),
    )


def create_machine(sfn: Any, definition: dict[str, Any], name: str = "orders") -> str:
    """Create a state machine through the API; return its ARN."""
    created = sfn.create_state_machine(
        name=name, definition=json.dumps(definition), roleArn=ROLE_ARN
    )
    return created["stateMachineArn"]


def test_a_created_state_machine_is_described_with_its_definition(sfn):
    """GIVEN a state machine created through the API WHEN described THEN its definition."""
    arn = create_machine(sfn, PASS_MACHINE)

    described = sfn.describe_state_machine(stateMachineArn=arn)

    assert json.loads(described["definition"]) == PASS_MACHINE
    assert (described["name"], described["status"]) == ("orders", "ACTIVE")
    assert isinstance(described["creationDate"], datetime)


def test_an_execution_started_through_the_api_runs_and_is_described(sfn, service):
    """GIVEN a Pass machine WHEN an execution starts THEN it succeeds with the Pass output."""
    arn = create_machine(sfn, PASS_MACHINE)

    started = sfn.start_execution(stateMachineArn=arn, name="order-1", input='{"id": 1}')
    service.wait_for_execution(started["executionArn"], DONE_WITHIN)
    described = sfn.describe_execution(executionArn=started["executionArn"])

    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"id": 1, "step": "tagged"}
    assert described["startDate"] == started["startDate"]
    assert described["stopDate"] >= described["startDate"]


def test_the_execution_history_is_read_through_the_api(sfn, service):
    """GIVEN a finished execution WHEN its history is read THEN it runs start to success."""
    arn = create_machine(sfn, PASS_MACHINE)
    execution_arn = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    service.wait_for_execution(execution_arn, DONE_WITHIN)

    events = sfn.get_execution_history(executionArn=execution_arn)["events"]

    assert [event["type"] for event in events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert all(isinstance(event["timestamp"], datetime) for event in events)


def test_a_reused_execution_name_is_execution_already_exists(sfn, service):
    """GIVEN a closed execution named order-1 WHEN order-1 starts again THEN the AWS error."""
    arn = create_machine(sfn, PASS_MACHINE)
    first = sfn.start_execution(stateMachineArn=arn, name="order-1", input='{"id": 1}')
    service.wait_for_execution(first["executionArn"], DONE_WITHIN)

    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists) as raised:
        sfn.start_execution(stateMachineArn=arn, name="order-1", input='{"id": 2}')

    assert raised.value.response["Error"]["Code"] == "ExecutionAlreadyExists"


def test_send_task_success_completes_a_waiting_task(sfn, service, token_catcher):
    """GIVEN a task waiting on its token WHEN SendTaskSuccess is sent THEN the output is it."""
    arn = create_machine(sfn, CALLBACK_MACHINE)
    execution_arn = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    assert token_catcher.received.wait(DONE_WITHIN)

    sfn.send_task_success(taskToken=token_catcher.tokens[0], output='{"erpOrderId": "SO-7"}')
    described = service.wait_for_execution(execution_arn, DONE_WITHIN)

    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"erpOrderId": "SO-7"}


def test_an_unknown_task_token_is_invalid_token(sfn):
    """GIVEN no task with this token WHEN SendTaskSuccess is sent THEN InvalidToken."""
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.send_task_success(taskToken="not-a-token", output="{}")


def test_an_invalid_definition_is_invalid_definition(sfn):
    """GIVEN a definition whose Next names no state WHEN created THEN InvalidDefinition."""
    broken = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}

    with pytest.raises(sfn.exceptions.InvalidDefinition) as raised:
        create_machine(sfn, broken)

    assert "Nowhere" in raised.value.response["Error"]["Message"]


def test_an_unknown_state_machine_is_state_machine_does_not_exist(sfn):
    """GIVEN no such state machine WHEN an execution starts THEN StateMachineDoesNotExist."""
    missing = "arn:aws:states:us-east-1:123456789012:stateMachine:missing"

    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.start_execution(stateMachineArn=missing)


def test_executions_are_listed_through_a_paginator(sfn, service):
    """GIVEN three executions WHEN listed a page of one at a time THEN all three are seen."""
    arn = create_machine(sfn, PASS_MACHINE)
    for number in range(3):
        started = sfn.start_execution(stateMachineArn=arn, name=f"order-{number}")
        service.wait_for_execution(started["executionArn"], DONE_WITHIN)

    pages = sfn.get_paginator("list_executions").paginate(
        stateMachineArn=arn, PaginationConfig={"PageSize": 1}
    )

    names = sorted(execution["name"] for page in pages for execution in page["executions"])
    assert names == ["order-0", "order-1", "order-2"]


def test_test_state_runs_one_state_through_the_api(sfn):
    """GIVEN a Pass state WHEN TestState runs it THEN its output comes back."""
    state = {"Type": "Pass", "Result": {"ok": True}, "End": True}

    tested = sfn.test_state(definition=json.dumps(state), roleArn=ROLE_ARN, input="{}")

    assert tested["status"] == "SUCCEEDED"
    assert json.loads(tested["output"]) == {"ok": True}


@pytest.mark.skipif(shutil.which("aws") is None, reason="the aws CLI is not installed")
def test_the_aws_cli_lists_the_state_machines_of_the_engine(server, service):
    """GIVEN a state machine WHEN `aws stepfunctions list-state-machines` runs THEN it is listed."""
    arn = create_machine(StepFunctionsClient(service), PASS_MACHINE)

    completed = subprocess.run(
        [
            *("aws", "stepfunctions", "list-state-machines"),
            *("--endpoint-url", server.url, "--region", "us-east-1", "--output", "json"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        },
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    listed = json.loads(completed.stdout)["stateMachines"]
    assert [machine["stateMachineArn"] for machine in listed] == [arn]
