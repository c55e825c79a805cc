"""Shipment ingest: signature, validation and size checks; one execution and event per shipment."""

import json

import boto3
import pytest

from sluice_shared.billing.ingest import ShipmentIngestDependencies, ingest_shipment
from sluice_shared.billing.records import PENDING, RECEIVED
from sluice_shared.webhooks.http import WebhookRequest
from tests.fixtures.events import TEST_WEBHOOK_SECRET, load_event
from tests.fixtures.webhooks import compact_json, webhook_event
from tests.unit.billing.support import (
    EVENT_BUS_NAME,
    SHIPMENTS_TABLE_NAME,
    observe_events,
    observed_events,
    shipment_body,
    stored_shipment,
)

SHIPMENT_KEY = "shipment-3pl-SHP-000042"


def _deps(billing_aws, max_body_bytes: int = 262_144) -> ShipmentIngestDependencies:
    return ShipmentIngestDependencies(
        webhook_secret=lambda: TEST_WEBHOOK_SECRET,
        shipments_table_name=billing_aws.shipments_table_name,
        state_machine_arn=billing_aws.state_machine_arn,
        max_body_bytes=max_body_bytes,
        dynamodb=boto3.client("dynamodb"),
        stepfunctions=boto3.client("stepfunctions"),
        events=boto3.client("events"),
        event_bus_name=EVENT_BUS_NAME,
    )


def _shipment_event(body: str, **options: object) -> dict:
    event = webhook_event(body, **options)
    event["pathParameters"] = {"source": "3pl"}
    return event


def _ingest(billing_aws, event: dict, **options: int) -> tuple[int, dict]:
    answer = ingest_shipment(
        WebhookRequest.from_api_gateway(event), _deps(billing_aws, **options)
    ).to_api_gateway()
    return answer["statusCode"], json.loads(answer["body"])


def _executions(billing_aws) -> list[dict]:
    client = boto3.client("stepfunctions")
    return client.list_executions(stateMachineArn=billing_aws.state_machine_arn)["executions"]


def test_given_a_signed_shipment_when_ingested_then_it_is_recorded_and_its_billing_started(
    billing_aws,
):
    status, body = _ingest(billing_aws, load_event("billing/webhook.json"))
    [execution] = _executions(billing_aws)
    item = stored_shipment(SHIPMENT_KEY)
    assert (status, body["status"], body["businessKey"]) == (202, "accepted", SHIPMENT_KEY)
    assert execution["name"] == SHIPMENT_KEY
    assert item["status"] == RECEIVED
    assert item["billingState"] == PENDING
    assert item["executionArn"] == execution["executionArn"]


def test_given_the_execution_input_when_started_then_it_carries_the_key_and_the_shipment(
    billing_aws,
):
    _ingest(billing_aws, load_event("billing/webhook.json"))
    [execution] = _executions(billing_aws)
    described = boto3.client("stepfunctions").describe_execution(
        executionArn=execution["executionArn"]
    )
    document = json.loads(described["input"])
    assert document["businessKey"] == SHIPMENT_KEY
    assert document["source"] == "3pl"
    assert document["shipment"]["externalReference"] == "order-shopify-1042"
    assert document["shipment"]["lines"] == [{"sku": "MUG-BLUE", "quantity": 2}]


def test_given_a_new_shipment_when_ingested_then_shipment_confirmed_is_published_once(
    billing_aws,
):
    queue_url = observe_events()
    _, body = _ingest(billing_aws, load_event("billing/webhook.json"))
    [event] = observed_events(queue_url)
    assert (event["source"], event["detail-type"]) == ("sluice.warehouse", "ShipmentConfirmed")
    assert event["detail"]["businessKey"] == SHIPMENT_KEY
    assert event["detail"]["executionArn"] == body["executionArn"]
    assert event["detail"]["externalReference"] == "order-shopify-1042"
    assert event["detail"]["lines"] == [{"sku": "MUG-BLUE", "quantity": 2}]
    assert stored_shipment(SHIPMENT_KEY)["confirmedEventId"] == event["id"]


def test_given_a_redelivered_shipment_when_ingested_then_no_second_event_is_published(
    billing_aws,
):
    queue_url = observe_events()
    _ingest(billing_aws, load_event("billing/webhook.json"))
    _ingest(billing_aws, load_event("billing/webhook.json"))
    assert len(observed_events(queue_url)) == 1


