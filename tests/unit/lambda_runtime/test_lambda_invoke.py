"""Invoke: payload in and out, the context object, cold starts, references to functions."""

import re

import pytest

from sluice.lambda_runtime import (
    InvalidRequestContentException,
    ResourceNotFoundException,
)
from tests.unit.lambda_runtime.support import function

ARN = "arn:aws:lambda:us-east-1:123456789012:function:echo"


def test_given_a_handler_when_invoked_then_it_returns_its_result_with_status_200(runtime):
    runtime.deploy(function("echo", "echo"))

    result = runtime.invoke("echo", {"orderId": 42})

    assert result.status_code == 200
    assert result.function_error is None
    assert result.executed_version == "$LATEST"
    assert result.payload["event"] == {"orderId": 42}
    assert result.payload["awsRequestId"] == result.request_id


def test_given_an_invocation_then_the_context_carries_what_lambda_provides(runtime):
    runtime.deploy(function("echo", "echo", memory_mb=256, timeout_seconds=30))

    payload = runtime.invoke("echo", {}).payload

    assert payload["functionName"] == "echo"
    assert payload["functionVersion"] == "$LATEST"
    assert payload["invokedFunctionArn"] == ARN
    assert payload["memoryLimitInMb"] == "256"
    assert payload["logGroupName"] == "/aws/lambda/echo"
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", payload["logStreamName"])
    assert payload["clientContext"] is None
    assert payload["cognitoIdentityId"] is None


def test_given_a_30_second_timeout_then_the_remaining_time_starts_near_30000_ms(runtime):
    runtime.deploy(function("echo", "echo", timeout_seconds=30))

    remaining = runtime.invoke("echo", {}).payload["remainingMillis"]

    assert 25_000 < remaining <= 30_000


def test_given_a_qualified_arn_then_the_context_shows_the_arn_the_caller_used(runtime):
    runtime.deploy(function("echo", "echo"))

    payload = runtime.invoke(f"{ARN}:$LATEST", {}).payload

    assert payload["invokedFunctionArn"] == f"{ARN}:$LATEST"


def test_given_two_invocations_then_the_module_is_loaded_once_and_only_the_first_is_cold(
    runtime,
):
    runtime.deploy(function("echo", "echo"))

    first = runtime.invoke("echo", {}).payload
    second = runtime.invoke("echo", {}).payload

    assert first["loadedAs"] == second["loadedAs"]
    assert [record.cold_start for record in runtime.records("echo")] == [True, False]
    assert runtime.metrics("echo").cold_starts == 1


def test_given_two_functions_with_the_same_code_then_each_loads_its_own_module(runtime):
    runtime.deploy(function("echo", "echo"))
    runtime.deploy(function("echo-two", "echo"))

    first = runtime.invoke("echo", {}).payload
    second = runtime.invoke("echo-two", {}).payload

    assert first["loadedAs"] != second["loadedAs"]


def test_given_json_bytes_then_the_handler_receives_the_decoded_event(runtime):
    runtime.deploy(function("echo", "echo"))

    assert runtime.invoke("echo", b'{"a": [1, 2]}').payload["event"] == {"a": [1, 2]}
    assert runtime.invoke("echo").payload["event"] == {}


def test_given_a_payload_then_the_handler_gets_a_copy_the_caller_does_not_share(runtime):
    runtime.deploy(function("echo", "echo"))
    sent = {"items": [1]}

    received = runtime.invoke("echo", sent).payload["event"]
    received["items"].append(2)

    assert sent == {"items": [1]}


def test_given_a_payload_that_is_not_json_then_invoke_raises_invalid_request_content(runtime):
    runtime.deploy(function("echo", "echo"))

    with pytest.raises(InvalidRequestContentException):
        runtime.invoke("echo", b"{not json")


@pytest.mark.parametrize(
    "reference",
    ["missing", f"{ARN}:live", "arn:aws:lambda:eu-west-1:123456789012:function:echo"],
)
def test_given_an_unknown_function_or_qualifier_then_invoke_raises_resource_not_found(
    runtime, reference
):
    runtime.deploy(function("echo", "echo"))

    with pytest.raises(ResourceNotFoundException) as raised:
        runtime.invoke(reference, {})

    assert raised.value.status_code == 404


def test_given_a_dry_run_then_nothing_runs_and_the_status_is_204(runtime):
    runtime.deploy(function("echo", "echo"))

    result = runtime.invoke("echo", {}, invocation_type="DryRun")

    assert result.status_code == 204
    assert runtime.metrics("echo").invocations == 0


def test_given_a_deployed_function_then_its_configuration_is_found_by_name_or_arn(runtime):
    config = function("echo", "echo", timeout_seconds=45)
    runtime.deploy(config)

    assert runtime.function("echo") is config
    assert runtime.function(ARN) is config
    assert runtime.function(ARN).arn == ARN
