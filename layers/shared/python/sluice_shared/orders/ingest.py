"""Webhook ingest: check a signed storefront order, record it, start its workflow once.

Checks run cheapest first and nothing is written or started for a rejected request:
405 method, 404 source, 413 size (before any parsing), 415 content type, 401 signature,
400 JSON and fields. Then a conditional put of the RECEIVED record and a StartExecution
named by the business key. A redelivery whose record has no executionArn yet (the previous
attempt crashed between the put and the start) starts the execution now and answers 202; one
whose record has an executionArn answers 200 without calling StartExecution, because after the
90-day history retention AWS would accept the name again and start a second workflow.
https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
"""

import base64
import binascii
import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError
from pydantic import ValidationError

from sluice_shared import settings
from sluice_shared.aws import dynamodb_client, stepfunctions_client
from sluice_shared.keys import order_business_key
from sluice_shared.models.field_errors import field_errors
from sluice_shared.models.orders import Order
from sluice_shared.observability import append_correlation_ids, count, get_logger
from sluice_shared.secrets import get_plain_secret
from sluice_shared.webhooks.http import WebhookRequest, WebhookResponse
from sluice_shared.webhooks.signature import SIGNATURE_HEADER, is_valid_signature

RECEIVED = "RECEIVED"
_SOURCE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_JSON_MEDIA_TYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json$")


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


def _reject(status_code: int, message: str, **body: Any) -> WebhookResponse:
    """A JSON error answer."""
    return WebhookResponse(status_code, {"message": message, **body})


def _decoded_body(request: WebhookRequest) -> bytes | None:
    """The raw body bytes (base64-decoded when API Gateway encoded them); None if undecodable."""
    if not request.is_base64_encoded:
        return request.body.encode("utf-8")
    try:
        return base64.b64decode(request.body, validate=True)
    except binascii.Error:
        return None


def _is_json_content_type(headers: Mapping[str, str]) -> bool:
    """Whether the Content-Type is JSON (`application/json` or `application/*+json`)."""
    media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return bool(_JSON_MEDIA_TYPE.match(media_type))


def _parse_order(body: bytes) -> Order | WebhookResponse:
    """The order in `body`, or the 400 answer saying why it is not one."""
    try:
        payload = json.loads(body, parse_float=Decimal)
    except (UnicodeDecodeError, ValueError):
        return _reject(400, "body is not valid JSON")
    if not isinstance(payload, dict):
        return _reject(400, "body must be a JSON object")
    try:
        return Order.model_validate(payload)
    except ValidationError as error:
        return _reject(400, "order has invalid fields", errors=field_errors(error))


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


def _check_request(request: WebhookRequest, deps: IngestDependencies) -> bytes | WebhookResponse:
    """The verified raw body, or the answer refusing the request."""
    if request.method != "POST":
        return WebhookResponse(405, {"message": "method not allowed"}, {"allow": "POST"})
    if request.source is None or not _SOURCE.match(request.source):
        return _reject(404, "unknown webhook source")
    body = _decoded_body(request)
    if body is None:
        return _reject(400, "body is not valid base64")
    if len(body) > deps.max_body_bytes:
        return _reject(413, f"body is larger than {deps.max_body_bytes} bytes")
    if not _is_json_content_type(request.headers):
        return _reject(415, "content type must be application/json")
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        return _reject(401, "missing X-Sluice-Signature header")
    if not is_valid_signature(body, deps.webhook_secret(), signature):
        return _reject(401, "invalid signature")
    return body


def _rejected(response: WebhookResponse) -> WebhookResponse:
    """Count and log a refused request, then return its answer."""
    count("WebhooksRejected")
    get_logger().info("webhook rejected", extra={"statusCode": response.status_code})
    return response


def ingest_webhook(request: WebhookRequest, deps: IngestDependencies) -> WebhookResponse:
    """Answer one storefront order webhook (see the module docstring for the rules)."""
    checked = _check_request(request, deps)
    if isinstance(checked, WebhookResponse):
        return _rejected(checked)
    order = _parse_order(checked)
    if isinstance(order, WebhookResponse):
        return _rejected(order)
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
