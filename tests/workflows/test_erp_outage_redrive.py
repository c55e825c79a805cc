"""An ERP outage that outlasts the state's retries, then a redrive, on the local cloud.

GIVEN the ERP answers 503 to every call from the moment the workflow reaches CreateSalesOrder,
the execution fails at that task (transient errors are not caught). WHEN the outage is over and
the execution is redriven, THEN it resumes at CreateSalesOrder, succeeds, repeats no earlier
step and creates one sales order. The scenario runs once; each test checks one outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from sluice.cloud.local_cloud import LocalCloud
from sluice.simulators import NO_FAULTS, Faults
from tests.workflows.support import (
    OrdersDriver,
    attempts,
    business_key,
    event_types,
    eventually,
    running_cloud,
    sales_orders_by_reference,
    task_failures,
)

# Retry intervals of 10 s and more (with full jitter) pass 40 times faster.
TIME_SCALE = 40
# Six retries of ProviderUnavailable: at most 10+20+40+80+160+320 s = 630 s, 16 s here.
OUTAGE_TIMEOUT = 60.0
# Errors the outage surfaces: the ERP's 503s, and the governor's fast refusals while it holds
# the ERP account back after consecutive errors (those send nothing to the ERP).
OUTAGE_ERRORS = {"ProviderUnavailable", "ProviderBackoff"}
UNAVAILABLE_ATTEMPTS = 7
OPS_RECORD_TIMEOUT = 10.0


@dataclass(frozen=True)
class Outage:
    """The execution, its description and history when it failed, and after the redrive."""

    arn: str
    failed: dict[str, Any]
    failed_history: list[dict[str, Any]]
    failed_sales_order_posts: int
    redriven: dict[str, Any]
    history: list[dict[str, Any]]


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """The local cloud for this module (no latency, no faults until the outage)."""
    with running_cloud(TIME_SCALE) as local_cloud:
        yield local_cloud


@pytest.fixture(scope="module")
def driver(cloud: LocalCloud) -> OrdersDriver:
    """The module's driver (its journals are read, never reset, by these tests)."""
    return OrdersDriver(cloud)


@pytest.fixture(scope="module")
def outage(driver: OrdersDriver) -> Outage:
    """The ERP goes down at CreateSalesOrder; the run fails; the ERP recovers; it is redriven."""
    down = {1: lambda: driver.erp.configure(faults=Faults(error_503=1.0))}
    with driver.when_invoked("CreateSalesOrderFunction", down):
        arn = driver.accept(driver.webhooks.new_order())
        failed = driver.finish(arn, timeout=OUTAGE_TIMEOUT)
    failed_history = driver.history(arn)
    posts = len(driver.erp.requests("POST", "/sales-orders"))
    driver.erp.configure(faults=NO_FAULTS)
    driver.engine.redrive_execution({"executionArn": arn})
    redriven = driver.finish(arn)
    return Outage(arn, failed, failed_history, posts, redriven, driver.history(arn))


def test_then_the_execution_fails_at_the_task_itself_not_via_record_failure(outage):
    entered = [
        event["stateEnteredEventDetails"]["name"]
        for event in outage.failed_history
        if "stateEnteredEventDetails" in event
    ]

    assert outage.failed["status"] == "FAILED"
    assert outage.failed["error"] in OUTAGE_ERRORS
    assert entered[-1] == "CreateSalesOrder" and "RecordFailure" not in entered
    assert event_types(outage.failed_history)[-2:] == ["TaskFailed", "ExecutionFailed"]


def test_then_the_state_retried_until_its_retriers_gave_up(outage):
    """Six retries of ProviderUnavailable (MaxAttempts 6); governor refusals count apart."""
    failures = task_failures(outage.failed_history)
    assert set(failures) <= OUTAGE_ERRORS
    assert failures.count("ProviderUnavailable") <= UNAVAILABLE_ATTEMPTS
    assert attempts(outage.failed_history, "CreateSalesOrder") == len(failures)


def test_then_the_governor_kept_the_erp_from_being_hammered(outage):
    """Only the attempts the governor let through reached the ERP."""
    failures = task_failures(outage.failed_history)
    assert outage.failed_sales_order_posts == failures.count("ProviderUnavailable")


def test_then_the_uncaught_failure_is_recorded_for_ops_from_the_status_change_event(driver, outage):
    key = business_key(outage.arn)

    recorded = eventually(lambda: bool(driver.ops_failures(key)), timeout=OPS_RECORD_TIMEOUT)

    assert recorded, "no ops record for the failed execution"
    [failure] = driver.ops_failures(key)
    assert failure["failureId"] == f"{key}#r0"
    assert failure["executionArn"] == outage.arn
    assert failure["failedState"] == "CreateSalesOrder"
    assert failure["error"] in OUTAGE_ERRORS


def test_then_the_failed_execution_is_redrivable(outage):
    assert outage.failed["redriveStatus"] == "REDRIVABLE"


def test_when_redriven_then_it_succeeds_with_redrive_count_one(outage):
    assert outage.redriven["status"] == "SUCCEEDED"
    assert outage.redriven["redriveCount"] == 1
    assert event_types(outage.history).count("ExecutionRedriven") == 1


def test_when_redriven_then_it_resumes_at_the_failed_task(outage):
    redriven_at = event_types(outage.history).index("ExecutionRedriven")
    entered_after = [
        event["stateEnteredEventDetails"]["name"]
        for event in outage.history[redriven_at:]
        if "stateEnteredEventDetails" in event
    ]

    assert entered_after[0] == "CreateSalesOrder"
    assert outage.history[: len(outage.failed_history)] == outage.failed_history


def test_when_redriven_then_earlier_steps_are_not_run_again(driver, outage):
    assert attempts(outage.history, "ValidateOrder") == 1
    assert attempts(outage.history, "UpsertCustomer") == 1
    assert len(driver.erp.requests("GET", "/customers")) == 1
    assert len(driver.erp.requests("POST", "/customers")) == 1


def test_when_redriven_then_one_sales_order_exists_and_the_order_is_processed(driver, outage):
    key = business_key(outage.arn)
    statuses = [request.status for request in driver.erp.requests("POST", "/sales-orders")]

    refused = task_failures(outage.failed_history).count("ProviderUnavailable")
    assert statuses == [503] * refused + [201]
    assert sales_orders_by_reference(driver.erp) == {key: [driver.erp.sales_orders[0]["id"]]}
    record = driver.order_record(key)
    assert record is not None
    assert (record["status"], record["salesOrderId"]) == (
        "PROCESSED",
        driver.erp.sales_orders[0]["id"],
    )
