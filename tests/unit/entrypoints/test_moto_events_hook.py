"""Events put on moto's EventBridge by handler code reach the local router while hooked."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from sluice.clock import ScaledClock
from sluice.entrypoints.eventbridge import EventRouter, Rule
from sluice.entrypoints.moto_hooks import MotoEventsHook
from sluice.entrypoints.targets import Target
from tests.unit.entrypoints.support import RecordingInvoke, eventually

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:Billing"


@pytest.fixture
def events(moto_url: str) -> Any:
    """A boto3 EventBridge client for the moto server."""
    return boto3.client("events", endpoint_url=moto_url, region_name="us-east-1")


def entry(bus: str | None = None) -> dict[str, Any]:
    shipped = {"Source": "sluice.orders", "DetailType": "ShipmentConfirmed", "Detail": '{"id": 9}'}
    return {**shipped, "EventBusName": bus} if bus else shipped


def test_given_the_hook_when_a_handler_puts_events_on_moto_then_the_rule_delivers(
    events, invoke: RecordingInvoke
):
    router = EventRouter(invoke=invoke, clock=ScaledClock(1000))
    router.put_rule(Rule("Billing", (Target("1", FUNCTION_ARN),), {"source": ["sluice.orders"]}))
    try:
        with MotoEventsHook(router):
            answer = events.put_events(Entries=[entry()])
        events.put_events(Entries=[entry()])
        assert eventually(lambda: len(invoke.calls) == 1)
        assert router.wait_until_idle(600)
    finally:
        router.close()

    assert len(invoke.calls) == 1
    payload = invoke.calls[0].payload
    assert payload["id"] == answer["Entries"][0]["EventId"]
    assert payload["detail-type"] == "ShipmentConfirmed"
    assert payload["detail"] == {"id": 9}


def test_given_the_hook_when_putting_on_a_custom_bus_then_its_rules_deliver(
    events, invoke: RecordingInvoke
):
    bus_arn = events.create_event_bus(Name="billing")["EventBusArn"]
    router = EventRouter(invoke=invoke, clock=ScaledClock(1000))
    router.put_event_bus("billing")
    router.put_rule(
        Rule(
            "OnBus", (Target("1", FUNCTION_ARN),), {"source": ["sluice.orders"]}, bus_name="billing"
        )
    )
    try:
        with MotoEventsHook(router):
            events.put_events(Entries=[entry(bus_arn)])
        assert eventually(lambda: len(invoke.calls) == 1)
    finally:
        router.close()

    assert json.dumps(invoke.calls[0].payload["detail"]) == '{"id": 9}'


def test_given_the_hook_when_moto_rejects_an_entry_then_nothing_is_routed(
    events, invoke: RecordingInvoke
):
    router = EventRouter(invoke=invoke, clock=ScaledClock(1000))
    router.put_rule(Rule("Billing", (Target("1", FUNCTION_ARN),), {"source": ["sluice.orders"]}))
    try:
        with MotoEventsHook(router):
            answer = events.put_events(
                Entries=[{"Source": "sluice.orders", "DetailType": "x", "Detail": "not json"}]
            )
        assert router.wait_until_idle(600)
    finally:
        router.close()

    assert answer["FailedEntryCount"] == 1
    assert invoke.calls == []
