"""A valid order through the webhook: what the providers receive, what is recorded, the history.

One order is sent once for the module (GIVEN/WHEN); each test checks one outcome of it (THEN).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from sluice.cloud.local_cloud import LocalCloud
from tests.workflows.support import (
    OrdersDriver,
    business_key,
    event_types,
    eventually,
    running_cloud,
)

TIME_SCALE = 10
CRM_UPDATE_TIMEOUT = 15.0
# The steps of DESIGN.md's orders process, in this order (other states may come between).
PROCESS_STEPS = [
    "ValidateOrder",
    "UpsertCustomer",
    "CreateSalesOrder",
    "CreateFulfilment",
    "SendCustomerUpdate",
    "RecordOrder",
]
TASK_EVENTS = [
    "TaskStateEntered",
    "TaskScheduled",
    "TaskStarted",
    "TaskSucceeded",
    "TaskStateExited",
]


@dataclass(frozen=True)
class ProcessedOrder:
    """The order sent, its business key, execution and what the engine said about it."""

    payload: dict[str, Any]
    business_key: str
    execution_arn: str
    description: dict[str, Any]


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """The local cloud for this module (no latency, no faults)."""
    with running_cloud(TIME_SCALE) as local_cloud:
        yield local_cloud


@pytest.fixture(scope="module")
def driver(cloud: LocalCloud) -> OrdersDriver:
    """The module's driver (its journals are read, never reset, by these tests)."""
    return OrdersDriver(cloud)


@pytest.fixture(scope="module")
def processed(driver: OrdersDriver) -> ProcessedOrder:
    """GIVEN a valid order of a new customer WHEN its signed webhook is sent, and the run ends."""
    webhook = driver.webhooks.new_order()
    execution_arn = driver.accept(webhook)
    description = driver.finish(execution_arn)
    return ProcessedOrder(
        webhook.payload(), business_key(execution_arn), execution_arn, description
    )


def test_then_the_execution_succeeds_named_by_the_business_key(processed):
    assert processed.description["status"] == "SUCCEEDED"
    assert processed.business_key == f"order-shopify-{processed.payload['id']}"


def test_then_the_erp_is_asked_for_the_customer_once_and_creates_it_once(driver, processed):
    email = processed.payload["customer"]["email"]

    lookups = driver.erp.requests("GET", "/customers")
    creations = driver.erp.requests("POST", "/customers")

    assert [request.query.get("email") for request in lookups] == [email]
    assert [request.status for request in creations] == [201]
    assert [customer["email"] for customer in driver.erp.customers] == [email]


def test_then_one_sales_order_is_created_with_the_business_key_idempotency_key(driver, processed):
    posts = driver.erp.requests("POST", "/sales-orders")

    assert [(request.status, request.idempotency_key) for request in posts] == [
        (201, f"{processed.business_key}-sales-order")
    ]
    assert [order["externalReference"] for order in driver.erp.sales_orders] == [
        processed.business_key
    ]


def test_then_one_fulfilment_is_created_in_the_warehouse(driver, processed):
    posts = driver.warehouse.requests("POST", "/fulfilments")

    assert [request.status for request in posts] == [201]
    assert posts[0].idempotency_key == f"{processed.business_key}-fulfilment"


def test_then_the_crm_update_is_dispatched_to_the_erp_once(driver, processed):
    customer_id = driver.erp.customers[0]["id"]
    sales_order_id = driver.erp.sales_orders[0]["id"]

    dispatched = eventually(
        lambda: bool(driver.erp.order_history(customer_id)), timeout=CRM_UPDATE_TIMEOUT
    )

    assert dispatched, "the CRM update never reached the ERP"
    assert eventually(lambda: driver.erp_queue_depth() == 0, timeout=CRM_UPDATE_TIMEOUT)
    updates = driver.erp.requests("POST", "/customers/{id}/orders")
    assert [(request.path, request.status) for request in updates] == [
        (f"/customers/{customer_id}/orders", 201)
    ]
    assert updates[0].idempotency_key == f"{processed.business_key}-customer-update"
    assert updates[0].body["salesOrderId"] == sales_order_id


def test_then_the_order_is_recorded_processed_with_the_providers_ids(driver, processed):
    record = driver.order_record(processed.business_key)

    assert record is not None
    assert record["status"] == "PROCESSED"
    assert record["customerId"] == driver.erp.customers[0]["id"]
    assert record["salesOrderId"] == driver.erp.sales_orders[0]["id"]
    assert (
        record["fulfilmentId"]
        == driver.warehouse.requests("POST", "/fulfilments")[0].response_body["id"]
    )
    assert record["executionArn"] == processed.execution_arn


def _happy_path(driver: OrdersDriver) -> list[tuple[str, str]]:
    """(name, type) of each state from StartAt along `Next`, in the deployed definition."""
    definition = json.loads(
        driver.engine.describe_state_machine({"stateMachineArn": driver.state_machine_arn})[
            "definition"
        ]
    )
    path, name = [], definition["StartAt"]
    while name is not None:
        state = definition["States"][name]
        path.append((name, state["Type"]))
        name = state.get("Next")
    return path


def test_then_the_history_enters_the_process_steps_in_order(driver, processed):
    entered = [name for _, name in driver.steps(processed.execution_arn)]

    assert [name for name in entered if name in PROCESS_STEPS] == PROCESS_STEPS
    assert entered == [name for name, _ in _happy_path(driver)]


def test_then_the_history_has_aws_event_types_for_each_state(driver, processed):
    types = event_types(driver.history(processed.execution_arn))

    expected = ["ExecutionStarted"]
    for _, kind in _happy_path(driver):
        expected += TASK_EVENTS if kind == "Task" else [f"{kind}StateEntered", f"{kind}StateExited"]
    expected.append("ExecutionSucceeded")
    assert types == expected


def test_then_the_execution_output_carries_the_ids(driver, processed):
    record = driver.order_record(processed.business_key)

    assert record is not None
    assert processed.description["output"] is not None
    output = json.loads(processed.description["output"])
    assert output == {
        "businessKey": processed.business_key,
        "customerId": record["customerId"],
        "salesOrderId": record["salesOrderId"],
        "salesOrderNumber": driver.erp.sales_orders[0]["number"],
        "fulfilmentId": record["fulfilmentId"],
    }
