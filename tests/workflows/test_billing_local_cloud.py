"""Billing on the local cloud: shipments with duplicated webhooks, gateway faults and a declined
card are each captured and invoiced exactly once; a shipment that arrives before its order's
terms waits for them; a stopped billing is found and finished by reconciliation.

Each shipment's order terms arrive as the orders workflow sends them: an `OrderProcessed` event
put on EventBridge, which the template's rule delivers to the record_terms function.

Reconciliation runs here as `reconcile()` on the cloud's table and engine with a clock two
hours ahead, instead of through its EventBridge Scheduler schedule, because the reconciliation
age (at least 300 s) is measured in real time, which a time-scaled test does not wait out.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import requests

from sluice.cloud.local_cloud import LocalCloud
from sluice.simulators import NO_FAULTS, Faults, Outcome
from sluice_shared.billing.reconciliation import REDRIVEN, ReconcileDependencies, reconcile
from sluice_shared.webhooks.signature import SIGNATURE_HEADER, sign
from tests.fixtures.events import load_event
from tests.workflows.support import EXECUTION_TIMEOUT, eventually, running_cloud

TIME_SCALE = 20
SHIPMENTS_API = "ShipmentsApi"
WEBHOOK_PATH = "/webhooks/shipments/3pl"
BILLING_STATE_MACHINE = "BillingStateMachine"
ORDER_TERMS_TABLE = "OrderTermsTable"
WAREHOUSE_WEBHOOK_SECRET = "warehouse-local-webhook-secret"
TRACKING_TIMEOUT = 30.0
BILLED_STATES = [
    "CapturePayment",
    "CreateInvoice",
    "SendTracking",
    "MarkBilled",
    "PublishShipmentBilled",
    "ShipmentBilled",
]
_SHIPMENT_NUMBERS = itertools.count(1)


class BillingDriver:
    """Sends shipment webhooks to a local cloud and reads what billing did."""

    def __init__(self, cloud: LocalCloud) -> None:
        assert cloud.engine is not None and cloud.model is not None
        self.cloud = cloud
        self.engine = cloud.engine
        self.erp = cloud.simulators.erp
        self.payments = cloud.simulators.payments
        self.storefront = cloud.simulators.storefront
        self.url = cloud.api_url(SHIPMENTS_API) + WEBHOOK_PATH
        self.state_machine_arn = cloud.state_machine_arn(BILLING_STATE_MACHINE)
        region = cloud.model.stack.region
        self.dynamodb = boto3.client("dynamodb", endpoint_url=cloud.moto_url, region_name=region)
        self.shipments_table = cloud.model.tables["ShipmentsTable"].name
        self.terms_table = cloud.model.tables[ORDER_TERMS_TABLE].name
        self._events = boto3.client("events", endpoint_url=cloud.moto_url, region_name=region)
        self.order_ids: dict[str, str] = {}
        self._session = requests.Session()
        self._set_webhook_secret(region)

    def _set_webhook_secret(self, region: str) -> None:
        """The warehouse's webhook key: the template names it, the local cloud does not make it."""
        assert self.cloud.model is not None
        name = str(self.cloud.model.parameters["WarehouseWebhookSecretName"])
        secrets = boto3.client(
            "secretsmanager", endpoint_url=self.cloud.moto_url, region_name=region
        )
        try:
            secrets.put_secret_value(SecretId=name, SecretString=WAREHOUSE_WEBHOOK_SECRET)
        except secrets.exceptions.ResourceNotFoundException:
            secrets.create_secret(Name=name, SecretString=WAREHOUSE_WEBHOOK_SECRET)

    def sales_order(self) -> str:
        """A new sales order in the ERP, for a shipment to be invoiced against."""
        customer = self.erp.add_customer(f"buyer{next(_SHIPMENT_NUMBERS)}@example.com")
        response = self._session.post(
            f"{self.erp.url}/sales-orders",
            json={
                "customerId": customer["id"],
                "externalReference": f"order-shopify-{customer['id']}",
                "currency": "EUR",
                "lines": [{"sku": "MUG-BLUE", "quantity": 2, "unitPrice": "19.99"}],
                "totals": {"total": "39.98"},
            },
            headers={"Authorization": f"Bearer {self.cloud.simulators.api_keys['erp']}"},
            timeout=10,
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def publish_order_processed(
        self, order_key: str, order_id: str, payment_reference: str
    ) -> None:
        """Put the order's OrderProcessed event on EventBridge, as the orders workflow does."""
        detail: dict[str, Any] = load_event("orders/order-processed.json")["detail"]
        detail.update(
            businessKey=order_key,
            orderId=order_id,
            salesOrderId=self.sales_order(),
            paymentReference=payment_reference,
        )
        answer = self._events.put_events(
            Entries=[
                {
                    "Source": "sluice.orders",
                    "DetailType": "OrderProcessed",
                    "Detail": json.dumps(detail),
                }
            ]
        )
        assert answer["FailedEntryCount"] == 0, answer

    def terms_recorded(self, order_key: str) -> bool:
        """Whether the order's billing terms are recorded."""
        answer = self.dynamodb.get_item(
            TableName=self.terms_table, Key={"orderKey": {"S": order_key}}, ConsistentRead=True
        )
        return "Item" in answer

    def shipment(
        self, payment_reference: str = "pay_3PkQ2ZL9r1", *, terms: bool = True, **changes: Any
    ) -> dict[str, Any]:
        """A new order's shipment of two mugs (terms recorded unless `terms` is false)."""
        number = next(_SHIPMENT_NUMBERS)
        body: dict[str, Any] = load_event("billing/shipment.json")
        body.update(
            shipmentId=f"SHP-E2E-{number}",
            externalReference=f"order-shopify-e2e-{number}",
            trackingNumber=f"TRK{number:09d}",
        )
        body.update(changes)
        self.order_ids[body["shipmentId"]] = str(2000 + number)
        if terms:
            self.record_terms(body, payment_reference)
        return body

    def record_terms(self, body: dict[str, Any], payment_reference: str) -> None:
        """Publish the shipment's order as processed and wait (bounded) for its terms."""
        order_key = body["externalReference"]
        self.publish_order_processed(
            order_key, self.order_ids[body["shipmentId"]], payment_reference
        )
        assert eventually(lambda: self.terms_recorded(order_key), EXECUTION_TIMEOUT)

    def send(self, body: dict[str, Any]) -> requests.Response:
        """POST the signed shipment webhook."""
        raw = json.dumps(body, separators=(",", ":")).encode()
        headers = {
            "content-type": "application/json",
            SIGNATURE_HEADER: sign(raw, WAREHOUSE_WEBHOOK_SECRET),
        }
        return self._session.post(self.url, data=raw, headers=headers, timeout=30)

    def accept(self, body: dict[str, Any]) -> str:
        """Send a shipment that must be accepted; its execution ARN."""
        response = self.send(body)
        assert response.status_code == 202, response.text
        return str(response.json()["executionArn"])

    def finish(self, execution_arn: str) -> dict[str, Any]:
        """Wait (bounded) until the execution closes; its description."""
        description = self.engine.wait_for_execution(execution_arn, timeout=EXECUTION_TIMEOUT)
        assert description["status"] != "RUNNING", f"{execution_arn} still running"
        return description

    def states(self, execution_arn: str) -> list[str]:
        """The states the execution entered, in order."""
        page = self.engine.get_execution_history({"executionArn": execution_arn})
        return [
            event["stateEnteredEventDetails"]["name"]
            for event in page["events"]
            if "stateEnteredEventDetails" in event
        ]

    def record(self, business_key: str) -> dict[str, str]:
        """The shipment's item as strings."""
        item = self.dynamodb.get_item(
            TableName=self.shipments_table,
            Key={"businessKey": {"S": business_key}},
            ConsistentRead=True,
        )["Item"]
        return {name: next(iter(value.values())) for name, value in item.items()}

    def captures_of(self, business_key: str) -> list[dict[str, Any]]:
        """The gateway's captures for a shipment."""
        return [c for c in self.payments.captures if c.get("externalReference") == business_key]

    def invoices_of(self, business_key: str) -> list[dict[str, Any]]:
        """The ERP's invoices for a shipment."""
        return [i for i in self.erp.invoices if i.get("externalReference") == business_key]

    def reconcile_two_hours_later(self) -> list[Any]:
        """Run reconciliation on the cloud's table and engine, its clock two hours ahead."""
        assert self.cloud.model is not None
        region = self.cloud.model.stack.region
        deps = ReconcileDependencies(
            shipments_table_name=self.shipments_table,
            state_machine_arn=self.state_machine_arn,
            reconcile_after_seconds=3600,
            max_attempts=3,
            dynamodb=self.dynamodb,
            stepfunctions=boto3.client(
                "stepfunctions", endpoint_url=self.cloud.engine_url, region_name=region
            ),
            clock=lambda: datetime.now(UTC) + timedelta(hours=2),
        )
        return reconcile(deps)


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """The local cloud for this module (no latency; faults are switched on by the tests)."""
    with running_cloud(TIME_SCALE) as local_cloud:
        yield local_cloud


@pytest.fixture(scope="module")
def billing(cloud: LocalCloud) -> BillingDriver:
    """The module's driver."""
    return BillingDriver(cloud)


def _captures_ended(billing: BillingDriver, key: str, outcome: Outcome) -> bool:
    """Whether a capture request of shipment `key` has ended with `outcome`."""
    return any(
        request.body.get("externalReference") == key
        for request in billing.payments.requests("POST", "/captures", outcome=outcome)
    )


def _accept_twice(billing: BillingDriver, body: dict[str, Any]) -> str:
    """Deliver a shipment webhook and its redelivery; the execution ARN."""
    arn = billing.accept(body)
    duplicate = billing.send(body)
    assert duplicate.status_code == 200, duplicate.text
    return arn


@pytest.fixture(scope="module")
def batch(billing: BillingDriver) -> dict[str, Any]:
    """GIVEN four shipments, each webhook delivered twice: one whose capture answer is lost
    after the gateway captured, one whose capture meets a 503, one without trouble (and
    without a tracking URL) and one with a declined card WHEN their billings end."""
    lost, refused = billing.shipment(), billing.shipment()
    plain = billing.shipment(trackingUrl=None)
    declined = billing.shipment("pay_declined")
    arns = {}
    for body, faults, outcome in (
        (lost, Faults(reset=1.0), Outcome.RESET),
        (refused, Faults(error_503=1.0), Outcome.ERROR_503),
    ):
        billing.payments.configure(faults=faults)
        try:
            arns[body["shipmentId"]] = _accept_twice(billing, body)
            ended = functools.partial(
                _captures_ended, billing, f"shipment-3pl-{body['shipmentId']}", outcome
            )
            assert eventually(ended, EXECUTION_TIMEOUT)
        finally:
            billing.payments.configure(faults=NO_FAULTS)
    for body in (plain, declined):
        arns[body["shipmentId"]] = _accept_twice(billing, body)
    descriptions = {shipment: billing.finish(arn) for shipment, arn in arns.items()}
    bodies = [lost, refused, plain]
    return {
        "billed": [f"shipment-3pl-{body['shipmentId']}" for body in bodies],
        "lost": f"shipment-3pl-{lost['shipmentId']}",
        "bodies": bodies,
        "declined": f"shipment-3pl-{declined['shipmentId']}",
        "arns": arns,
        "descriptions": descriptions,
    }


def test_then_each_shipment_has_one_execution_and_the_paid_ones_succeed(billing, batch):
    statuses = {
        shipment: description["status"] for shipment, description in batch["descriptions"].items()
    }
    executions = billing.engine.list_executions({"stateMachineArn": billing.state_machine_arn})
    names = [execution["name"] for execution in executions["executions"]]
    assert sorted(statuses.values()) == ["FAILED", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]
    for key in [*batch["billed"], batch["declined"]]:
        assert names.count(key) == 1


def test_then_each_paid_shipment_is_captured_exactly_once(billing, batch):
    for key in batch["billed"]:
        [capture] = billing.captures_of(key)
        assert capture["amount"] == "39.98"


def test_then_a_capture_whose_answer_was_lost_is_replayed_not_repeated(billing, batch):
    key = batch["lost"]
    assert _captures_ended(billing, key, Outcome.RESET)
    assert _captures_ended(billing, key, Outcome.REPLAYED)
    assert len(billing.captures_of(key)) == 1


def test_then_each_paid_shipment_is_invoiced_exactly_once(billing, batch):
    for key in batch["billed"]:
        [invoice] = billing.invoices_of(key)
        assert invoice["paymentCaptureId"] == billing.captures_of(key)[0]["id"]


def test_then_each_paid_shipment_is_marked_billed_with_its_capture_and_invoice(billing, batch):
    for key in batch["billed"]:
        record = billing.record(key)
        assert record["status"] == "BILLED"
        assert "billingState" not in record
        assert record["captureId"] == billing.captures_of(key)[0]["id"]
        assert record["invoiceId"] == billing.invoices_of(key)[0]["id"]


def test_then_a_paid_billing_runs_every_step_in_order(billing, batch):
    arn = batch["arns"][batch["bodies"][0]["shipmentId"]]
    assert [state for state in billing.states(arn) if state != "CapturePayment"] == (
        BILLED_STATES[1:]
    )
    assert billing.states(arn)[0] == "CapturePayment"


def test_then_each_paid_shipment_sends_its_tracking_to_the_storefront_once(billing, batch):
    order_ids = [billing.order_ids[body["shipmentId"]] for body in batch["bodies"]]

    def tracked() -> bool:
        return all(billing.storefront.fulfillments(order_id) for order_id in order_ids)

    assert eventually(tracked, TRACKING_TIMEOUT)
    for body, order_id in zip(batch["bodies"], order_ids, strict=True):
        [fulfillment] = billing.storefront.fulfillments(order_id)
        assert fulfillment["trackingNumber"] == body["trackingNumber"]
        assert fulfillment.get("trackingUrl") == body["trackingUrl"]


def test_then_the_declined_card_is_recorded_never_retried_and_never_invoiced(billing, batch):
    key = batch["declined"]
    description = batch["descriptions"][key.removeprefix("shipment-3pl-")]
    arn = batch["arns"][key.removeprefix("shipment-3pl-")]
    declines = [
        request
        for request in billing.payments.requests("POST", "/captures", status=402)
        if request.body.get("externalReference") == key
    ]
    assert description["error"] == "PaymentDeclined"
    assert billing.states(arn) == [
        "CapturePayment",
        "MarkShipmentFailed",
        "RecordFailure",
        "BillingFailed",
    ]
    assert len(declines) == 1
    assert billing.captures_of(key) == []
    assert billing.invoices_of(key) == []
    assert billing.record(key)["status"] == "DECLINED"
    assert "billingState" not in billing.record(key)


def test_given_a_shipment_before_its_order_terms_when_they_arrive_then_it_is_billed_once(
    billing,
):
    body = billing.shipment(terms=False)
    key = f"shipment-3pl-{body['shipmentId']}"
    arn = billing.accept(body)
    waited = functools.partial(_capture_waited_for_terms, billing, arn)
    assert eventually(waited, EXECUTION_TIMEOUT)

    billing.record_terms(body, "pay_3PkQ2ZL9r1")

    assert billing.finish(arn)["status"] == "SUCCEEDED"
    [capture] = billing.captures_of(key)
    assert capture["amount"] == "39.98"
    assert len(billing.invoices_of(key)) == 1


def _capture_waited_for_terms(billing: BillingDriver, execution_arn: str) -> bool:
    """Whether the capture step has failed once on terms not recorded yet (and is retrying)."""
    page = billing.engine.get_execution_history({"executionArn": execution_arn})
    return any(
        event.get("taskFailedEventDetails", {}).get("error") == "OrderTermsNotRecorded"
        for event in page["events"]
    )


def test_given_a_billing_stopped_while_invoicing_when_reconciled_then_it_is_billed_once(
    billing,
):
    body = billing.shipment()
    key = f"shipment-3pl-{body['shipmentId']}"
    billing.erp.pause()
    try:
        arn = billing.accept(body)
        assert billing.erp.wait_for_in_flight(1, timeout=EXECUTION_TIMEOUT)
        billing.engine.stop_execution(
            {"executionArn": arn, "error": "Ops.Stopped", "cause": "stopped by a test"}
        )
    finally:
        billing.erp.resume()
    assert billing.finish(arn)["status"] == "ABORTED"
    assert billing.erp.wait_until_idle(timeout=EXECUTION_TIMEOUT)

    outcomes = [
        outcome for outcome in billing.reconcile_two_hours_later() if outcome.business_key == key
    ]

    assert [outcome.action for outcome in outcomes] == [REDRIVEN]
    assert billing.finish(arn)["status"] == "SUCCEEDED"
    assert billing.record(key)["status"] == "BILLED"
    assert len(billing.captures_of(key)) == 1
    assert len(billing.invoices_of(key)) == 1
    assert len(billing.erp.requests("POST", "/invoices", idempotency_key=f"{key}-invoice")) == 1
