"""Shipment ingest: check a signed shipment-confirmed webhook, record it, start its billing once.

The request passes the webhook checks every ingest shares (`sluice_shared.webhooks.intake`),
cheapest first, nothing written or started for a rejected request: 405 method, 404 source, 413
size (before any parsing), 415 content type, 401 signature, 400 JSON and fields. Then a
conditional put of the shipment (RECEIVED, pending billing, with the execution input
reconciliation re-uses), a StartExecution named `shipment-<source>-<id>`, then
`ShipmentConfirmed` on EventBridge, marked on the item once published. A redelivery whose item
already has an execution ARN answers 200 without starting anything, and publishes only what an
earlier attempt did not (a crash between the start and the mark); one whose earlier attempt
crashed before the start starts it now (202).
https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
"""

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from botocore.client import BaseClient

from sluice_shared import settings
from sluice_shared.aws import dynamodb_client, stepfunctions_client
from sluice_shared.billing.config import event_bus_name
from sluice_shared.billing.events import (
    SHIPMENT_CONFIRMED,
    events_client,
    publish,
    shipment_confirmed_detail,
)
from sluice_shared.billing.executions import start_billing
from sluice_shared.billing.models import Shipment
from sluice_shared.billing.records import (
    PENDING,
    RECEIVED,
    Item,
    put_new_shipment,
    record_confirmed_event,
    record_execution,
    text,
    timestamp,
)
from sluice_shared.keys import shipment_business_key
from sluice_shared.observability import append_correlation_ids, count, get_logger
from sluice_shared.secrets import get_plain_secret
from sluice_shared.webhooks.http import WebhookRequest, WebhookResponse
from sluice_shared.webhooks.intake import parse_model, rejected, verified_body


def _utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class ShipmentIngestDependencies:
    """Everything ingest talks to; tests pass their own, Lambda builds it from the environment."""

    webhook_secret: Callable[[], str]
    shipments_table_name: str
    state_machine_arn: str
    max_body_bytes: int
    dynamodb: BaseClient
    stepfunctions: BaseClient
    events: BaseClient
    event_bus_name: str
    clock: Callable[[], datetime] = _utc_now

    @classmethod
    def from_environment(cls) -> "ShipmentIngestDependencies":
        """Dependencies named by the function's environment variables (secret read lazily)."""
        return cls(
            webhook_secret=functools.partial(get_plain_secret, settings.webhook_secret_name()),
            shipments_table_name=settings.shipments_table_name(),
            state_machine_arn=settings.billing_state_machine_arn(),
            max_body_bytes=settings.max_webhook_bytes(),
            dynamodb=dynamodb_client(),
            stepfunctions=stepfunctions_client(),
            events=events_client(),
            event_bus_name=event_bus_name(),
        )


def execution_input(business_key: str, source: str, shipment: Shipment) -> str:
    """The workflow input: the same bytes for the same shipment, so a restart is idempotent."""
    document = {"businessKey": business_key, "source": source, "shipment": shipment.to_json()}
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _shipment_item(
    business_key: str, source: str, shipment: Shipment, body: bytes, now: datetime
) -> dict[str, dict[str, str]]:
    """The new shipment's item: received, pending billing, with its execution input."""
    return {
        "businessKey": {"S": business_key},
        "source": {"S": source},
        "shipmentId": {"S": shipment.shipment_id},
        "orderKey": {"S": shipment.order_key},
        "status": {"S": RECEIVED},
        "billingState": {"S": PENDING},
        "receivedAt": {"S": timestamp(now)},
        "bodySha256": {"S": hashlib.sha256(body).hexdigest()},
        "executionInput": {"S": execution_input(business_key, source, shipment)},
    }


def _confirm(
    deps: ShipmentIngestDependencies, business_key: str, kept_input: str, execution_arn: str
) -> None:
    """Publish `ShipmentConfirmed` for the kept shipment and mark it published."""
    document = json.loads(kept_input)
    shipment = Shipment.model_validate(document["shipment"])
    detail = shipment_confirmed_detail(business_key, document["source"], shipment, execution_arn)
    event_id = publish(deps.events, deps.event_bus_name, SHIPMENT_CONFIRMED, detail)
    record_confirmed_event(deps.dynamodb, deps.shipments_table_name, business_key, event_id)
    count("ShipmentsConfirmedPublished")


def _duplicate(
    deps: ShipmentIngestDependencies, business_key: str, existing: Item, item: Item
) -> WebhookResponse:
    """Answer a redelivery of a started shipment; publish its event if no attempt did."""
    if text(existing, "bodySha256") != item["bodySha256"]["S"]:
        get_logger().warning("redelivery with a different body; first body kept")
    if text(existing, "confirmedEventId") is None:
        _confirm(
            deps,
            business_key,
            str(text(existing, "executionInput")),
            str(text(existing, "executionArn")),
        )
    count("ShipmentsDuplicate")
    return WebhookResponse(200, {"status": "duplicate", "businessKey": business_key})


def ingest_shipment(request: WebhookRequest, deps: ShipmentIngestDependencies) -> WebhookResponse:
    """Answer one shipment-confirmed webhook (see the module docstring for the rules)."""
    checked = verified_body(
        request, max_body_bytes=deps.max_body_bytes, webhook_secret=deps.webhook_secret
    )
    if isinstance(checked, WebhookResponse):
        return rejected(checked)
    shipment = parse_model(checked, Shipment, "shipment")
    if isinstance(shipment, WebhookResponse):
        return rejected(shipment)
    source = str(request.source)
    business_key = shipment_business_key(source, shipment.shipment_id)
    append_correlation_ids(business_key)
    item = _shipment_item(business_key, source, shipment, checked, deps.clock())
    existing = put_new_shipment(deps.dynamodb, deps.shipments_table_name, item)
    if existing is not None and text(existing, "executionArn"):
        return _duplicate(deps, business_key, existing, item)
    kept_input = text(existing or item, "executionInput") or item["executionInput"]["S"]
    execution_arn = start_billing(
        deps.stepfunctions, deps.state_machine_arn, business_key, kept_input
    )
    record_execution(deps.dynamodb, deps.shipments_table_name, business_key, execution_arn)
    append_correlation_ids(business_key, execution_arn)
    _confirm(deps, business_key, kept_input, execution_arn)
    count("ShipmentsRecovered" if existing is not None else "ShipmentsAccepted")
    return WebhookResponse(
        202, {"status": "accepted", "businessKey": business_key, "executionArn": execution_arn}
    )
