"""The order terms table: each order's billing terms, recorded once from its OrderProcessed event.

EventBridge and Lambda's asynchronous retries deliver an event at least once, so the write is
conditional: the first recording wins; a repeat with the same terms changes nothing; one with
different terms is logged and counted (`OrderTermsConflicts`) but never applied, since the
shipments billed so far were priced by the first.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError
from pydantic import ValidationError

from sluice_shared.aws import dynamodb_client
from sluice_shared.billing.config import order_terms_table_name
from sluice_shared.billing.errors import OrderTermsInvalid
from sluice_shared.billing.models import OrderTerms
from sluice_shared.billing.records import CONDITIONAL_CHECK_FAILED, Item, text, timestamp
from sluice_shared.models.field_errors import field_errors
from sluice_shared.observability import count, get_logger

RECORDED = "recorded"
DUPLICATE = "duplicate"
CONFLICT = "conflict"


def _utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class TermsDependencies:
    """The order terms table; tests pass their own, Lambda builds it from the environment."""

    dynamodb: BaseClient
    table_name: str
    clock: Callable[[], datetime] = _utc_now

    @classmethod
    def from_environment(cls) -> "TermsDependencies":
        """Dependencies named by the function's environment variables."""
        return cls(dynamodb=dynamodb_client(), table_name=order_terms_table_name())


def parse_terms(event: Mapping[str, Any]) -> OrderTerms:
    """The terms in an OrderProcessed event's detail, or `OrderTermsInvalid` naming bad fields."""
    try:
        return OrderTerms.model_validate(event.get("detail"))
    except ValidationError as error:
        problems = [f"{item['field']}: {item['message']}" for item in field_errors(error)]
        raise OrderTermsInvalid(problems) from error


def _terms_text(terms: OrderTerms) -> str:
    """The terms as canonical JSON text, so two recordings compare equal when the terms do."""
    return json.dumps(terms.to_json(), sort_keys=True, separators=(",", ":"))


def record_terms(terms: OrderTerms, event_id: str, deps: TermsDependencies) -> str:
    """Record the order's terms once; `recorded`, `duplicate` or `conflict` (first kept)."""
    item: Item = {
        "orderKey": {"S": terms.order_key},
        "salesOrderId": {"S": terms.sales_order_id},
        "terms": {"S": _terms_text(terms)},
        "eventId": {"S": event_id},
        "recordedAt": {"S": timestamp(deps.clock())},
    }
    try:
        deps.dynamodb.put_item(
            TableName=deps.table_name,
            Item=item,
            ConditionExpression="attribute_not_exists(orderKey)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != CONDITIONAL_CHECK_FAILED:
            raise
        existing: Item = error.response.get("Item") or _item(deps, terms.order_key)
        if text(existing, "terms") == item["terms"]["S"]:
            count("OrderTermsDuplicate")
            return DUPLICATE
        get_logger().warning(
            "order terms differ from the recorded ones; the recorded terms are kept",
            extra={"orderKey": terms.order_key, "eventId": event_id},
        )
        count("OrderTermsConflicts")
        return CONFLICT
    count("OrderTermsRecorded")
    return RECORDED


def _item(deps: TermsDependencies, order_key: str) -> Item:
    """The order's terms item (strongly consistent read), `{}` when there is none."""
    answer = deps.dynamodb.get_item(
        TableName=deps.table_name, Key={"orderKey": {"S": order_key}}, ConsistentRead=True
    )
    item: Item = answer.get("Item", {})
    return item


def get_terms(deps: TermsDependencies, order_key: str) -> OrderTerms | None:
    """The recorded terms of an order, None when they are not recorded (yet)."""
    recorded = text(_item(deps, order_key), "terms")
    return None if recorded is None else OrderTerms.model_validate_json(recorded)
