"""The billing operations of the dispatcher: ERP invoices with callbacks, storefront tracking."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from sluice.simulators.base import Simulator
from sluice_shared.dispatch import Dispatcher, default_registry
from sluice_shared.dispatch.callbacks import TaskCallbacks
from sluice_shared.dispatch.deferral import MessageDeferrer
from sluice_shared.dispatch.idempotency import OnceRunner
from sluice_shared.providers.client import ProviderClient
from tests.fixtures.aws import IDEMPOTENCY_TABLE_NAME, create_idempotency_table
from tests.fixtures.events import load_event
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.providers import fake_provider_settings
from tests.unit.dispatch.support import FakeStepFunctions, RequestQueue

TASK_TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAbillingtasktoken"


@dataclass
class Dispatching:
    """A dispatcher whose provider is one simulator, with a queue and fake Step Functions."""

    dispatcher: Dispatcher
    queue: RequestQueue
    stepfunctions: FakeStepFunctions

    def dispatch(self, *bodies: dict[str, Any]) -> dict[str, Any]:
        """Send the bodies and dispatch them as one batch; the partial batch response."""
        self.queue.send(*bodies)
        return dict(self.dispatcher.process_batch(self.queue.receive_event(len(bodies))).response)


def _dispatching(simulator: Simulator) -> Dispatching:
    provider_settings = fake_provider_settings(simulator.url, timeoutSeconds=5.0)

    def client_for(provider: str, account: str | None) -> ProviderClient:
        return ProviderClient(provider, provider_settings, str(simulator.settings.api_key))

    queue = RequestQueue()
    stepfunctions = FakeStepFunctions()
    dispatcher = Dispatcher(
        registry=default_registry(),
        client_for=client_for,
        callbacks=TaskCallbacks(stepfunctions),
        deferrer=MessageDeferrer(queue.client),
        once=OnceRunner(IDEMPOTENCY_TABLE_NAME, boto3.client("dynamodb"), FakeLambdaContext()),
        heartbeat_seconds=0.005,
    )
    return Dispatching(dispatcher, queue, stepfunctions)


def _body(event_file: str, **payload_changes: Any) -> dict[str, Any]:
    body = json.loads(load_event(event_file)["Records"][0]["body"])
    body["payload"].update(payload_changes)
    return body


@pytest.fixture
def mocked_aws() -> Iterator[None]:
    """A mocked idempotency table and SQS."""
    with mock_aws():
        create_idempotency_table()
        yield


@pytest.fixture
def sales_order_id(erp) -> str:
    """A sales order in the ERP simulator to invoice."""
    customer = erp.add_customer("ada@example.com")
    client = ProviderClient("erp", fake_provider_settings(erp.url), str(erp.settings.api_key))
    created = client.request(
        "POST",
        "/sales-orders",
        body={
            "customerId": customer["id"],
            "externalReference": "order-shopify-1042",
            "currency": "EUR",
            "lines": [{"sku": "MUG-BLUE", "quantity": 2, "unitPrice": "19.99"}],
            "totals": {"total": "39.98"},
        },
        idempotency_key="order-shopify-1042-sales-order",
    )
    return str(created["id"])


def test_given_an_invoice_request_when_dispatched_then_the_workflow_gets_the_invoice(
    mocked_aws, erp, sales_order_id
):
    world = _dispatching(erp)
    response = world.dispatch(_body("billing/create-invoice.json", salesOrderId=sales_order_id))
    [invoice] = erp.invoices
    [success] = world.stepfunctions.named("SendTaskSuccess")
    assert response == {"batchItemFailures": []}
    assert success["taskToken"] == TASK_TOKEN
    assert json.loads(success["output"]) == {
        "invoiceId": invoice["id"],
        "invoiceNumber": invoice["number"],
    }


def test_given_an_invoice_request_when_dispatched_then_the_erp_gets_the_shipment_lines(
    mocked_aws, erp, sales_order_id
):
    world = _dispatching(erp)
    world.dispatch(_body("billing/create-invoice.json", salesOrderId=sales_order_id))
    [request] = erp.requests("POST", "/invoices")
    assert request.headers["idempotency-key"] == "shipment-3pl-SHP-000042-invoice"
    assert request.body["externalReference"] == "shipment-3pl-SHP-000042"
    assert request.body["amount"] == "39.98"
    assert request.body["paymentCaptureId"] == "cap_000001"
    assert request.body["lines"] == [{"sku": "MUG-BLUE", "quantity": 2, "unitPrice": "19.99"}]


def test_given_a_redelivered_invoice_request_when_dispatched_then_one_invoice_is_created(
    mocked_aws, erp, sales_order_id
):
    world = _dispatching(erp)
    body = _body("billing/create-invoice.json", salesOrderId=sales_order_id)
    world.dispatch(body)
    world.dispatch(body)
    successes = world.stepfunctions.named("SendTaskSuccess")
    assert len(erp.invoices) == 1
    assert len(erp.requests("POST", "/invoices")) == 1
    assert successes[0]["output"] == successes[1]["output"]


def test_given_an_unknown_sales_order_when_invoiced_then_the_workflow_gets_provider_rejected(
    mocked_aws, erp
):
    world = _dispatching(erp)
    response = world.dispatch(_body("billing/create-invoice.json", salesOrderId="SO-404"))
    [failure] = world.stepfunctions.named("SendTaskFailure")
    assert response == {"batchItemFailures": []}
    assert failure["error"] == "ProviderRejected"
    assert "HTTP 422" in failure["cause"]
    assert erp.invoices == []


def test_given_an_invalid_invoice_payload_when_dispatched_then_request_invalid_and_no_call(
    mocked_aws, erp
):
    world = _dispatching(erp)
    world.dispatch(_body("billing/create-invoice.json", amount="-1.00"))
    [failure] = world.stepfunctions.named("SendTaskFailure")
    assert failure["error"] == "RequestInvalid"
    assert "amount" in failure["cause"]
    assert erp.requests("POST", "/invoices") == []


def test_given_a_tracking_request_when_dispatched_then_the_storefront_order_gets_it_once(
    mocked_aws, storefront
):
    world = _dispatching(storefront)
    body = _body("billing/send-tracking.json")
    world.dispatch(body)
    world.dispatch(body)
    [fulfillment] = storefront.fulfillments("1042")
    [request] = storefront.requests("POST", "/orders/1042/fulfillments")
    assert request.headers["idempotency-key"] == "shipment-3pl-SHP-000042-tracking"
    assert fulfillment["trackingNumber"] == "004217380291"
    assert fulfillment["carrier"] == "DHL"