def test_given_a_started_shipment_whose_event_was_not_published_when_redelivered_then_it_is(
    billing_aws,
):
    _ingest(billing_aws, load_event("billing/webhook.json"))
    boto3.client("dynamodb").update_item(
        TableName=SHIPMENTS_TABLE_NAME,
        Key={"businessKey": {"S": SHIPMENT_KEY}},
        UpdateExpression="REMOVE confirmedEventId",
    )
    queue_url = observe_events()
    status, body = _ingest(billing_aws, load_event("billing/webhook.json"))
    [event] = observed_events(queue_url)
    assert (status, body["status"]) == (200, "duplicate")
    assert event["detail"]["businessKey"] == SHIPMENT_KEY
    assert len(_executions(billing_aws)) == 1


def test_given_a_redelivered_shipment_when_ingested_then_it_answers_200_and_starts_nothing(
    billing_aws,
):
    _ingest(billing_aws, load_event("billing/webhook.json"))
    status, body = _ingest(billing_aws, load_event("billing/webhook.json"))
    assert (status, body["status"]) == (200, "duplicate")
    assert len(_executions(billing_aws)) == 1


def test_given_two_partial_shipments_of_one_order_when_ingested_then_each_gets_its_billing(
    billing_aws,
):
    _ingest(billing_aws, load_event("billing/webhook.json"))
    status, body = _ingest(billing_aws, load_event("billing/webhook-partial.json"))
    names = sorted(execution["name"] for execution in _executions(billing_aws))
    assert (status, body["businessKey"]) == (202, "shipment-3pl-SHP-000043")
    assert names == [SHIPMENT_KEY, "shipment-3pl-SHP-000043"]


def test_given_a_record_whose_start_crashed_when_redelivered_then_the_billing_starts(
    billing_aws,
):
    _ingest(billing_aws, load_event("billing/webhook.json"))
    boto3.client("dynamodb").update_item(
        TableName=SHIPMENTS_TABLE_NAME,
        Key={"businessKey": {"S": SHIPMENT_KEY}},
        UpdateExpression="REMOVE executionArn",
    )
    status, body = _ingest(billing_aws, load_event("billing/webhook.json"))
    assert (status, body["status"]) == (202, "accepted")
    assert len(_executions(billing_aws)) == 1
    assert stored_shipment(SHIPMENT_KEY)["executionArn"] == body["executionArn"]


@pytest.mark.parametrize(
    "event_file", ["billing/webhook-bad-signature.json", "billing/webhook-unsigned.json"]
)
def test_given_a_badly_signed_shipment_when_ingested_then_401_and_nothing_is_written(
    billing_aws, event_file
):
    status, _ = _ingest(billing_aws, load_event(event_file))
    assert status == 401
    assert _executions(billing_aws) == []
    assert boto3.client("dynamodb").scan(TableName=SHIPMENTS_TABLE_NAME)["Items"] == []


def test_given_invalid_fields_when_ingested_then_400_names_every_bad_field(billing_aws):
    status, body = _ingest(billing_aws, load_event("billing/webhook-invalid-fields.json"))
    fields = {error["field"] for error in body["errors"]}
    assert status == 400
    assert fields == {"trackingNumber", "lines.0.quantity"}
    assert _executions(billing_aws) == []


def test_given_a_body_over_the_limit_when_ingested_then_413_before_the_signature_check(
    billing_aws,
):
    event = _shipment_event(compact_json(shipment_body()), secret="wrong-secret")
    status, _ = _ingest(billing_aws, event, max_body_bytes=64)
    assert status == 413


def test_given_a_body_that_is_not_json_when_ingested_then_400(billing_aws):
    status, body = _ingest(billing_aws, _shipment_event("shipment=SHP-1"))
    assert (status, body["message"]) == (400, "body is not valid JSON")


def test_given_an_unknown_source_path_when_ingested_then_404(billing_aws):
    event = _shipment_event(compact_json(shipment_body()))
    event["pathParameters"] = {"source": "Not A Source!"}
    status, _ = _ingest(billing_aws, event)
    assert status == 404
