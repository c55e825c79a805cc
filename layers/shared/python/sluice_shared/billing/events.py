"""Billing's events on EventBridge: `ShipmentConfirmed` from the shipment ingest.

`ShipmentBilled` is published by the billing state machine itself (`events:putEvents`).
https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
"""

import functools
import json
from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.config import Config

from sluice_shared.billing.models import Shipment

WAREHOUSE_SOURCE = "sluice.warehouse"
SHIPMENT_CONFIRMED = "ShipmentConfirmed"
_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3})


class EventNotPublished(Exception):
    """EventBridge refused the entry (PutEvents answered it with an error code)."""

    def __init__(self, detail_type: str, code: str, message: str) -> None:
        super().__init__(f"{detail_type} not published: {code} {message}")


@functools.cache
def events_client() -> BaseClient:
    """The EventBridge client."""
    return boto3.client("events", config=_CLIENT_CONFIG)


def shipment_confirmed_detail(
    business_key: str, source: str, shipment: Shipment, execution_arn: str
) -> dict[str, Any]:
    """The detail of `ShipmentConfirmed`: the shipment as the warehouse confirmed it."""
    return {
        "businessKey": business_key,
        "source": source,
        "executionArn": execution_arn,
        **shipment.to_json(),
    }


def publish(events: BaseClient, bus_name: str, detail_type: str, detail: dict[str, Any]) -> str:
    """Put one event of `WAREHOUSE_SOURCE` on the bus; its event id."""
    answer = events.put_events(
        Entries=[
            {
                "EventBusName": bus_name,
                "Source": WAREHOUSE_SOURCE,
                "DetailType": detail_type,
                "Detail": json.dumps(detail, separators=(",", ":")),
            }
        ]
    )
    [entry] = answer["Entries"]
    if "EventId" not in entry:
        raise EventNotPublished(
            detail_type, entry.get("ErrorCode", ""), entry.get("ErrorMessage", "")
        )
    return str(entry["EventId"])
