"""Helpers for the billing tests: mocked tables as the template declares them, shipments."""

import json
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError

from sluice_shared.billing.ingest import execution_input
from sluice_shared.billing.models import OrderTerms, Shipment
from sluice_shared.billing.records import PENDING, PENDING_INDEX_NAME, RECEIVED
from sluice_shared.keys import shipment_business_key
from tests.fixtures.events import load_event

SHIPMENTS_TABLE_NAME = "sluice-test-ShipmentsTable"
ORDER_TERMS_TABLE_NAME = "sluice-test-OrderTermsTable"
EVENT_BUS_NAME = "default"
OBSERVED_EVENTS_QUEUE = "observed-billing-events"
BILLING_STATE_MACHINE_NAME = "sluice-test-BillingStateMachine"
WAREHOUSE_WEBHOOK_SECRET_NAME = "sluice/dev/warehouse/webhook-secret"
PAYMENTS_SETTINGS_PARAMETER = "/sluice/dev/providers/payments"
PAYMENTS_API_KEY_SECRET_NAME = "sluice/dev/payments/api-key"
SOURCE = "3pl"


def create_shipments_table(table_name: str = SHIPMENTS_TABLE_NAME) -> None:
    """The shipments table: key `businessKey`, sparse index of shipments pending billing."""
    boto3.client("dynamodb").create_table(
        TableName=table_name,
        KeySchema=[{"AttributeName": "businessKey", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "businessKey", "AttributeType": "S"},
            {"AttributeName": "billingState", "AttributeType": "S"},
            {"AttributeName": "receivedAt", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": PENDING_INDEX_NAME,
                "KeySchema": [
                    {"AttributeName": "billingState", "KeyType": "HASH"},
                    {"AttributeName": "receivedAt", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def create_order_terms_table(table_name: str = ORDER_TERMS_TABLE_NAME) -> None:
    """The order terms table: key `orderKey`."""
    boto3.client("dynamodb").create_table(
        TableName=table_name,
        KeySchema=[{"AttributeName": "orderKey", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "orderKey", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def order_processed(**changes: Any) -> dict[str, Any]:
    """The sample OrderProcessed event, top-level detail fields replaced."""
    event: dict[str, Any] = load_event("orders/order-processed.json")
    event["detail"].update(changes)
    return event


def order_terms(**changes: Any) -> OrderTerms:
    """The sample order's terms as the model."""
    return OrderTerms.model_validate(order_processed(**changes)["detail"])


def store_terms(**changes: Any) -> OrderTerms:
    """Record the sample order's terms as record_terms would (detail fields replaced)."""
    terms = order_terms(**changes)
    boto3.client("dynamodb").put_item(
        TableName=ORDER_TERMS_TABLE_NAME,
        Item={
            "orderKey": {"S": terms.order_key},
            "salesOrderId": {"S": terms.sales_order_id},
            "terms": {"S": json.dumps(terms.to_json())},
        },
    )
    return terms


def observe_events() -> str:
    """An SQS queue behind a rule on the default bus matching every sluice event; its URL."""
    sqs = boto3.client("sqs")
    queue_url: str = sqs.create_queue(QueueName=OBSERVED_EVENTS_QUEUE)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    events = boto3.client("events")
    events.put_rule(
        Name="observe-sluice-events", EventPattern=json.dumps({"source": [{"prefix": "sluice."}]})
    )
    events.put_targets(Rule="observe-sluice-events", Targets=[{"Id": "queue", "Arn": queue_arn}])
    return queue_url


def observed_events(queue_url: str) -> list[dict[str, Any]]:
    """The events the observer queue received so far."""
    messages = boto3.client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
    return [json.loads(message["Body"]) for message in messages.get("Messages", [])]


def shipment_body(**changes: Any) -> dict[str, Any]:
    """The sample shipment-confirmed body, top-level fields replaced."""
    body: dict[str, Any] = load_event("billing/shipment.json")
    body.update(changes)
    return body


def shipment(**changes: Any) -> Shipment:
    """The sample shipment as the model."""
    return Shipment.model_validate(shipment_body(**changes))


def store_shipment(
    received_at: str,
    *,
    shipment_id: str = "SHP-000042",
    execution_arn: str | None = None,
    billing_state: str | None = PENDING,
    extra: dict[str, dict[str, str]] | None = None,
) -> str:
    """Write a shipment item as ingest would; return its business key."""
    business_key = shipment_business_key(SOURCE, shipment_id)
    item: dict[str, dict[str, str]] = {
        "businessKey": {"S": business_key},
        "status": {"S": RECEIVED},
        "receivedAt": {"S": received_at},
        "executionInput": {
            "S": execution_input(business_key, SOURCE, shipment(shipmentId=shipment_id))
        },
    }
    if billing_state is not None:
        item["billingState"] = {"S": billing_state}
    if execution_arn is not None:
        item["executionArn"] = {"S": execution_arn}
    item.update(extra or {})
    boto3.client("dynamodb").put_item(TableName=SHIPMENTS_TABLE_NAME, Item=item)
    return business_key


def stored_shipment(business_key: str) -> dict[str, Any]:
    """The shipment's item, attribute values unwrapped."""
    item = boto3.client("dynamodb").get_item(
        TableName=SHIPMENTS_TABLE_NAME, Key={"businessKey": {"S": business_key}}
    )["Item"]
    return {name: next(iter(value.values())) for name, value in item.items()}


@dataclass
class FakeExecutions:
    """A Step Functions stand-in for reconciliation: executions by ARN, calls recorded.

    `not_redrivable` lists ARNs whose redrive AWS refuses (e.g. older than 14 days).
    """

    state_machine_arn: str
    statuses: dict[str, str] = field(default_factory=dict)
    redrive_counts: dict[str, int] = field(default_factory=dict)
    not_redrivable: set[str] = field(default_factory=set)
    started: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    redriven: list[str] = field(default_factory=list)

    def arn(self, name: str) -> str:
        """The ARN of the execution `name`."""
        return self.state_machine_arn.replace(":stateMachine:", ":execution:") + ":" + name

    def start_execution(self, *, stateMachineArn: str, name: str, input: str) -> dict[str, Any]:
        """StartExecution: refuses a name in use, as AWS does for a closed execution."""
        arn = self.arn(name)
        if arn in self.statuses:
            raise ClientError(
                {"Error": {"Code": "ExecutionAlreadyExists", "Message": name}}, "StartExecution"
            )
        self.statuses[arn] = "RUNNING"
        self.started.append((name, json.loads(input)))
        return {"executionArn": arn}

    def describe_execution(self, *, executionArn: str) -> dict[str, Any]:
        """DescribeExecution."""
        if executionArn not in self.statuses:
            raise ClientError(
                {"Error": {"Code": "ExecutionDoesNotExist", "Message": executionArn}},
                "DescribeExecution",
            )
        return {
            "executionArn": executionArn,
            "status": self.statuses[executionArn],
            "redriveCount": self.redrive_counts.get(executionArn, 0),
        }

    def redrive_execution(self, *, executionArn: str) -> dict[str, Any]:
        """RedriveExecution of a stopped execution."""
        if executionArn in self.not_redrivable or self.statuses.get(executionArn) == "RUNNING":
            raise ClientError(
                {"Error": {"Code": "ExecutionNotRedrivable", "Message": executionArn}},
                "RedriveExecution",
            )
        self.statuses[executionArn] = "RUNNING"
        self.redrive_counts[executionArn] = self.redrive_counts.get(executionArn, 0) + 1
        self.redriven.append(executionArn)
        return {"redriveDate": "2025-03-16T00:00:00Z"}
