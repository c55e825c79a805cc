"""Events between the processes on the local cloud: an order goes through the orders webhook, its
`OrderProcessed` event records its billing terms, and the warehouse's shipment of it (as the
warehouse simulator ships it: no prices) is billed from them, `ShipmentConfirmed` and
`ShipmentBilled` published on the way.

An observer rule (an SQS queue behind a rule matching the suite's own sources) shows what was
published, as any other subscriber would see it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import boto3
import pytest

from sluice.cloud.local_cloud import LocalCloud
from sluice.entrypoints.eventbridge import Rule
from sluice.entrypoints.targets import Target
from sluice.simulators import deliver
from tests.workflows.support import (
    EXECUTION_TIMEOUT,
    OrdersDriver,
    business_key,
    eventually,
    running_cloud,
)

TIME_SCALE = 10
EVENT_TIMEOUT = 30.0
OBSERVED_SOURCES = ["sluice.orders", "sluice.warehouse", "sluice.billing"]
PAYMENT_REFERENCE = "pay_events_1"
SHIPMENTS_API = "ShipmentsApi"
SHIPMENT_WEBHOOK_PATH = "/webhooks/shipments/3pl"
ORDER_TERMS_TABLE = "OrderTermsTable"


class EventObserver:
    """Every event of the suite's sources, read from an SQS queue a test rule delivers to."""

    def __init__(self, cloud: LocalCloud) -> None:
        assert cloud.events is not None and cloud.model is not None
        region = cloud.model.stack.region
        self._sqs = boto3.client("sqs", endpoint_url=cloud.moto_url, region_name=region)
        self._queue_url = self._sqs.create_queue(QueueName="observed-suite-events")["QueueUrl"]
        queue_arn = self._sqs.get_queue_attributes(
            QueueUrl=self._queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        cloud.events.put_rule(
            Rule(
                name="observe-suite-events",
                targets=(Target(target_id="observer", arn=queue_arn),),
                event_pattern={"source": OBSERVED_SOURCES},
            )
        )
        self._events: list[dict[str, Any]] = []

    def events(self) -> list[dict[str, Any]]:
        """Every event observed so far, in arrival order."""
        messages = self._sqs.receive_message(QueueUrl=self._queue_url, MaxNumberOfMessages=10).get(
            "Messages", []
        )
        for message in messages:
            self._events.append(json.loads(message["Body"]))
            self._sqs.delete_message(
                QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"]
            )
        return list(self._events)

    def of(self, detail_type: str, key: str) -> list[dict[str, Any]]:
        """The observed events of a detail type whose detail names `key` as its business key."""
        return [
            event
            for event in self.events()
            if event["detail-type"] == detail_type and event["detail"]["businessKey"] == key
        ]

    def wait_for(self, detail_type: str, key: str) -> dict[str, Any]:
        """The first event of a detail type for `key`, waited for (bounded)."""
        assert eventually(lambda: bool(self.of(detail_type, key)), EVENT_TIMEOUT), (
            f"no {detail_type} for {key}; observed: {self.events()}"
        )
        return self.of(detail_type, key)[0]


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """The local cloud for this module (no latency, no faults)."""
    with running_cloud(TIME_SCALE) as local_cloud:
        yield local_cloud


@pytest.fixture(scope="module")
def observer(cloud: LocalCloud) -> EventObserver:
    """The module's event observer."""
    return EventObserver(cloud)


@pytest.fixture(scope="module")
def processed_order(cloud: LocalCloud, observer: EventObserver) -> dict[str, Any]:
    """GIVEN an order paid with a storefront payment reference WHEN its webhook is processed."""
    driver = OrdersDriver(cloud)
    webhook = driver.webhooks.new_order(payment_reference=PAYMENT_REFERENCE)
    arn = driver.accept(webhook)
    assert driver.finish(arn)["status"] == "SUCCEEDED"
    key = business_key(arn)
    record = driver.order_record(key)
    assert record is not None
    return {"payload": webhook.payload(), "key": key, "record": record}


def test_then_order_processed_is_published_once_by_the_orders_workflow(observer, processed_order):
    event = observer.wait_for("OrderProcessed", processed_order["key"])
    assert event["source"] == "sluice.orders"
    assert len(observer.of("OrderProcessed", processed_order["key"])) == 1


def test_then_order_processed_carries_the_terms_billing_needs(observer, processed_order):
    payload, record = processed_order["payload"], processed_order["record"]
    detail = observer.wait_for("OrderProcessed", processed_order["key"])["detail"]
    assert (detail["orderId"], detail["source"]) == (payload["id"], "shopify")
    assert detail["currency"] == payload["currency"]
    assert detail["paymentReference"] == PAYMENT_REFERENCE
    assert detail["lines"] == [
        {"sku": line["sku"], "quantity": line["quantity"], "unitPrice": line["unit_price"]}
        for line in payload["line_items"]
    ]
    assert detail["totals"]["total"] == payload["total"]
    assert detail["customer"]["customerId"] == record["customerId"]
    assert detail["salesOrderId"] == record["salesOrderId"]
    assert detail["fulfilmentId"] == record["fulfilmentId"]


def _use_warehouse_webhook_secret(cloud: LocalCloud) -> None:
    """Store the warehouse simulator's signing key under the name the template gives it."""
    assert cloud.model is not None
    name = str(cloud.model.parameters["WarehouseWebhookSecretName"])
    secrets = boto3.client(
        "secretsmanager", endpoint_url=cloud.moto_url, region_name=cloud.model.stack.region
    )
    secret = cloud.simulators.warehouse.webhook_secret
    try:
        secrets.put_secret_value(SecretId=name, SecretString=secret)
    except secrets.exceptions.ResourceNotFoundException:
        secrets.create_secret(Name=name, SecretString=secret)


def _terms_recorded(cloud: LocalCloud, order_key: str) -> bool:
    """Whether billing recorded the order's terms."""
    assert cloud.model is not None
    dynamodb = boto3.client(
        "dynamodb", endpoint_url=cloud.moto_url, region_name=cloud.model.stack.region
    )
    answer = dynamodb.get_item(
        TableName=cloud.model.tables[ORDER_TERMS_TABLE].name,
        Key={"orderKey": {"S": order_key}},
        ConsistentRead=True,
    )
    return "Item" in answer


@pytest.fixture(scope="module")
def billed_shipment(
    cloud: LocalCloud, observer: EventObserver, processed_order: dict[str, Any]
) -> dict[str, Any]:
    """GIVEN the processed order's terms recorded WHEN the warehouse ships its fulfilment and
    sends the shipment webhook twice THEN the billing ends."""
    assert cloud.engine is not None
    order_key = processed_order["key"]
    assert eventually(lambda: _terms_recorded(cloud, order_key), EVENT_TIMEOUT)
    _use_warehouse_webhook_secret(cloud)
    warehouse = cloud.simulators.warehouse
    [fulfilment] = [f for f in warehouse.fulfilments if f["externalReference"] == order_key]
    webhook = warehouse.ship(fulfilment["id"])
    url = cloud.api_url(SHIPMENTS_API) + SHIPMENT_WEBHOOK_PATH
    accepted = deliver(webhook, url, timeout=30.0)
    assert accepted.status_code == 202, accepted.text
    redelivered = deliver(webhook, url, timeout=30.0)
    assert redelivered.status_code == 200, redelivered.text
    arn = accepted.json()["executionArn"]
    description = cloud.engine.wait_for_execution(arn, timeout=EXECUTION_TIMEOUT)
    return {
        "key": accepted.json()["businessKey"],
        "shipment": webhook.payload(),
        "description": description,
    }


def _ordered_amount(payload: dict[str, Any]) -> str:
    """What the order's lines cost at their prices, two places."""
    total = sum(Decimal(line["unit_price"]) * line["quantity"] for line in payload["line_items"])
    return f"{total:.2f}"


def test_then_the_shipment_is_billed(billed_shipment):
    assert billed_shipment["description"]["status"] == "SUCCEEDED"


def test_then_the_shipped_lines_are_captured_once_at_the_order_prices(
    cloud, processed_order, billed_shipment
):
    captures = [
        capture
        for capture in cloud.simulators.payments.captures
        if capture["externalReference"] == billed_shipment["key"]
    ]
    assert [(c["amount"], c["paymentReference"]) for c in captures] == [
        (_ordered_amount(processed_order["payload"]), PAYMENT_REFERENCE)
    ]


def test_then_one_invoice_is_created_against_the_orders_sales_order(
    cloud, processed_order, billed_shipment
):
    invoices = [
        invoice
        for invoice in cloud.simulators.erp.invoices
        if invoice["externalReference"] == billed_shipment["key"]
    ]
    assert [invoice["salesOrderId"] for invoice in invoices] == [
        processed_order["record"]["salesOrderId"]
    ]
    assert invoices[0]["amount"] == _ordered_amount(processed_order["payload"])


def test_then_the_tracking_reaches_the_storefront_order(cloud, processed_order, billed_shipment):
    storefront = cloud.simulators.storefront
    order_id = processed_order["payload"]["id"]
    assert eventually(lambda: bool(storefront.fulfillments(order_id)), EVENT_TIMEOUT)
    [fulfillment] = storefront.fulfillments(order_id)
    assert fulfillment["trackingNumber"] == billed_shipment["shipment"]["trackingNumber"]


def test_then_shipment_confirmed_is_published_once_for_two_deliveries(observer, billed_shipment):
    observer.wait_for("ShipmentBilled", billed_shipment["key"])
    [event] = observer.of("ShipmentConfirmed", billed_shipment["key"])
    assert event["source"] == "sluice.warehouse"
    assert event["detail"]["lines"] == billed_shipment["shipment"]["lines"]


def test_then_shipment_billed_is_observed_with_the_capture_and_invoice(
    cloud, observer, billed_shipment
):
    detail = observer.wait_for("ShipmentBilled", billed_shipment["key"])["detail"]
    [capture] = [
        c
        for c in cloud.simulators.payments.captures
        if c["externalReference"] == billed_shipment["key"]
    ]
    [invoice] = [
        i for i in cloud.simulators.erp.invoices if i["externalReference"] == billed_shipment["key"]
    ]
    assert (detail["captureId"], detail["invoiceId"]) == (capture["id"], invoice["id"])
    assert detail["amount"] == capture["amount"]
