"""Slack messages: the fields staff need, in Block Kit, and digests with counts."""

import json

from sluice_shared.notifications import AlertKind, PastFailure, parse_alert
from sluice_shared.notifications.alerts import Alert
from sluice_shared.notifications.messages import (
    alarm_message,
    digest_message,
    failure_message,
    resolution_message,
)
from tests.fixtures.events import load_event

EXECUTION_ARN = (
    "arn:aws:states:us-east-1:123456789012:execution:sluice-dev-orders:order-shopify-1042"
)
LAMBDA_CAUSE = json.dumps(
    {
        "errorMessage": "order total 10.00 does not match its lines (12.00)",
        "errorType": "OrderInvalid",
        "stackTrace": ['  File "/var/task/app.py", line 9'],
    }
)


def alert(event_file: str = "execution_failed.json", **detail_changes) -> Alert:
    event = load_event(f"ops/{event_file}")
    event.get("detail", {}).update(detail_changes)
    parsed = parse_alert(json.dumps(event))
    assert parsed is not None
    return parsed


def everything(message: dict) -> str:
    return json.dumps(message, ensure_ascii=False)


def test_a_failure_message_names_workflow_key_step_error_cause_redrives_and_link():
    message = failure_message(
        alert(error="OrderInvalid", cause=LAMBDA_CAUSE, redriveCount=2), "ValidateOrder"
    )
    text = everything(message)

    for expected in (
        "orders",
        "order-shopify-1042",
        "ValidateOrder",
        "OrderInvalid",
        "order total 10.00 does not match its lines (12.00)",
        "2 times",
        "order-shopify-1042-rerun-1",
        f"https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1"
        f"#/v2/executions/details/{EXECUTION_ARN}",
    ):
        assert expected in text, expected
    assert "stackTrace" not in text and "app.py" not in text
    assert message["text"] and message["blocks"][0]["type"] == "header"


def test_a_transient_failure_says_to_redrive():
    message = failure_message(alert(), "CreateSalesOrder")
    assert "Redrive the execution" in everything(message)


def test_a_resolution_quotes_the_failure_it_resolves():
    earlier = PastFailure(EXECUTION_ARN, "CreateSalesOrder", "ProviderUnavailable", "2025-11-23")
    message = resolution_message(alert("execution-redriven-succeeded.json"), earlier)
    expected = "Resolved: order order-shopify-1042 succeeded after redrive 1"
    assert message["text"].startswith(expected)
    assert "ProviderUnavailable" in message["text"] and "CreateSalesOrder" in message["text"]


def test_an_alarm_message_says_what_the_alarm_means():
    message = alarm_message(alert("alarm-notification.json"))
    text = everything(message)
    assert "sluice-dev-erp-requests-dlq is ALARM" in text
    assert "dlq-redrive" in text
    assert "#alarmsV2:alarm/sluice-dev-erp-requests-dlq" in text


def test_a_digest_counts_by_workflow_and_error_and_lists_a_few_keys():
    alerts = [
        alert(
            name=f"order-shopify-{n}",
            input=json.dumps({"businessKey": f"order-shopify-{n}"}),
            error="OrderInvalid" if n % 4 else "ProviderUnavailable",
        )
        for n in range(40)
    ]
    message = digest_message(alerts)
    text = everything(message)

    assert "40 alerts at once (40 failed executions)" in message["text"]
    assert "orders · `OrderInvalid`: 30" in text
    assert "orders · `ProviderUnavailable`: 10" in text
    assert "and 30 more" in text
    assert all(a.kind is AlertKind.FAILURE for a in alerts)


def test_an_inventory_failure_names_its_snapshot_file_and_run():
    run = "inventory-0123456789abcdef0123456789abcdef"
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:sluice-dev-inventory"
    snapshot = {"businessKey": run, "bucket": "sluice-dev-inventory", "key": "incoming/a.csv"}
    failed = alert(
        stateMachineArn=machine,
        executionArn=machine.replace(":stateMachine:", ":execution:") + f":{run}",
        name=run,
        input=json.dumps(snapshot),
        error="SnapshotRejected",
        cause="20 of 40 rows rejected",
    )

    message = failure_message(failed, "ValidateSnapshot")

    assert message["text"].startswith("Inventory file incoming/a.csv failed at ValidateSnapshot")
    fields = [field["text"] for field in message["blocks"][1]["fields"]]
    assert "*Inventory file*\n`s3://sluice-dev-inventory/incoming/a.csv`" in fields
    assert f"*Run*\n`{run}`" in fields
    assert "*Workflow*\ninventory" in fields
