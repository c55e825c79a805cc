"""The Step Functions API over HTTP on loopback, as boto3, the aws CLI and raw HTTP see it."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from sluice.stepfunctions.http import StepFunctionsServer
from tests.unit.stepfunctions.api.fake_service import START_DATE, STATE_MACHINE_ARN

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

CLIENT_CONFIG = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=10)


def boto3_client(server: StepFunctionsServer) -> Any:
    """A real boto3 Step Functions client pointed at the server."""
    return boto3.client(
        "stepfunctions", endpoint_url=server.url, region_name="us-east-1", config=CLIENT_CONFIG
    )


def connect(server: StepFunctionsServer) -> http.client.HTTPConnection:
    """A raw HTTP connection to the server."""
    address = urlsplit(server.url)
    return http.client.HTTPConnection(address.hostname, address.port, timeout=5)


def post(
    connection: http.client.HTTPConnection, target: str, members: dict[str, Any]
) -> tuple[int, dict[str, str], dict[str, Any]]:
    """POST one AWS JSON 1.0 request; return the status, headers and JSON body."""
    connection.request(
        "POST",
        "/",
        body=json.dumps(members),
        headers={
            "X-Amz-Target": target,
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), json.loads(response.read())


def test_the_server_listens_on_an_ephemeral_loopback_port(server):
    """GIVEN a server started with the default port WHEN asked THEN its URL is 127.0.0.1:N."""
    address = urlsplit(server.url)

    assert (address.scheme, address.hostname) == ("http", "127.0.0.1")
    assert address.port == server.port > 0


def test_boto3_gets_the_result_with_timestamps_as_datetimes(server):
    """GIVEN the server WHEN boto3 starts an execution THEN startDate is the same instant."""
    client = boto3_client(server)

    response = client.start_execution(stateMachineArn=STATE_MACHINE_ARN, name="order-1")

    assert response["executionArn"].endswith(":execution:orders:order-1")
    assert response["startDate"] == START_DATE
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_boto3_sees_a_service_error_as_a_client_error_with_its_code(server):
    """GIVEN an execution name used once WHEN boto3 reuses it THEN ClientError with the code."""
    client = boto3_client(server)
    client.start_execution(stateMachineArn=STATE_MACHINE_ARN, name="order-1")

    with pytest.raises(client.exceptions.ExecutionAlreadyExists) as raised:
        client.start_execution(stateMachineArn=STATE_MACHINE_ARN, name="order-1")

    error = raised.value.response
    assert error["Error"]["Code"] == "ExecutionAlreadyExists"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_boto3_sees_an_unimplemented_operation_as_unknown(server):
    """GIVEN a service without ListActivities WHEN boto3 calls it THEN UnknownOperation."""
    with pytest.raises(ClientError) as raised:
        boto3_client(server).list_activities()

    assert raised.value.response["Error"]["Code"] == "UnknownOperationException"


def test_a_client_built_without_arguments_reaches_the_server_through_its_environment(
    server, monkeypatch
):
    """GIVEN the server's client environment WHEN handler code calls boto3.client() THEN served."""
    for name, value in server.client_environment.items():
        monkeypatch.setenv(name, value)

    response = boto3.client("stepfunctions", config=CLIENT_CONFIG).list_state_machines()

    assert response["stateMachines"][0]["stateMachineArn"] == STATE_MACHINE_ARN


def test_sync_prefixed_operations_reach_the_server_through_its_environment(server, monkeypatch):
    """GIVEN the client environment WHEN TestState (host prefix "sync-") is called THEN served."""
    for name, value in server.client_environment.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ClientError) as raised:
        boto3.client("stepfunctions", config=CLIENT_CONFIG).test_state(definition="{}")

    assert raised.value.response["Error"]["Code"] == "UnknownOperationException"
    assert "TestState" in raised.value.response["Error"]["Message"]


def test_an_error_is_sent_as_amz_json_with_type_and_message(server):
    """GIVEN an unknown execution WHEN described over raw HTTP THEN the AWS error body."""
    status, headers, body = post(
        connect(server), "AWSStepFunctions.DescribeExecution", {"executionArn": "arn:nope"}
    )

    assert status == 400
    assert headers["Content-Type"] == "application/x-amz-json-1.0"
    assert body == {
        "__type": "ExecutionDoesNotExist",
        "message": "Execution Does Not Exist: 'arn:nope'",
    }


def test_an_internal_failure_is_a_500_over_http(server):
    """GIVEN a service that raises a bug WHEN called over HTTP THEN 500 InternalFailure."""
    status, _, body = post(
        connect(server),
        "AWSStepFunctions.StartExecution",
        {"stateMachineArn": STATE_MACHINE_ARN, "name": "explode"},
    )

    assert (status, body["__type"]) == (500, "InternalFailure")


def test_one_connection_carries_several_requests(server):
    """GIVEN a kept-alive connection WHEN two requests are sent on it THEN both are answered."""
    connection = connect(server)
    target = "AWSStepFunctions.StartExecution"

    first = post(connection, target, {"stateMachineArn": STATE_MACHINE_ARN, "name": "a"})
    second = post(connection, target, {"stateMachineArn": STATE_MACHINE_ARN, "name": "b"})

    assert (first[0], second[0]) == (200, 200)


def test_requests_are_served_concurrently():
    """GIVEN a service call that waits for a second one WHEN two arrive THEN both complete."""
    both_arrived = threading.Barrier(2, timeout=5)

    class RendezvousService:
        def list_state_machines(self, request: dict[str, Any]) -> dict[str, Any]:
            both_arrived.wait()
            return {"stateMachines": []}

    with StepFunctionsServer(RendezvousService()) as running, ThreadPoolExecutor(2) as pool:
        clients = [boto3_client(running), boto3_client(running)]
        calls = [pool.submit(client.list_state_machines) for client in clients]
        results = [call.result(timeout=10) for call in calls]

    assert [result["stateMachines"] for result in results] == [[], []]


def test_stop_closes_kept_alive_connections(fake_service):
    """GIVEN an idle kept-alive connection WHEN the server stops THEN the client sees EOF."""
    server = StepFunctionsServer(fake_service)
    server.start()
    connection = connect(server)
    post(connection, "AWSStepFunctions.ListStateMachines", {})

    server.stop()

    assert connection.sock.recv(1) == b""


def test_stop_releases_the_port(fake_service):
    """GIVEN a stopped server WHEN a client connects to its port THEN it is refused."""
    with StepFunctionsServer(fake_service) as running:
        port = running.port

    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5)


def test_a_server_can_be_given_its_port(fake_service):
    """GIVEN a free port WHEN a server is built on it THEN it serves there."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]

    with StepFunctionsServer(fake_service, port=free_port) as running:
        response = boto3_client(running).list_state_machines()

    assert running.url == f"http://127.0.0.1:{free_port}"
    assert response["stateMachines"][0]["name"] == "orders"
