"""Orders that go wrong on the local cloud: a data error, and an ERP that drops its answer.

The ERP changes behaviour exactly when a workflow reaches CreateSalesOrder (`when_invoked`),
so the customer step before it always succeeds and each test is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sluice.cloud.local_cloud import LocalCloud
from sluice.simulators import NO_FAULTS, Faults, Outcome
from tests.workflows.support import (
    OrdersDriver,
    attempts,
    business_key,
    event_types,
    running_cloud,
    sales_orders_by_reference,
    task_failures,
)

# Retry intervals of 10 s and more (with full jitter) pass 40 times faster.
TIME_SCALE = 40


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """The local cloud for this module (no latency; faults are switched on by the tests)."""
    with running_cloud(TIME_SCALE) as local_cloud:
        yield local_cloud


def _erp_goes(orders: OrdersDriver, faults: Faults) -> None:
    orders.erp.configure(faults=faults)


# A data error


def test_given_an_order_whose_total_is_wrong_then_it_fails_via_record_failure(orders):
    arn = orders.accept(orders.webhooks.new_order(total="1.00"))

    description = orders.finish(arn)

    assert description["status"] == "FAILED"
    assert description["error"] == "OrderInvalid"
    assert [name for _, name in orders.steps(arn)] == [
        "ValidateOrder",
        "RecordFailure",
        "OrderFailed",
    ]
    assert event_types(orders.history(arn))[-1] == "ExecutionFailed"


def test_given_an_order_whose_total_is_wrong_then_the_ops_table_names_state_error_and_cause(
    orders,
):
    arn = orders.accept(orders.webhooks.new_order(total="1.00"))
    orders.finish(arn)
    key = business_key(arn)

    [failure] = orders.ops_failures(key)

    assert failure["failureId"] == f"{key}#r0"
    assert failure["workflow"] == "orders"
    assert failure["executionArn"] == arn
    assert failure["failedState"] == "ValidateOrder"
    assert failure["error"] == "OrderInvalid"
    assert "total 1.00 does not equal" in failure["cause"]


def test_given_an_order_whose_total_is_wrong_then_no_provider_is_called_and_it_stays_received(
    orders,
):
    arn = orders.accept(orders.webhooks.new_order(total="1.00"))

    orders.finish(arn)

    assert orders.erp.requests() == []
    assert orders.warehouse.requests() == []
    record = orders.order_record(business_key(arn))
    assert record is not None and record["status"] == "RECEIVED"


# The ERP drops its answer after creating the sales order


def test_given_the_erp_drops_the_sales_order_answer_then_retry_replays_the_same_sales_order(
    orders,
):
    drop_first_answer = {
        1: lambda: _erp_goes(orders, Faults(reset=1.0)),
        2: lambda: _erp_goes(orders, NO_FAULTS),
    }
    with orders.when_invoked("CreateSalesOrderFunction", drop_first_answer):
        arn = orders.accept(orders.webhooks.new_order())
        description = orders.finish(arn)
    key = business_key(arn)

    assert description["status"] == "SUCCEEDED"
    posts = orders.erp.requests("POST", "/sales-orders")
    assert [(request.outcome, request.idempotency_key) for request in posts] == [
        (Outcome.RESET, f"{key}-sales-order"),
        (Outcome.REPLAYED, f"{key}-sales-order"),
    ]
    assert sales_orders_by_reference(orders.erp) == {key: [posts[1].response_body["id"]]}
    record = orders.order_record(key)
    assert record is not None and record["salesOrderId"] == posts[1].response_body["id"]


def test_given_the_erp_drops_the_sales_order_answer_then_the_history_shows_the_state_retry(
    orders,
):
    drop_first_answer = {
        1: lambda: _erp_goes(orders, Faults(reset=1.0)),
        2: lambda: _erp_goes(orders, NO_FAULTS),
    }
    with orders.when_invoked("CreateSalesOrderFunction", drop_first_answer):
        arn = orders.accept(orders.webhooks.new_order())
        orders.finish(arn)

    history = orders.history(arn)

    # The lost answer is a ProviderUnavailable; the governor then holds the ERP account back
    # for a moment, so retries that come early fail fast with ProviderBackoff (no request).
    failures = task_failures(history)
    assert failures[0] == "ProviderUnavailable"
    assert set(failures[1:]) <= {"ProviderBackoff"}
    assert [name for _, name in orders.steps(arn)].count("CreateSalesOrder") == 1
    assert attempts(history, "CreateSalesOrder") == len(failures) + 1
