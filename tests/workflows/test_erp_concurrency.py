"""60 orders at once against an ERP capped at 5 concurrent requests, on the local cloud.

GIVEN the ERP answers 429 beyond 5 requests in flight, each taking 8 s (simulated), WHEN 60
orders arrive together, THEN the cap is never exceeded, the 429s show up in the histories as
ProviderThrottled retries, and every order still succeeds with exactly one sales order.

Everything runs in this one process: under the burst a Lambda's real compute can outgrow its
scaled timeout, so a Sandbox.Timedout or States.Timeout retry (and, after a state timeout,
IdempotencyAlreadyInProgressError while the first attempt still runs) may appear too. So may a
ProviderTimeout: a step whose compute has eaten its invocation down to less than the ERP's
answer needs does not send the request (the ERP's own latency is fixed, well inside it). So may
the governor's own errors: GovernorSaturated while the sync budget (10 slots) is full, and
ProviderBackoff once consecutive 429s make the account back off. Those are
retried by the same states, as on AWS; any other error fails the test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from sluice.cloud.local_cloud import LocalCloud
from sluice.simulators import FixedLatency
from tests.workflows.support import (
    OrdersDriver,
    business_key,
    erp_settings,
    event_types,
    running_cloud,
    sales_orders_by_reference,
    task_failures,
)

TIME_SCALE = 20
ERP_CAP = 5
ERP_LATENCY_SECONDS = 8.0
ORDER_COUNT = 60
BURST_TIMEOUT = 100.0
# The routes the workflow's sync steps call (the dispatcher's CRM updates are async).
SYNC_ROUTES = (("GET", "/customers"), ("POST", "/customers"), ("POST", "/sales-orders"))
THROTTLED = "ProviderThrottled"
# Retried errors that come from this machine's speed under the burst, not from the ERP.
COMPUTE_TIMEOUTS = {"Sandbox.Timedout", "States.Timeout", "ProviderTimeout"}
IN_PROGRESS = "IdempotencyAlreadyInProgressError"
GOVERNOR = {"GovernorSaturated", "ProviderBackoff"}


@dataclass(frozen=True)
class Burst:
    """The executions of the burst, their descriptions and histories."""

    arns: list[str]
    descriptions: list[dict]
    histories: dict[str, list[dict]]


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """A local cloud whose ERP allows 5 requests in flight, each taking 8 s."""
    simulators = erp_settings(
        concurrency_cap=ERP_CAP, latency=FixedLatency(ERP_LATENCY_SECONDS), retry_after_seconds=1
    )
    with running_cloud(TIME_SCALE, simulators=simulators) as local_cloud:
        yield local_cloud


@pytest.fixture(scope="module")
def driver(cloud: LocalCloud) -> OrdersDriver:
    """The module's driver (its journals are read, never reset, by these tests)."""
    return OrdersDriver(cloud)


@pytest.fixture(scope="module")
def burst(driver: OrdersDriver) -> Burst:
    """GIVEN warm functions WHEN 60 orders of new customers arrive at once, and all end.

    One order goes through first: 60 cold starts at once would share this process's CPU
    (Lambda gives each its own), and their slowness is not what this test is about.
    """
    driver.finish(driver.accept(driver.webhooks.new_order()))
    driver.settle()
    webhooks = [driver.webhooks.new_order() for _ in range(ORDER_COUNT)]
    arns = driver.accept_all(webhooks, senders=12)
    descriptions = driver.finish_all(arns, timeout=BURST_TIMEOUT)
    return Burst(arns, descriptions, {arn: driver.history(arn) for arn in arns})


def test_then_every_order_succeeds(burst):
    statuses = {description["status"] for description in burst.descriptions}

    assert statuses == {"SUCCEEDED"}, [
        (d["name"], d["status"], d.get("error")) for d in burst.descriptions
    ]


def test_then_the_erp_never_has_more_than_its_cap_in_flight(driver, burst):
    assert driver.erp.max_concurrent <= ERP_CAP
    assert max(request.in_flight for request in driver.erp.requests()) <= ERP_CAP


def test_then_the_cap_was_reached_and_requests_were_refused_with_429(driver, burst):
    assert driver.erp.max_concurrent == ERP_CAP
    assert driver.erp.throttled_count > 0


def test_then_the_429s_of_the_steps_surface_as_provider_throttled_retries(driver, burst):
    refused = sum(
        len(driver.erp.requests(method, path, status=429)) for method, path in SYNC_ROUTES
    )
    errors = Counter(
        error for history in burst.histories.values() for error in task_failures(history)
    )
    timed_out = sum(errors[error] for error in COMPUTE_TIMEOUTS)

    assert set(errors) <= {THROTTLED, IN_PROGRESS, *GOVERNOR, *COMPUTE_TIMEOUTS}, errors
    assert errors[THROTTLED] > 0
    # Each 429 made its attempt fail with ProviderThrottled, unless that attempt had already
    # been given up as timed out.
    assert errors[THROTTLED] <= refused <= errors[THROTTLED] + timed_out


def test_then_a_throttled_step_is_retried_by_its_state_not_entered_again(burst):
    throttled = [arn for arn, history in burst.histories.items() if task_failures(history)]

    assert throttled
    for arn in throttled:
        history = burst.histories[arn]
        entered = [
            event["stateEnteredEventDetails"]["name"]
            for event in history
            if "stateEnteredEventDetails" in event
        ]
        assert len(entered) == len(set(entered)), entered
        types = event_types(history)
        retries = types.count("TaskScheduled") - types.count("TaskStateEntered")
        assert retries == len(task_failures(history))


def test_then_each_order_has_exactly_one_sales_order(driver, burst):
    by_reference = sales_orders_by_reference(driver.erp)

    assert sorted(by_reference) == sorted(business_key(arn) for arn in burst.arns)
    assert {len(ids) for ids in by_reference.values()} == {1}
