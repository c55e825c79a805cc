"""Webhook ingest: every rejection, the first delivery, redeliveries and crash recovery."""

import json
from datetime import UTC, datetime

import boto3
import pytest
from botocore.exceptions import ClientError

from sluice_shared.orders.ingest import IngestDependencies, ingest_webhook
from sluice_shared.webhooks.http import WebhookRequest, WebhookResponse
from tests.fixtures.events import TEST_WEBHOOK_SECRET, load_event
from tests.fixtures.logs import capture_logs
from tests.fixtures.orders import BUSINESS_KEY, line_item, order_payload
from tests.fixtures.webhooks import compact_json, webhook_event

RECEIVED_AT = datetime(2025, 3, 14, 8, 26, 54, 123000, tzinfo=UTC)


class FailingStepFunctions:
    """A Step Functions client whose StartExecution fails, as if Lambda died before it."""

    def start_execution(self, **kwargs: object) -> dict:
        """Fail like a throttled API call."""
        raise ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
            "StartExecution",
        )


def dependencies(resources, **changes: object) -> IngestDependencies:
    """Ingest's dependencies on the mocked resources, with a fixed clock."""
    values: dict[str, object] = {
        "webhook_secret": lambda: TEST_WEBHOOK_SECRET,
        "orders_table_name": resources.orders_table_name,
        "state_machine_arn": resources.state_machine_arn,
        "max_body_bytes": 262_144,
        "dynamodb": boto3.client("dynamodb"),
        "stepfunctions": boto3.client("stepfunctions"),
        "clock": lambda: RECEIVED_AT,
    }
    values.update(changes)
    return IngestDependencies(**values)


def ingest(resources, event: dict, **changes: object) -> WebhookResponse:
    """Run ingest on an API Gateway event."""
    return ingest_webhook(
        WebhookRequest.from_api_gateway(event), dependencies(resources, **changes)
    )


def executions(resources) -> list[dict]:
    """The executions of the orders state machine."""
    client = boto3.client("stepfunctions")
    return client.list_executions(stateMachineArn=resources.state_machine_arn)["executions"]


def order_record(resources) -> dict | None:
    """The orders-table record of the sample order."""
    return (
        boto3.client("dynamodb")
        .get_item(TableName=resources.orders_table_name, Key={"businessKey": {"S": BUSINESS_KEY}})
        .get("Item")
    )


def assert_nothing_happened(resources) -> None:
    """No record written, no execution started."""
    assert order_record(resources) is None
    assert executions(resources) == []


def test_a_new_order_is_accepted_and_starts_exactly_one_execution(aws_resources):
    """GIVEN a signed new order WHEN ingested THEN 202 and one execution named by its key."""
    response = ingest(aws_resources, load_event("orders/webhook.json"))
    [execution] = executions(aws_resources)
    assert response.status_code == 202
    assert response.body == {
        "status": "accepted",
        "businessKey": BUSINESS_KEY,
        "executionArn": execution["executionArn"],
    }
    assert execution["name"] == BUSINESS_KEY


def test_the_execution_input_is_the_contracts_document(aws_resources):
    """GIVEN a new order WHEN started THEN input has businessKey, source and the JSON order."""
    response = ingest(aws_resources, load_event("orders/webhook.json"))
    described = boto3.client("stepfunctions").describe_execution(
        executionArn=response.body["executionArn"]
    )
    document = json.loads(described["input"])
    assert (document["businessKey"], document["source"]) == (BUSINESS_KEY, "shopify")
    assert document["order"] == load_event("orders/validate-order.json")["order"]


def test_a_new_order_is_recorded_as_received_with_its_execution(aws_resources):
    """GIVEN a new order WHEN ingested THEN the record holds status, times, hash and ARN."""
    response = ingest(aws_resources, load_event("orders/webhook.json"))
    record = order_record(aws_resources)
    assert record is not None
    assert record["status"] == {"S": "RECEIVED"}
    assert record["orderId"] == {"S": "1042"}
    assert record["source"] == {"S": "shopify"}
    assert record["receivedAt"] == {"S": "2025-03-14T08:26:54.123Z"}
    assert len(record["bodySha256"]["S"]) == 64
    assert record["executionArn"] == {"S": response.body["executionArn"]}


