"""The Step Functions engine's invoker: payloads, function errors and throttles as SFN sees them."""

import pytest

from sluice.lambda_runtime.stepfunctions import step_functions_invoker
from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.integrations.errors import LambdaFunctionError
from tests.unit.lambda_runtime.support import function


def test_given_a_successful_function_then_the_invoker_returns_its_payload(runtime):
    runtime.deploy(function("echo", "echo"))

    payload = step_functions_invoker(runtime)("echo", {"a": 1})

    assert payload["event"] == {"a": 1}


def test_given_a_function_error_then_the_invoker_raises_it_under_its_error_type(runtime):
    runtime.deploy(function("fail", "fail"))

    with pytest.raises(LambdaFunctionError) as raised:
        step_functions_invoker(runtime)("fail", {"message": "busy"})

    assert (raised.value.error_type, raised.value.error_message) == ("ProviderThrottled", "busy")


def test_given_a_throttle_then_the_invoker_raises_lambda_too_many_requests(runtime):
    runtime.deploy(function("off", "echo", reserved_concurrency=0))

    with pytest.raises(StatesError) as raised:
        step_functions_invoker(runtime)("off", {})

    assert raised.value.error == "Lambda.TooManyRequestsException"
    assert raised.value.cause.startswith(
        "Rate Exceeded. (Service: AWSLambda; Status Code: 429; "
        "Error Code: TooManyRequestsException; Request ID: "
    )
