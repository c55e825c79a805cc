"""The shipments table: one item per confirmed shipment, keyed by its business key.

`billingState = PENDING` (the partition key of the sparse `PendingBillingIndex`, sorted by
`receivedAt`) marks a shipment that still needs billing; the state machine removes it when
the shipment is billed or its failure is recorded, so reconciliation reads only the
shipments that still need it.
"""

from datetime import UTC, datetime
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from sluice_shared.billing.errors import CaptureConflict, ShipmentInvalid

RECEIVED = "RECEIVED"
PENDING = "PENDING"
PENDING_INDEX_NAME = "PendingBillingIndex"
CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailedException"

Item = dict[str, dict[str, Any]]


def timestamp(moment: datetime) -> str:
    """An ISO 8601 UTC timestamp with milliseconds, e.g. `2025-03-14T10:00:00.000Z`."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def text(item: Item, name: str) -> str | None:
    """The string attribute `name` of a DynamoDB item, if present."""
    value = item.get(name, {}).get("S")
    return str(value) if value is not None else None


def number(item: Item, name: str, default: int) -> int:
    """The number attribute `name` of a DynamoDB item, or `default`."""
    value = item.get(name, {}).get("N")
    return int(value) if value is not None else default


def _condition_failed(error: ClientError) -> bool:
    """Whether a write was refused by its condition."""
    return error.response["Error"]["Code"] == CONDITIONAL_CHECK_FAILED


def put_new_shipment(dynamodb: BaseClient, table_name: str, item: Item) -> Item | None:
    """Write a new shipment item; return the existing item instead when there is one."""
    try:
        dynamodb.put_item(
            TableName=table_name,
            Item=item,
            ConditionExpression="attribute_not_exists(businessKey)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as error:
        if not _condition_failed(error):
            raise
        existing: Item = error.response.get("Item") or get_shipment(
            dynamodb, table_name, item["businessKey"]["S"]
        )
        return existing
    return None


def get_shipment(dynamodb: BaseClient, table_name: str, business_key: str) -> Item:
    """The shipment's item (strongly consistent), `{}` when there is none."""
    answer = dynamodb.get_item(
        TableName=table_name, Key={"businessKey": {"S": business_key}}, ConsistentRead=True
    )
    item: Item = answer.get("Item", {})
    return item


def record_execution(
    dynamodb: BaseClient, table_name: str, business_key: str, execution_arn: str
) -> None:
    """Store the ARN of the shipment's current billing execution."""
    dynamodb.update_item(
        TableName=table_name,
        Key={"businessKey": {"S": business_key}},
        UpdateExpression="SET executionArn = :arn",
        ExpressionAttributeValues={":arn": {"S": execution_arn}},
    )


def record_confirmed_event(
    dynamodb: BaseClient, table_name: str, business_key: str, event_id: str
) -> None:
    """Mark the shipment's `ShipmentConfirmed` event published (keeping the first event id)."""
    dynamodb.update_item(
        TableName=table_name,
        Key={"businessKey": {"S": business_key}},
        UpdateExpression="SET confirmedEventId = if_not_exists(confirmedEventId, :id)",
        ExpressionAttributeValues={":id": {"S": event_id}},
    )


def record_capture(
    dynamodb: BaseClient,
    table_name: str,
    business_key: str,
    capture_id: str,
    captured_at: datetime,
) -> None:
    """Store the shipment's capture once; a different capture already stored raises.

    Writing the same capture again (a retried step) changes nothing.
    """
    try:
        dynamodb.update_item(
            TableName=table_name,
            Key={"businessKey": {"S": business_key}},
            UpdateExpression="SET captureId = :id, capturedAt = if_not_exists(capturedAt, :at)",
            ConditionExpression=(
                "attribute_exists(businessKey) AND "
                "(attribute_not_exists(captureId) OR captureId = :id)"
            ),
            ExpressionAttributeValues={
                ":id": {"S": capture_id},
                ":at": {"S": timestamp(captured_at)},
            },
        )
    except ClientError as error:
        if not _condition_failed(error):
            raise
        recorded = text(get_shipment(dynamodb, table_name, business_key), "captureId")
        if recorded is None:
            raise ShipmentInvalid(business_key, ["the shipment is not recorded"]) from error
        raise CaptureConflict(business_key, recorded, capture_id) from error
