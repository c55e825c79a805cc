"""Events between the processes on the local cloud: a processed order publishes its billing
terms on EventBridge.

An observer rule (an SQS queue behind a rule matching the suite's own sources) shows what was
published, as any other subscriber would see it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from sluice.cloud.local_cloud import LocalCloud
from sluice.entrypoints.eventbridge import Rule
from sluice.entrypoints.targets import Target
from tests.workflows.support import OrdersDriver, business_key, eventually, running_cloud

TIME_SCALE = 10
EVENT_TIMEOUT = 30.0
OBSERVED_SOURCES = ["sluice.orders", "sluice.warehouse", "sluice.billing"]
PAYMENT_REFERENCE = "pay_events_1"


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