def test_a_redelivery_answers_duplicate_and_starts_nothing(aws_resources):
    """GIVEN an accepted order WHEN delivered again THEN 200 duplicate, still one execution."""
    ingest(aws_resources, load_event("orders/webhook.json"))
    response = ingest(aws_resources, load_event("orders/webhook-duplicate.json"))
    assert (response.status_code, response.body) == (
        200,
        {"status": "duplicate", "businessKey": BUSINESS_KEY},
    )
    assert len(executions(aws_resources)) == 1


def test_a_redelivery_with_a_changed_body_keeps_the_first_and_warns(aws_resources):
    """GIVEN an accepted order WHEN it arrives again with another note THEN 200 and a warning."""
    ingest(aws_resources, load_event("orders/webhook.json"))
    first_hash = order_record(aws_resources)["bodySha256"]
    logs = capture_logs()
    response = ingest(aws_resources, webhook_event(compact_json(order_payload(note="Changed"))))
    assert response.status_code == 200
    assert order_record(aws_resources)["bodySha256"] == first_hash
    assert "redelivery with a different body; first body kept" in logs.messages()


def test_header_names_are_matched_in_any_case(aws_resources):
    """GIVEN header names in mixed case WHEN ingested THEN 202 (matched case-insensitively)."""
    event = load_event("orders/webhook.json")
    event["headers"] = {
        "Content-Type": event["headers"]["content-type"],
        "X-Sluice-Signature": event["headers"]["x-sluice-signature"],
    }
    assert ingest(aws_resources, event).status_code == 202


def test_a_crash_between_put_and_start_is_healed_by_the_redelivery(aws_resources):
    """GIVEN the record put but StartExecution failed WHEN redelivered THEN 202, one execution."""
    with pytest.raises(ClientError):
        ingest(
            aws_resources, load_event("orders/webhook.json"), stepfunctions=FailingStepFunctions()
        )
    assert executions(aws_resources) == []
    assert "executionArn" not in (order_record(aws_resources) or {})
    response = ingest(aws_resources, load_event("orders/webhook-duplicate.json"))
    [execution] = executions(aws_resources)
    assert response.status_code == 202
    assert response.body["executionArn"] == execution["executionArn"]
    assert order_record(aws_resources)["executionArn"] == {"S": execution["executionArn"]}


def test_a_crash_after_the_start_is_healed_without_a_second_execution(aws_resources):
    """GIVEN an execution started but its ARN never recorded WHEN redelivered THEN 202, one run."""
    ingest(aws_resources, load_event("orders/webhook.json"))
    boto3.client("dynamodb").update_item(
        TableName=aws_resources.orders_table_name,
        Key={"businessKey": {"S": BUSINESS_KEY}},
        UpdateExpression="REMOVE executionArn",
    )
    response = ingest(aws_resources, load_event("orders/webhook-duplicate.json"))
    [execution] = executions(aws_resources)
    assert response.status_code == 202
    assert response.body["executionArn"] == execution["executionArn"]


def test_a_base64_encoded_body_is_decoded_first(aws_resources):
    """GIVEN API Gateway base64-encoded the body WHEN ingested THEN accepted."""
    assert ingest(aws_resources, load_event("orders/webhook-base64.json")).status_code == 202


def test_a_missing_signature_is_401(aws_resources):
    """GIVEN no X-Sluice-Signature WHEN ingested THEN 401 and nothing happens."""
    response = ingest(aws_resources, load_event("orders/webhook-unsigned.json"))
    assert (response.status_code, response.body) == (
        401,
        {"message": "missing X-Sluice-Signature header"},
    )
    assert_nothing_happened(aws_resources)


def test_an_invalid_signature_is_401(aws_resources):
    """GIVEN a signature made with another secret WHEN ingested THEN 401, nothing happens."""
    response = ingest(aws_resources, load_event("orders/webhook-bad-signature.json"))
    assert (response.status_code, response.body) == (401, {"message": "invalid signature"})
    assert_nothing_happened(aws_resources)


