"""Failure records written from execution status-change events."""

import json
from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from sluice_shared import aws
from sluice_shared.ops import failure_from_history, record_failure
from sluice_shared.ops.failures import workflow_name
from tests.fixtures.aws import reset_caches
from tests.fixtures.events import load_event
from tests.fixtures.handlers import load_handler_module
from tests.fixtures.lambda_context import FakeLambdaContext

EXECUTION_ARN = "arn:aws:states:us-east-1:123456789012:execution:sluice-dev-orders:order-shop-1"
MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:sluice-dev-orders"


def status_event_detail(**overrides) -> dict:
    detail = {
        "executionArn": EXECUTION_ARN,
        "stateMachineArn": MACHINE_ARN,
        "name": "order-shop-1",
        "status": "FAILED",
        "startDate": 1_700_000_000_000,
        "stopDate": 1_700_000_060_000,
        "input": json.dumps({"businessKey": "order-shop-1", "order": {}}),
        "error": "ProviderUnavailable",
        "cause": "ERP answered 503",
        "redriveCount": 0,
    }
    return detail | overrides


HISTORY_NEWEST_FIRST = [
    {"id": 9, "type": "ExecutionFailed", "timestamp": datetime(2026, 1, 1, tzinfo=UTC)},
    {"id": 8, "type": "TaskFailed", "timestamp": datetime(2026, 1, 1, tzinfo=UTC)},
    {
        "id": 6,
        "type": "TaskStateEntered",
        "timestamp": datetime(2026, 1, 1, tzinfo=UTC),
        "stateEnteredEventDetails": {"name": "CreateSalesOrder"},
    },
    {
        "id": 2,
        "type": "TaskStateEntered",
        "timestamp": datetime(2026, 1, 1, tzinfo=UTC),
        "stateEnteredEventDetails": {"name": "ValidateOrder"},
    },
]


def test_record_names_the_state_the_execution_failed_in():
    record = failure_from_history(status_event_detail(), HISTORY_NEWEST_FIRST)
    assert record.failed_state == "CreateSalesOrder"
    assert (record.business_key, record.failure_id) == ("order-shop-1", "order-shop-1#r0")
    assert (record.error, record.cause, record.workflow) == (
        "ProviderUnavailable",
        "ERP answered 503",
        "orders",
    )
    assert record.recorded_at == "2023-11-14T22:14:20.000Z"


def test_a_redriven_failure_gets_its_own_record_id():
    record = failure_from_history(status_event_detail(redriveCount=2), HISTORY_NEWEST_FIRST)
    assert record.failure_id == "order-shop-1#r2"


def test_timeout_without_error_is_named_as_the_history_names_it():
    detail = status_event_detail(status="TIMED_OUT", error=None, cause=None)
    record = failure_from_history(detail, HISTORY_NEWEST_FIRST)
    assert (record.error, record.cause) == ("States.Timeout", "no cause given")


def test_business_key_falls_back_to_the_execution_name_when_input_has_none():
    record = failure_from_history(status_event_detail(input="[]"), HISTORY_NEWEST_FIRST)
    assert record.business_key == "order-shop-1"


@pytest.mark.parametrize(
    ("arn", "expected"),
    [(MACHINE_ARN, "orders"), ("arn:aws:states:r:1:stateMachine:billing", "billing")],
)
def test_workflow_name_drops_the_stack_prefix(arn, expected):
    assert workflow_name(arn) == expected


@pytest.fixture
def ops_table():
    with mock_aws():
        reset_caches()
        boto3.client("dynamodb").create_table(
            TableName="ops",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "businessKey", "AttributeType": "S"},
                {"AttributeName": "failureId", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "businessKey", "KeyType": "HASH"},
                {"AttributeName": "failureId", "KeyType": "RANGE"},
            ],
        )
        yield "ops"
        reset_caches()


def _stub_history(times: int) -> Stubber:
    stubber = Stubber(aws.stepfunctions_client())
    for _ in range(times):
        stubber.add_response(
            "get_execution_history",
            {"events": HISTORY_NEWEST_FIRST},
            {"executionArn": EXECUTION_ARN, "reverseOrder": True},
        )
    stubber.activate()
    return stubber


def test_record_failure_writes_once_even_when_the_event_is_delivered_twice(ops_table):
    stubber = _stub_history(times=2)
    assert record_failure(status_event_detail(), table_name=ops_table) is True
    assert record_failure(status_event_detail(), table_name=ops_table) is False
    stubber.assert_no_pending_responses()
    items = boto3.client("dynamodb").scan(TableName=ops_table)["Items"]
    assert len(items) == 1
    assert items[0]["failedState"] == {"S": "CreateSalesOrder"}


def test_record_failure_skips_a_failure_the_state_machine_recorded_itself(ops_table):
    boto3.client("dynamodb").put_item(
        TableName=ops_table,
        Item={
            "businessKey": {"S": "order-shop-1"},
            "failureId": {"S": "order-shop-1#r0"},
            "failedState": {"S": "ValidateOrder"},
        },
    )
    _stub_history(times=1)
    assert record_failure(status_event_detail(), table_name=ops_table) is False
    item = boto3.client("dynamodb").scan(TableName=ops_table)["Items"][0]
    assert item["failedState"] == {"S": "ValidateOrder"}


def test_handler_records_the_sample_status_change_event(ops_table, monkeypatch):
    """GIVEN the sample FAILED event WHEN the handler runs twice THEN one record is written."""
    monkeypatch.setenv("OPS_FAILURES_TABLE_NAME", ops_table)
    event = load_event("ops/execution_failed.json")
    stubber = Stubber(aws.stepfunctions_client())
    for _ in range(2):
        stubber.add_response(
            "get_execution_history",
            {"events": HISTORY_NEWEST_FIRST},
            {"executionArn": event["detail"]["executionArn"], "reverseOrder": True},
        )
    stubber.activate()
    app = load_handler_module("ops/record_failure")

    assert app.handler(event, FakeLambdaContext()) == {"recorded": True}
    assert app.handler(event, FakeLambdaContext()) == {"recorded": False}
    items = boto3.client("dynamodb").scan(TableName=ops_table)["Items"]
    assert [item["failureId"]["S"] for item in items] == ["order-shopify-1042#r0"]
    assert items[0]["error"] == {"S": "ProviderUnavailable"}
