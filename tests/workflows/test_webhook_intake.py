"""The order webhook on the local cloud: redeliveries and bad requests start nothing.

Each test checks the answer, then that nothing was written to the orders table and no
execution was started (or, for a redelivery, that the first one is the only one).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sluice.cloud.local_cloud import LocalCloud
from sluice.simulators import SIGNATURE_HEADER, OrderProblem, SignedWebhook, WebhookKind, sign
from tests.workflows.support import OrdersDriver, business_key, running_cloud

TIME_SCALE = 10


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """The local cloud for this module (no latency, no faults)."""
    with running_cloud(TIME_SCALE) as local_cloud:
        yield local_cloud


def _written_and_started(orders: OrdersDriver) -> tuple[list[str], list[str]]:
    """The business keys in the orders table and the executions' names, sorted."""
    keys = sorted(record["businessKey"] for record in orders.order_records())
    names = sorted(execution["name"] for execution in orders.executions())
    return keys, names


def test_given_a_processed_order_when_its_webhook_is_redelivered_then_200_and_nothing_starts(
    orders,
):
    webhook = orders.webhooks.new_order()
    first_arn = orders.accept(webhook)
    orders.finish(first_arn)

    answer = orders.send(orders.webhooks.duplicate(webhook))

    assert answer.status_code == 200
    assert answer.json() == {"status": "duplicate", "businessKey": business_key(first_arn)}
    executions = orders.executions(business_key(first_arn))
    assert [execution["executionArn"] for execution in executions] == [first_arn]
    assert len(orders.erp.requests("POST", "/sales-orders")) == 1
    assert len(orders.warehouse.requests("POST", "/fulfilments")) == 1


def test_given_an_order_in_flight_when_its_webhook_is_redelivered_then_200_and_one_execution(
    orders,
):
    webhook = orders.webhooks.new_order()
    first_arn = orders.accept(webhook)

    answer = orders.send(orders.webhooks.duplicate(webhook))
    orders.finish(first_arn)

    assert answer.status_code == 200
    executions = orders.executions(business_key(first_arn))
    assert [execution["executionArn"] for execution in executions] == [first_arn]
    assert len(orders.erp.sales_orders) == 1


def test_given_a_badly_signed_webhook_then_401_and_nothing_written_or_started(orders):
    webhook = orders.webhooks.badly_signed(orders.webhooks.new_order())
    before = _written_and_started(orders)

    answer = orders.send(webhook)

    assert answer.status_code == 401
    assert answer.json() == {"message": "invalid signature"}
    assert _written_and_started(orders) == before


def test_given_an_unsigned_webhook_then_401_and_nothing_written_or_started(orders):
    webhook = orders.webhooks.new_order()
    headers = {name: value for name, value in webhook.headers.items() if name != SIGNATURE_HEADER}
    before = _written_and_started(orders)

    answer = orders.send(SignedWebhook(webhook.body, headers, WebhookKind.BAD_SIGNATURE))

    assert answer.status_code == 401
    assert _written_and_started(orders) == before


def test_given_a_signed_body_that_is_not_json_then_400_and_nothing_written_or_started(orders):
    good = orders.webhooks.new_order()
    body = good.body[: len(good.body) // 2]
    headers = {**good.headers, SIGNATURE_HEADER: sign(body, orders.webhooks.secret)}
    before = _written_and_started(orders)

    answer = orders.send(SignedWebhook(body, headers, WebhookKind.INVALID))

    assert answer.status_code == 400
    assert answer.json() == {"message": "body is not valid JSON"}
    assert _written_and_started(orders) == before


@pytest.mark.parametrize(
    "problem", [OrderProblem.ZERO_QUANTITY, OrderProblem.BAD_EMAIL, OrderProblem.BAD_CURRENCY]
)
def test_given_an_order_with_an_invalid_field_then_400_naming_the_field_and_nothing_starts(
    orders, problem
):
    webhook = orders.webhooks.invalid_order(problem)
    before = _written_and_started(orders)

    answer = orders.send(webhook)

    assert answer.status_code == 400
    body = answer.json()
    assert body["message"] == "order has invalid fields"
    assert problem.value in [error["field"] for error in body["errors"]]
    assert _written_and_started(orders) == before
