"""Handlers log JSON with correlation ids, publish EMF metrics and log failures by name."""

import json

import pytest

from sluice_shared.observability import append_correlation_ids, count, get_logger, instrument
from sluice_shared.providers.errors import ProviderThrottled
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.logs import capture_logs

EXECUTION_ARN = "arn:aws:states:us-east-1:123456789012:execution:orders:order-shopify-1042"


@instrument()
def correlated_handler(event: dict, context: object) -> dict:
    """Tag the invocation when the event names a business key, then log and count."""
    if "businessKey" in event:
        append_correlation_ids(event["businessKey"], event.get("executionArn"))
    get_logger().info("working")
    count("Worked")
    return {"ok": True}


@instrument()
def failing_handler(event: dict, context: object) -> dict:
    """Fail the way a throttled provider call does."""
    raise ProviderThrottled("erp", "slow down", 429, 5)


@instrument()
def counting_handler(event: dict, context: object) -> dict:
    """Count one accepted order."""
    count("OrdersAccepted")
    return {}


def test_log_lines_carry_the_business_key_and_execution_arn():
    """GIVEN a handler that appends correlation ids WHEN it logs THEN both ids are on the line."""
    logs = capture_logs()
    event = {"businessKey": "order-shopify-1042", "executionArn": EXECUTION_ARN}
    correlated_handler(event, FakeLambdaContext())
    [line] = [line for line in logs.lines() if line["message"] == "working"]
    assert (line["businessKey"], line["executionArn"]) == ("order-shopify-1042", EXECUTION_ARN)
    assert line["function_name"] == FakeLambdaContext().function_name


def test_correlation_ids_do_not_leak_into_the_next_invocation():
    """GIVEN an invocation tagged with a key WHEN the next one is not THEN its lines lack it."""
    logs = capture_logs()
    correlated_handler({"businessKey": "order-shopify-1042"}, FakeLambdaContext())
    correlated_handler({}, FakeLambdaContext())
    last = [line for line in logs.lines() if line["message"] == "working"][-1]
    assert "businessKey" not in last


def test_a_failure_is_logged_with_its_error_name_and_raised_unchanged():
    """GIVEN a handler raising ProviderThrottled WHEN invoked THEN logged by name, re-raised."""
    logs = capture_logs()
    with pytest.raises(ProviderThrottled):
        failing_handler({}, FakeLambdaContext())
    [line] = [line for line in logs.lines() if line["message"] == "invocation failed"]
    assert line["errorType"] == "ProviderThrottled"


def test_a_failure_is_counted_by_its_error_name(capsys):
    """GIVEN a handler raising ProviderThrottled WHEN invoked THEN a ProviderThrottled count."""
    with pytest.raises(ProviderThrottled):
        failing_handler({}, FakeLambdaContext())
    assert '"ProviderThrottled":[1.0]' in capsys.readouterr().out.replace(" ", "")


def test_counts_are_published_as_emf_when_the_invocation_ends(capsys, monkeypatch):
    """GIVEN a handler counting an order WHEN it returns THEN an EMF line carries the count."""
    monkeypatch.setenv("SLUICE_ENVIRONMENT", "staging")
    counting_handler({}, FakeLambdaContext())
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    [published] = [entry for entry in emitted if "OrdersAccepted" in entry]
    assert published["OrdersAccepted"] == [1.0]
    assert published["environment"] == "staging"
