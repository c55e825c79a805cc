"""Drive the orders workflow on a local cloud: send webhooks, wait for executions, read records.

Every wait here is bounded (real seconds) and fails the test with what it was waiting for.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from aws_lambda_powertools.utilities import parameters

from sluice.cloud.local_cloud import LocalCloud
from sluice.cloud.settings import CloudSettings
from sluice.cloud.traffic import send_all
from sluice.simulators import (
    ErpSimulator,
    OrderFactory,
    OrderWebhooks,
    SignedWebhook,
    SimulatorsSettings,
    deliver,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_LAYER = REPO_ROOT / "layers" / "shared" / "python"
TEMPLATE = REPO_ROOT / "template.yaml"
ORDERS_API = "OrdersApi"
WEBHOOK_PATH = "/webhooks/orders/shopify"
ORDERS_STATE_MACHINE = "OrdersStateMachine"
EXECUTION_TIMEOUT = 60.0
SETTLE_TIMEOUT = 20.0
POLL_SECONDS = 0.01
# Order ids of each test start at their own block, so business keys never repeat in one cloud.
_ORDER_ID_BLOCKS = itertools.count(10_000, 10_000)


def forget_warm_state() -> None:
    """Drop what warm handlers cached in this process (boto3 clients, Powertools providers).

    The functions of every local cloud share this process and its layer modules, so the
    clients a handler cached for an earlier local cloud would still point at that cloud's
    (stopped) moto server. A new local cloud must start from cold handlers, as a new
    deployment does.
    """
    layer = str(SHARED_LAYER)
    for module in list(sys.modules.values()):
        if not str(getattr(module, "__file__", None) or "").startswith(layer):
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    parameters.clear_caches()


@contextmanager
def running_cloud(
    time_scale: float,
    simulators: SimulatorsSettings | None = None,
    parameter_overrides: Mapping[str, str] | None = None,
) -> Iterator[LocalCloud]:
    """A local cloud of the real template, in memory, with quiet simulators by default."""
    forget_warm_state()
    settings = CloudSettings(
        template=TEMPLATE,
        time_scale=time_scale,
        state_dir=None,
        simulators=simulators or SimulatorsSettings(),
        parameter_overrides=dict(parameter_overrides or {}),
    )
    with LocalCloud(settings) as cloud:
        yield cloud


def erp_settings(
    simulators: SimulatorsSettings | None = None, **changes: Any
) -> SimulatorsSettings:
    """Simulator settings whose ERP differs from the defaults by `changes`."""
    chosen = simulators or SimulatorsSettings()
    return replace(chosen, erp=replace(chosen.erp, **changes))


class OrdersDriver:
    """Sends order webhooks to a local cloud and reads what the orders workflow did."""

    def __init__(self, cloud: LocalCloud) -> None:
        assert cloud.engine is not None and cloud.model is not None and cloud.runtime is not None
        self.cloud = cloud
        self.engine = cloud.engine
        self.runtime = cloud.runtime
        self.erp = cloud.simulators.erp
        self.warehouse = cloud.simulators.warehouse
        self.url = cloud.api_url(ORDERS_API) + WEBHOOK_PATH
        self.state_machine_arn = cloud.state_machine_arn(ORDERS_STATE_MACHINE)
        self.webhooks = OrderWebhooks(
            cloud.simulators.settings.webhook_secret,
            OrderFactory(seed=7, first_id=next(_ORDER_ID_BLOCKS)),
        )
        region = cloud.model.stack.region
        self._dynamodb = boto3.client("dynamodb", endpoint_url=cloud.moto_url, region_name=region)
        self._sqs = boto3.client("sqs", endpoint_url=cloud.moto_url, region_name=region)
        self.orders_table = cloud.model.tables["OrdersTable"].name
        self.ops_table = cloud.model.tables["OpsFailuresTable"].name
        self.erp_queue_url = self._sqs.get_queue_url(
            QueueName=cloud.model.queues["ErpRequestQueue"].name
        )["QueueUrl"]
        self._session = requests.Session()

    # Webhooks

    def send(self, webhook: SignedWebhook) -> requests.Response:
        """POST the webhook's exact bytes to the orders API."""
        return deliver(webhook, self.url, session=self._session, timeout=30.0)

    def accept(self, webhook: SignedWebhook) -> str:
        """Send a webhook that must be accepted; return its execution ARN."""
        response = self.send(webhook)
        assert response.status_code == 202, response.text
        return str(response.json()["executionArn"])

    def accept_all(self, webhooks: Sequence[SignedWebhook], senders: int = 8) -> list[str]:
        """Send webhooks in parallel, redelivering unanswered ones as storefronts do.

        Each must end accepted: 202, or 200 when an earlier attempt that got no answer had
        in fact started the execution. Returns the execution ARNs, in order.
        """
        deliveries = send_all(webhooks, self.url, self.cloud.clock, senders)
        assert {delivery.status for delivery in deliveries} <= {200, 202}, [
            (delivery.status, delivery.answer) for delivery in deliveries
        ]
        prefix = self.state_machine_arn.replace(":stateMachine:", ":execution:", 1)
        return [f"{prefix}:{delivery.business_key}" for delivery in deliveries]

    # Executions

    def finish(self, execution_arn: str, timeout: float = EXECUTION_TIMEOUT) -> dict[str, Any]:
        """Wait (bounded) until the execution closes; return its description."""
        description = self.engine.wait_for_execution(execution_arn, timeout=timeout)
        if description["status"] == "RUNNING":
            pytest.fail(
                f"{execution_arn} still running after {timeout} s: {self.steps(execution_arn)}"
            )
        return description

    def finish_all(
        self, execution_arns: Sequence[str], timeout: float = EXECUTION_TIMEOUT
    ) -> list[dict[str, Any]]:
        """Wait (bounded, shared deadline) until every execution closes; return descriptions."""
        deadline = _Deadline(timeout)
        return [self.finish(arn, timeout=deadline.remaining()) for arn in execution_arns]

    def history(self, execution_arn: str) -> list[dict[str, Any]]:
        """The execution's whole history, oldest first."""
        request: dict[str, Any] = {"executionArn": execution_arn, "maxResults": 1000}
        events: list[dict[str, Any]] = []
        while True:
            page = self.engine.get_execution_history(request)
            events.extend(page["events"])
            if not page.get("nextToken"):
                return events
            request["nextToken"] = page["nextToken"]

    def steps(self, execution_arn: str) -> list[tuple[str, str]]:
        """(event type, state name) of every state entered, in order."""
        return [
            (event["type"], event["stateEnteredEventDetails"]["name"])
            for event in self.history(execution_arn)
            if "stateEnteredEventDetails" in event
        ]

    def executions(self, name: str | None = None) -> list[dict[str, Any]]:
        """The executions of the orders state machine (named `name`, when given)."""
        page = self.engine.list_executions(
            {"stateMachineArn": self.state_machine_arn, "maxResults": 1000}
        )
        return [execution for execution in page["executions"] if name in (None, execution["name"])]

    def invocations(self, function_logical_id: str) -> int:
        """How many times a template function was invoked."""
        return self.runtime.metrics(self.cloud.function_name(function_logical_id)).invocations

    # Tables

    def order_record(self, business_key: str) -> dict[str, str] | None:
        """The orders table item of a business key, as plain strings (None when absent)."""
        item = self._dynamodb.get_item(
            TableName=self.orders_table,
            Key={"businessKey": {"S": business_key}},
            ConsistentRead=True,
        ).get("Item")
        return None if item is None else _plain(item)

    def order_records(self) -> list[dict[str, str]]:
        """Every orders table item."""
        return [_plain(item) for item in self._scan(self.orders_table)]

    def ops_failures(self, business_key: str | None = None) -> list[dict[str, str]]:
        """The ops failures table's items (of one business key, when given)."""
        items = [_plain(item) for item in self._scan(self.ops_table)]
        return [item for item in items if business_key in (None, item["businessKey"])]

    def _scan(self, table: str) -> list[dict[str, Any]]:
        pages = self._dynamodb.get_paginator("scan").paginate(TableName=table)
        return [item for page in pages for item in page["Items"]]

    # Async work and isolation between tests

    def erp_queue_depth(self) -> int:
        """Messages on the ERP request queue, visible or being processed."""
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=self.erp_queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(
            attributes["ApproximateNumberOfMessagesNotVisible"]
        )

    def settle(self, timeout: float = SETTLE_TIMEOUT) -> None:
        """Wait (bounded) until queued async work is done, then reset the simulators.

        A CRM update still on the ERP queue would otherwise reach the next test's ERP.
        """
        deadline = _Deadline(timeout)
        drained = eventually(lambda: self.erp_queue_depth() == 0, deadline.remaining())
        for simulator in self.cloud.simulators.all.values():
            simulator.wait_until_idle(deadline.remaining())
        self.cloud.simulators.reset()
        assert drained, f"the ERP request queue still holds {self.erp_queue_depth()} messages"

    @contextmanager
    def when_invoked(
        self, function_logical_id: str, actions: Mapping[int, Callable[[], object]]
    ) -> Iterator[None]:
        """Run `actions[n]` just before the n-th invocation (from 1) of a template function.

        It marks the moment a workflow reaches a state, so a provider can change its
        behaviour exactly between two steps (e.g. the ERP goes down once the customer exists).
        """
        name = self.cloud.function_name(function_logical_id)
        original = self.runtime.invoke
        calls = itertools.count(1)
        lock = threading.Lock()

        def invoke(reference: str, *args: Any, **kwargs: Any) -> Any:
            if self.runtime.function(reference).name == name:
                with lock:
                    action = actions.get(next(calls))
                    if action is not None:
                        action()
            return original(reference, *args, **kwargs)

        self.runtime.invoke = invoke  # type: ignore[method-assign]
        try:
            yield
        finally:
            del self.runtime.invoke


