"""The ingest Lambda: API Gateway events in, API Gateway responses out."""

import json

import boto3

from sluice_shared import settings
from tests.fixtures.events import load_event
from tests.fixtures.handlers import load_handler_module
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.orders import BUSINESS_KEY


def invoke(event: dict) -> dict:
    """Invoke the ingest handler."""
    return load_handler_module("orders/ingest").handler(event, FakeLambdaContext())


def test_a_new_order_answers_202_in_the_http_api_shape(aws_resources):
    """GIVEN the sample webhook WHEN invoked THEN 202 with a JSON body and content type."""
    response = invoke(load_event("orders/webhook.json"))
    assert response["statusCode"] == 202
    assert response["headers"]["content-type"] == "application/json"
    body = json.loads(response["body"])
    assert (body["status"], body["businessKey"]) == ("accepted", BUSINESS_KEY)


def test_a_redelivery_answers_200_duplicate(aws_resources):
    """GIVEN the order already accepted WHEN redelivered THEN 200 duplicate, one execution."""
    invoke(load_event("orders/webhook.json"))
    response = invoke(load_event("orders/webhook-duplicate.json"))
    executions = boto3.client("stepfunctions").list_executions(
        stateMachineArn=aws_resources.state_machine_arn
    )["executions"]
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["status"] == "duplicate"
    assert len(executions) == 1


def test_the_secret_comes_from_secrets_manager(aws_resources):
    """GIVEN a rotated secret WHEN the old signature arrives THEN 401."""
    boto3.client("secretsmanager").put_secret_value(
        SecretId=aws_resources.webhook_secret_name, SecretString="rotated-secret"
    )
    assert invoke(load_event("orders/webhook.json"))["statusCode"] == 401


def test_the_size_limit_comes_from_the_environment(aws_resources, monkeypatch):
    """GIVEN MAX_WEBHOOK_BYTES below the body size WHEN invoked THEN 413."""
    monkeypatch.setenv(settings.MAX_WEBHOOK_BYTES, "100")
    assert invoke(load_event("orders/webhook.json"))["statusCode"] == 413


def test_invalid_fields_answer_400_with_field_errors(aws_resources):
    """GIVEN the invalid-fields sample WHEN invoked THEN 400 listing the fields."""
    response = invoke(load_event("orders/webhook-invalid-fields.json"))
    fields = [error["field"] for error in json.loads(response["body"])["errors"]]
    assert (response["statusCode"], fields) == (400, ["currency", "line_items.0.quantity", "total"])
