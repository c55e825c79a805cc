"""Alerts read from the alerts queue's messages."""

import json

import pytest

from sluice_shared.notifications import AlertKind, AlertUnreadable, parse_alert
from tests.fixtures.events import load_event


def body(name: str, **detail_changes) -> str:
    event = load_event(f"ops/{name}")
    event.get("detail", {}).update(detail_changes)
    return json.dumps(event)


def test_a_failed_execution_is_a_failure_alert_keyed_by_execution_and_redrive_count():
    alert = parse_alert(body("execution_failed.json"))

    assert alert is not None and alert.kind is AlertKind.FAILURE
    assert alert.alert_key.endswith("sluice-dev-orders:order-shopify-1042#r0#failure")
    assert (alert.workflow, alert.subject, alert.error) == (
        "orders",
        "order-shopify-1042",
        "ProviderUnavailable",
    )
    assert alert.region == "us-east-1"


def test_the_same_execution_failing_after_a_redrive_is_a_new_alert():
    first = parse_alert(body("execution_failed.json"))
    again = parse_alert(body("execution_failed.json", redriveCount=1))
    assert first is not None and again is not None
    assert first.alert_key != again.alert_key


def test_a_timeout_without_error_is_named_as_the_history_names_it():
    alert = parse_alert(body("execution_failed.json", status="TIMED_OUT", error=None))
    assert alert is not None and alert.error == "States.Timeout"


def test_a_redriven_success_is_a_resolution():
    alert = parse_alert(body("execution-redriven-succeeded.json"))
    assert alert is not None
    assert (alert.kind, alert.redrive_count, alert.rerun) == (AlertKind.RESOLUTION, 1, None)


def test_a_rerun_success_is_a_resolution_of_the_business_key():
    alert = parse_alert(body("execution-rerun-succeeded.json"))
    assert alert is not None
    assert (alert.kind, alert.subject, alert.rerun) == (
        AlertKind.RESOLUTION,
        "order-shopify-1042",
        1,
    )


def test_a_map_runs_child_execution_is_ignored():
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:sluice-dev-inventory/Batches:1a2b"
    assert parse_alert(body("execution_failed.json", stateMachineArn=machine)) is None


def test_a_cloudwatch_alarm_through_sns_is_an_alarm_alert():
    alert = parse_alert(body("alarm-notification.json"))
    assert alert is not None and alert.kind is AlertKind.ALARM
    assert alert.subject == "sluice-dev-erp-requests-dlq"
    assert alert.metric_name == "ApproximateNumberOfMessagesVisible"
    assert alert.alert_key == "alarm#sluice-dev-erp-requests-dlq#ALARM#2025-11-23T12:06:10.123+0000"


@pytest.mark.parametrize("raw", ["not json", "[1]", json.dumps({"hello": "world"})])
def test_anything_else_is_unreadable(raw):
    with pytest.raises(AlertUnreadable):
        parse_alert(raw)
