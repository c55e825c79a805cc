"""What reached the Slack simulator, and the notifier's queue and ledger, on a local cloud.

Every wait is bounded (real seconds) and fails the test with what it was waiting for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import boto3

from sluice.cloud.local_cloud import LocalCloud
from tests.workflows.support import OrdersDriver, eventually

NOTIFIER = "NotifySlackFunction"
ALERTS_QUEUE = "AlertsQueue"
ALERTS_TABLE = "AlertsTable"
ALERT_TIMEOUT = 30.0
# Six retries of a throttled Lambda: at most 2+4+8+16+32+60 s = 122 s of cloud time.
OUTAGE_TIMEOUT = 60.0


@dataclass
class Alerts:
    """What reached Slack, and the notifier's queue and ledger."""

    cloud: LocalCloud

    def __post_init__(self) -> None:
        model = self.cloud.model
        assert model is not None
        region = model.stack.region
        self._sqs = boto3.client("sqs", endpoint_url=self.cloud.moto_url, region_name=region)
        self._dynamodb = boto3.client(
            "dynamodb", endpoint_url=self.cloud.moto_url, region_name=region
        )
        self.queue_url = self._sqs.get_queue_url(QueueName=model.queues[ALERTS_QUEUE].name)[
            "QueueUrl"
        ]
        self.table = model.tables[ALERTS_TABLE].name

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Every message the Slack simulator accepted."""
        return self.cloud.simulators.slack.messages

    def about(self, key: str) -> list[dict[str, Any]]:
        """The accepted messages that name a business key."""
        return [message for message in self.messages if key in json.dumps(message)]

    def wait_for(self, key: str, count: int) -> list[dict[str, Any]]:
        """Wait (bounded) until `count` messages name `key`; return them."""
        arrived = eventually(lambda: len(self.about(key)) >= count, ALERT_TIMEOUT)
        assert arrived, f"{count} Slack messages about {key} never came: {self.messages}"
        return self.about(key)

    def wait_for_replies(self, ts: str, count: int) -> list[dict[str, Any]]:
        """Wait (bounded) until message `ts` has `count` replies in its thread; return them."""
        slack = self.cloud.simulators.slack
        arrived = eventually(lambda: len(slack.thread(ts)) >= count, ALERT_TIMEOUT)
        assert arrived, f"{count} replies to {ts} never came: {self.messages}"
        return slack.thread(ts)

    def queue_depth(self) -> int:
        """Alert messages waiting or being handled."""
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(value) for value in attributes.values())

    def drained(self, timeout: float = ALERT_TIMEOUT) -> None:
        """Wait (bounded) until the notifier has handled every alert message."""
        assert eventually(lambda: self.queue_depth() == 0, timeout), "alerts queue not drained"

    def items(self) -> dict[str, dict[str, str]]:
        """The ledger: alert key -> its attributes as strings."""
        pages = self._dynamodb.get_paginator("scan").paginate(TableName=self.table)
        return {
            item["alertKey"]["S"]: {
                name: str(next(iter(value.values()))) for name, value in item.items()
            }
            for page in pages
            for item in page["Items"]
        }

    def statuses(self) -> dict[str, str]:
        """The ledger: alert key -> SENDING, PENDING or SENT."""
        return {key: item["status"] for key, item in self.items().items()}


def texts(messages: list[dict[str, Any]]) -> str:
    """Messages as one JSON text, to look for what they say."""
    return json.dumps(messages, ensure_ascii=False)


def fail_while_throttled(cloud: LocalCloud, orders: OrdersDriver) -> str:
    """An order that failed at ValidateOrder because the function was throttled (reserved
    concurrency 0) until its retries ended; the function is back when this returns."""
    assert cloud.runtime is not None
    config = cloud.runtime.function(cloud.function_name("ValidateOrderFunction"))
    cloud.runtime.deploy(replace(config, reserved_concurrency=0))
    try:
        arn = orders.accept(orders.webhooks.new_order())
        assert orders.finish(arn, timeout=OUTAGE_TIMEOUT)["status"] == "FAILED"
    finally:
        cloud.runtime.deploy(config)
    return arn