def event_types(history: Sequence[Mapping[str, Any]]) -> list[str]:
    """The type of every history event, in order."""
    return [str(event["type"]) for event in history]


def task_failures(history: Sequence[Mapping[str, Any]]) -> list[str]:
    """The error of every failed or timed-out task attempt, in order."""
    return [
        str(event[details]["error"])
        for event in history
        for details in ("taskFailedEventDetails", "taskTimedOutEventDetails")
        if details in event
    ]


def sales_orders_by_reference(erp: ErpSimulator) -> dict[str, list[str]]:
    """The ids of the sales orders the ERP holds, by external reference (the business key)."""
    found: dict[str, list[str]] = {}
    for sales_order in erp.sales_orders:
        found.setdefault(str(sales_order["externalReference"]), []).append(str(sales_order["id"]))
    return found


def attempts(history: Sequence[Mapping[str, Any]], state_name: str) -> int:
    """How many times the task state `state_name` was scheduled (retries included)."""
    count, current = 0, None
    for event in history:
        if "stateEnteredEventDetails" in event:
            current = event["stateEnteredEventDetails"]["name"]
        elif event["type"] == "TaskScheduled" and current == state_name:
            count += 1
    return count


def business_key(execution_arn: str) -> str:
    """The business key an orders execution is named by."""
    return execution_arn.rsplit(":", 1)[-1]


def eventually(condition: Callable[[], bool], timeout: float) -> bool:
    """Poll `condition` every few milliseconds for up to `timeout` real seconds."""
    deadline = _Deadline(timeout)
    pause = threading.Event()
    while not condition():
        if deadline.remaining() <= 0:
            return False
        pause.wait(POLL_SECONDS)
    return True


class _Deadline:
    """Real seconds left until a fixed moment."""

    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        """Real seconds left (0 once passed)."""
        return max(self._end - time.monotonic(), 0.0)


def _plain(item: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """A DynamoDB item's attributes as strings (S and N)."""
    return {name: next(iter(value.values())) for name, value in item.items()}