def test_malformed_json_is_400(aws_resources):
    """GIVEN a signed body that is not JSON WHEN ingested THEN 400, nothing happens."""
    response = ingest(aws_resources, load_event("orders/webhook-bad-json.json"))
    assert (response.status_code, response.body) == (400, {"message": "body is not valid JSON"})
    assert_nothing_happened(aws_resources)


def test_a_json_array_is_400(aws_resources):
    """GIVEN a signed JSON array WHEN ingested THEN 400: an order is an object."""
    response = ingest(aws_resources, webhook_event("[]"))
    assert (response.status_code, response.body) == (400, {"message": "body must be a JSON object"})


def test_invalid_fields_are_400_with_field_errors(aws_resources):
    """GIVEN an order without currency and total, quantity 0 WHEN ingested THEN each named."""
    response = ingest(aws_resources, load_event("orders/webhook-invalid-fields.json"))
    assert response.status_code == 400
    assert response.body["message"] == "order has invalid fields"
    assert [error["field"] for error in response.body["errors"]] == [
        "currency",
        "line_items.0.quantity",
        "total",
    ]
    assert all(error["message"] for error in response.body["errors"])
    assert_nothing_happened(aws_resources)


def test_an_unrepresentable_float_price_is_400_not_rounded(aws_resources):
    """GIVEN a price 0.1 + 0.2 as a binary float WHEN ingested THEN 400, not silently rounded."""
    body = compact_json(order_payload(line_items=[line_item()])).replace(
        '"unit_price":"10.00"', '"unit_price":0.30000000000000004'
    )
    response = ingest(aws_resources, webhook_event(body))
    assert response.status_code == 400
    assert response.body["errors"][0]["field"] == "line_items.0.unit_price"


def test_a_body_over_the_limit_is_413_before_the_signature_is_checked(aws_resources):
    """GIVEN an unsigned body one byte over the limit WHEN ingested THEN 413, nothing happens."""
    event = load_event("orders/webhook-unsigned.json")
    response = ingest(aws_resources, event, max_body_bytes=len(event["body"]) - 1)
    assert response.status_code == 413
    assert_nothing_happened(aws_resources)


def test_a_body_at_the_limit_is_accepted(aws_resources):
    """GIVEN a body exactly at the limit WHEN ingested THEN accepted."""
    event = load_event("orders/webhook.json")
    assert ingest(aws_resources, event, max_body_bytes=len(event["body"])).status_code == 202


def test_a_non_json_content_type_is_415(aws_resources):
    """GIVEN a form-encoded body WHEN ingested THEN 415, nothing happens."""
    response = ingest(aws_resources, load_event("orders/webhook-form-encoded.json"))
    assert response.status_code == 415
    assert_nothing_happened(aws_resources)


def test_json_with_a_charset_parameter_is_accepted(aws_resources):
    """GIVEN `application/json; charset=utf-8` WHEN ingested THEN accepted."""
    event = webhook_event(
        compact_json(order_payload()), content_type="application/json; charset=utf-8"
    )
    assert ingest(aws_resources, event).status_code == 202


def test_another_method_is_405(aws_resources):
    """GIVEN a GET WHEN ingested THEN 405 with Allow: POST."""
    response = ingest(aws_resources, webhook_event("", method="GET"))
    assert (response.status_code, response.headers) == (405, {"allow": "POST"})
    assert_nothing_happened(aws_resources)


def test_an_unknown_source_shape_is_404(aws_resources):
    """GIVEN a source with characters no storefront name has WHEN ingested THEN 404."""
    event = load_event("orders/webhook.json")
    event["pathParameters"] = {"source": "../etc"}
    assert ingest(aws_resources, event).status_code == 404
    assert_nothing_happened(aws_resources)


def test_the_secret_is_not_read_for_a_request_refused_earlier(aws_resources):
    """GIVEN a 415 request WHEN ingested THEN the webhook secret was never fetched."""
    fetched: list[bool] = []

    def secret() -> str:
        fetched.append(True)
        return TEST_WEBHOOK_SECRET

    ingest(aws_resources, load_event("orders/webhook-form-encoded.json"), webhook_secret=secret)
    assert fetched == []
