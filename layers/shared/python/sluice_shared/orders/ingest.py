"""Webhook ingest: check a signed storefront order, record it, start its workflow once.

The webhook checks (`sluice_shared.webhooks.intake`) run cheapest first and nothing is written
or started for a rejected request: 405 method, 404 source, 413 size (before any parsing), 415
content type, 401 signature, 400 JSON and fields. Then a conditional put of the RECEIVED record
and a StartExecution named by the business key. A redelivery whose record has no executionArn
yet (the previous attempt crashed between the put and the start) starts the execution now and
answers 202; one whose record has an executionArn answers 200 without calling StartExecution,
because after the 90-day history retention AWS would accept the name again and start a second
workflow.
https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
"""

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from sluice_shared import settings
from sluice_shared.aws import dynamodb_client, stepfunctions_client
from sluice_shared.keys import order_business_key
from sluice_shared.models.orders import Order
from sluice_shared.observability import append_correlation_ids, count, get_logger
from sluice_shared.secrets import get_plain_secret
from sluice_shared.webhooks.http import WebhookRequest, WebhookResponse
from sluice_shared.webhooks.intake import parse_model, rejected, verified_body

RECEIVED = "RECEIVED"


def _utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class IngestDependencies:
    """Everything ingest talks to; tests pass their own, Lambda builds it from the environment."""

    webhook_secret: Callable[[], str]
    orders_table_name: str
    state_machine_arn: str
    max_body_bytes: int
    dynamodb: BaseClient
    stepfunctions: BaseClient
    clock: Callable[[], datetime] = _utc_now

    @classmethod
    def from_environment(cls) -> "IngestDependencies":
        """Dependencies named by the function's environment variables (secret read lazily)."""
        return cls(
            webhook_secret=functools.partial(get_plain_secret, settings.webhook_secret_name()),
            orders_table_name=settings.orders_table_name(),
            state_machine_arn=settings.orders_state_machine_arn(),
            max_body_bytes=settings.max_webhook_bytes(),
            dynamodb=dynamodb_client(),
            stepfunctions=stepfunctions_client(),
        )


def _execution_input(business_key: str, source: str, order: Order) -> str:
    """The workflow input: the same bytes for the same order, so a restart is idempotent."""
    document = {"businessKey": business_key, "source": source, "order": order.to_json()}
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _execution_arn(state_machine_arn: str, name: str) -> str:
    """The ARN an execution called `name` of this state machine has."""
    return state_machine_arn.replace(":stateMachine:", ":execution:", 1) + ":" + name


def _timestamp(moment: datetime) -> str:
    """An ISO 8601 UTC timestamp with milliseconds, e.g. `2024-05-01T10:00:00.000Z`."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _put_received(
    deps: IngestDependencies, business_key: str, source: str, order: Order, body: bytes
) -> dict[str, Any] | None:
    """Record the order as RECEIVED; return the existing record instead if there is one."""
    item = {
        "businessKey": {"S": business_key},
        "source": {"S": source},
        "orderId": {"S": order.id},
        "status": {"S": RECEIVED},
        "receivedAt": {"S": _timestamp(deps.clock())},
        "bodySha256": {"S": hashlib.sha256(body).hexdigest()},
    }
    try:
        deps.dynamodb.put_item(
            TableName=deps.orders_table_name,
            Item=item,
            ConditionExpression="attribute_not_exists(businessKey)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        existing = error.response.get("Item") or deps.dynamodb.get_item(
            TableName=deps.orders_table_name,
            Key={"businessKey": {"S": business_key}},
            ConsistentRead=True,
        ).get("Item", {})
        if existing.get("bodySha256", {}).get("S") != item["bodySha256"]["S"]:
            get_logger().warning("redelivery with a different body; first body kept")
        return existing
    return None


def _start_execution(deps: IngestDependencies, business_key: str, execution_input: str) -> str:
    """Start the workflow named `business_key` (or find it started) and return its ARN."""
    try:
        started = deps.stepfunctions.start_execution(
            stateMachineArn=deps.state_machine_arn, name=business_key, input=execution_input
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
            raise
        return _execution_arn(deps.state_machine_arn, business_key)
    return str(started["executionArn"])


def _record_execution(deps: IngestDependencies, business_key: str, execution_arn: str) -> None:
    """Store the execution ARN on the order's record."""
    deps.dynamodb.update_item(
        TableName=deps.orders_table_name,
        Key={"businessKey": {"S": business_key}},
        UpdateExpression="SET executionArn = :arn",
        ExpressionAttributeValues={":arn": {"S": execution_arn}},
    )


def ingest_webhook(request: WebhookRequest, deps: IngestDependencies) -> WebhookResponse:
    """Answer one storefront order webhook (see the module docstring for the rules)."""
    checked = verified_body(
        request, max_body_bytes=deps.max_body_bytes, webhook_secret=deps.webhook_secret
    )
    if isinstance(checked, WebhookResponse):
        return rejected(checked)
    order = parse_model(checked, Order, "order", parse_float=Decimal)
    if isinstance(order, WebhookResponse):
        return rejected(order)
    body, source = checked, str(request.source)
    business_key = order_business_key(source, order.id)
    append_correlation_ids(business_key)
    existing = _put_received(deps, business_key, source, order, body)
    recorded_arn = (existing or {}).get("executionArn", {}).get("S")
    if recorded_arn:
        count("OrdersDuplicate")
        return WebhookResponse(200, {"status": "duplicate", "businessKey": business_key})
    execution_input = _execution_input(business_key, source, order)
    execution_arn = _start_execution(deps, business_key, execution_input)
    _record_execution(deps, business_key, execution_arn)
    append_correlation_ids(business_key, execution_arn)
    count("OrdersRecovered" if existing is not None else "OrdersAccepted")
    return WebhookResponse(
        202, {"status": "accepted", "businessKey": business_key, "executionArn": execution_arn}
    )
