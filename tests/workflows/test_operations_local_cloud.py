"""Operations on the local cloud: Slack alerts, digests, duplicates, redrive and re-run.

Failures reach the notifier as on AWS: the engine's status-change event goes through the
template's EventBridge rule to the alerts queue, whose event source mapping invokes the
notifier, which posts to the Slack simulator (one message a second, 429 over that).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator

import pytest

from sluice.cloud.local_cloud import LocalCloud
from sluice.entrypoints.status_events import status_change_event
from sluice.simulators.settings import RateLimit
from sluice_shared.keys import order_business_key
from sluice_shared.models.orders import Order
from sluice_shared.ops.reruns import rerun_name
from tests.workflows.slack_alerts import (
    ALERT_TIMEOUT,
    NOTIFIER,
    fail_while_throttled,
    texts,
)
from tests.workflows.support import (
    OrdersDriver,
    business_key,
    eventually,
    running_cloud,
    sales_orders_by_reference,
)

# Waits pass ten times faster; the notifier's 60 s timeout leaves it 6 wall seconds.
TIME_SCALE = 5
STORM_SIZE = 200
DIGEST_TITLE = re.compile(r"^(\d+) alerts at once \((\d+) failed executions\)")


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """The local cloud for this module (no latency; faults are switched on by the tests)."""
    with running_cloud(TIME_SCALE) as local_cloud:
        yield local_cloud


# One failure, one message


@pytest.fixture
def invalid_order(orders: OrdersDriver) -> str:
    """GIVEN an order whose total is wrong, WHEN it runs and fails at ValidateOrder."""
    arn = orders.accept(orders.webhooks.new_order(total="1.00"))
    assert orders.finish(arn)["status"] == "FAILED"
    return arn


def test_a_failed_order_posts_one_message_with_what_staff_need(alerts, invalid_order):
    key = business_key(invalid_order)

    [message] = alerts.wait_for(key, 1)
    alerts.drained()

    text = texts([message])
    for expected in (
        "orders",
        key,
        "ValidateOrder",
        "OrderInvalid",
        "total 1.00 does not equal",
        "never",
        f"#/v2/executions/details/{invalid_order}",
        f"{key}-rerun-1",
    ):
        assert expected in text, expected
    assert [block["type"] for block in message["blocks"]][:2] == ["header", "section"]
    assert "stackTrace" not in text and "Traceback" not in text
    assert len(alerts.about(key)) == 1


def test_a_duplicate_status_event_posts_no_second_message(cloud, orders, alerts, invalid_order):
    key = business_key(invalid_order)
    alerts.wait_for(key, 1)
    alerts.drained()
    assert cloud.events is not None and cloud.model is not None
    description = orders.engine.describe_execution({"executionArn": invalid_order})
    duplicate = status_change_event(
        description, cloud.model.stack.account_id, cloud.model.stack.region, cloud.clock.now()
    )
    handled = orders.invocations(NOTIFIER)

    assert cloud.events.publish(duplicate) >= 1
    assert eventually(lambda: orders.invocations(NOTIFIER) > handled, ALERT_TIMEOUT)
    alerts.drained()

    assert len(alerts.about(key)) == 1


# A storm


def test_a_storm_of_failures_is_posted_as_digests_within_slacks_rate_limit(cloud, orders, alerts):
    slack = cloud.simulators.slack
    slack.configure(rate_limit=RateLimit(per_second=1.0 / TIME_SCALE))

    arns = [start_invalid_order(orders) for _ in range(STORM_SIZE)]

    assert {d["status"] for d in orders.finish_all(arns, timeout=120.0)} == {"FAILED"}
    keys = {f"{arn}#r0#failure" for arn in arns}
    everything_sent = eventually(
        lambda: {alerts.statuses().get(key) for key in keys} == {"SENT"}, 180.0
    )
    alerts.drained(timeout=120.0)
    assert everything_sent, (
        "some alerts of the storm were never posted: "
        f"{Counter(alerts.statuses().get(key) for key in keys)}, queue {alerts.queue_depth()}, "
        f"notifier {cloud.runtime.metrics(cloud.function_name(NOTIFIER))}"
    )
    titles = [DIGEST_TITLE.match(message["text"]) for message in alerts.messages]
    digests = [title for title in titles if title]
    singles = len(titles) - len(digests)
    assert digests
    assert sum(int(title.group(2)) for title in digests) + singles == STORM_SIZE
    assert len(alerts.messages) <= STORM_SIZE // 10
    assert len(slack.requests("POST", status=429)) <= len(alerts.messages)


def start_invalid_order(orders: OrdersDriver) -> str:
    """Start an orders execution (as ingest would) for an order whose total is wrong."""
    payload = orders.webhooks.new_order(total="1.00").payload()
    key = order_business_key("shopify", str(payload["id"]))
    document = {
        "businessKey": key,
        "source": "shopify",
        "order": Order.model_validate(payload).to_json(),
    }
    return str(
        orders.engine.start_execution(
            {
                "stateMachineArn": orders.state_machine_arn,
                "name": key,
                "input": json.dumps(document),
            }
        )["executionArn"]
    )


# Redrive, then the resolution


@pytest.fixture
def failed_while_throttled(cloud: LocalCloud, orders: OrdersDriver) -> str:
    """GIVEN ValidateOrder is throttled (reserved concurrency 0) until its retries end."""
    return fail_while_throttled(cloud, orders)


def test_a_transient_failure_is_alerted_with_redrive_as_the_remedy(alerts, failed_while_throttled):
    [message] = alerts.wait_for(business_key(failed_while_throttled), 1)

    text = texts([message])
    assert "ValidateOrder" in text and "Lambda.TooManyRequestsException" in text
    assert "Redrive the execution" in text


def test_a_redriven_order_succeeds_and_posts_its_resolution(orders, alerts, failed_while_throttled):
    key = business_key(failed_while_throttled)
    alerts.wait_for(key, 1)
    orders.engine.redrive_execution({"executionArn": failed_while_throttled})

    assert orders.finish(failed_while_throttled)["status"] == "SUCCEEDED"
    failure, resolution = alerts.wait_for(key, 2)
    assert failure["text"].startswith(f"Order {key} failed at ValidateOrder")
    assert resolution["text"] == (
        f"Resolved: order {key} succeeded after redrive 1. Earlier failure: "
        f"`Lambda.TooManyRequestsException` at ValidateOrder ({_recorded_at(orders, key)})."
    )


def _recorded_at(orders: OrdersDriver, key: str) -> str:
    [failure] = orders.ops_failures(key)
    return failure["recordedAt"]


# Fix the data and re-run


@pytest.fixture
def refused_by_the_warehouse(orders: OrdersDriver) -> str:
    """GIVEN the warehouse refuses the fulfilment (ProviderRejected, a data error) after the
    sales order was created."""
    api_key = orders.warehouse.settings.api_key
    refuse = {1: lambda: orders.warehouse.configure(api_key="not-the-key-sluice-sends")}
    with orders.when_invoked("CreateFulfilmentFunction", refuse):
        arn = orders.accept(orders.webhooks.new_order())
        description = orders.finish(arn)
    orders.warehouse.configure(api_key=api_key)
    assert (description["status"], description["error"]) == ("FAILED", "ProviderRejected")
    return arn


def test_a_fixed_and_re_run_order_creates_no_second_sales_order(
    orders, alerts, refused_by_the_warehouse
):
    key = business_key(refused_by_the_warehouse)
    first = orders.engine.describe_execution({"executionArn": refused_by_the_warehouse})
    corrected = json.loads(first["input"])
    corrected["order"]["shipping_address"]["address2"] = "Flat 2, back entrance"

    rerun = orders.engine.start_execution(
        {
            "stateMachineArn": orders.state_machine_arn,
            "name": rerun_name(key, 1),
            "input": json.dumps(corrected),
        }
    )["executionArn"]

    assert orders.finish(rerun)["status"] == "SUCCEEDED"
    assert len(sales_orders_by_reference(orders.erp)[key]) == 1
    assert [r.status for r in orders.erp.requests("POST", "/sales-orders")] == [201]
    assert len(orders.erp.customers) == 1
    fulfilments = orders.warehouse.requests("POST", "/fulfilments")
    assert [request.status for request in fulfilments] == [401, 201]
    assert fulfilments[-1].body["shipTo"]["line2"] == "Flat 2, back entrance"
    record = orders.order_record(key)
    assert record is not None and record["status"] == "PROCESSED"
    assert record["salesOrderId"] == orders.erp.sales_orders[0]["id"]


def test_a_re_run_keeps_the_business_key_and_posts_a_resolution(
    orders, alerts, refused_by_the_warehouse
):
    key = business_key(refused_by_the_warehouse)
    first = orders.engine.describe_execution({"executionArn": refused_by_the_warehouse})

    rerun = orders.engine.start_execution(
        {
            "stateMachineArn": orders.state_machine_arn,
            "name": rerun_name(key, 1),
            "input": first["input"],
        }
    )["executionArn"]
    orders.finish(rerun)

    failure, resolution = alerts.wait_for(key, 2)
    assert "CreateFulfilment" in failure["text"] and "ProviderRejected" in failure["text"]
    assert resolution["text"].startswith(
        f"Resolved: order {key} succeeded after re-run 1 (`{key}-rerun-1`)"
    )
    assert [failure["businessKey"] for failure in orders.ops_failures(key)] == [key]
