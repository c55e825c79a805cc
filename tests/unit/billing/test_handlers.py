"""The billing Lambdas as Lambda runs them: sample events in, JSON (or named errors) out."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import boto3
import pytest

from sluice_shared import settings
from sluice_shared.billing.errors import PaymentDeclined, ShipmentInvalid
from tests.fixtures.events import load_event
from tests.fixtures.handlers import load_handler_module
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.unit.billing.support import (
    ORDER_TERMS_TABLE_NAME,
    SHIPMENTS_TABLE_NAME,
    store_shipment,
    store_terms,
)

ROOT = Path(__file__).resolve().parents[3]
BILLING_FUNCTIONS = [
    "billing/ingest",
    "billing/record_terms",
    "billing/capture_payment",
    "billing/reconcile",
]
OLD = "2025-03-15T13:05:00.000Z"


def invoke(function_dir: str, event: dict) -> dict:
    """Invoke one handler with a fresh context."""
    return load_handler_module(function_dir).handler(event, FakeLambdaContext())


def test_given_a_handler_when_imported_then_no_aws_client_is_created():
    script = textwrap.dedent(
        """
        import importlib.util, sys
        import boto3, boto3.session

        def refuse(*args, **kwargs):
            raise AssertionError("a boto3 client was created at import time")

        boto3.client = boto3.session.Session.client = refuse
        for function_dir in sys.argv[1:]:
            path = f"functions/{function_dir}/app.py"
            spec = importlib.util.spec_from_file_location(function_dir.replace("/", "_"), path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, *BILLING_FUNCTIONS],
        cwd=ROOT,
        env={"PYTHONPATH": "layers/shared/python", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def test_given_the_sample_webhook_when_the_ingest_handler_runs_then_202_accepted(billing_aws):
    answer = invoke("billing/ingest", load_event("billing/webhook.json"))
    body = json.loads(answer["body"])
    assert answer["statusCode"] == 202
    assert body["businessKey"] == "shipment-3pl-SHP-000042"


def test_given_the_sample_step_when_the_capture_handler_runs_then_the_capture_comes_back(
    configured_payments,
):
    store_shipment(OLD)
    store_terms()
    result = invoke("billing/capture_payment", load_event("billing/capture-payment.json"))
    assert result == {
        "captureId": configured_payments.captures[0]["id"],
        "amount": "39.98",
        "currency": "EUR",
        "orderId": "1042",
        "salesOrderId": "SO-000017",
        "lines": [{"sku": "MUG-BLUE", "quantity": 2, "unitPrice": "19.99"}],
    }


def test_given_the_sample_order_processed_event_when_record_terms_runs_then_terms_recorded(
    billing_aws,
):
    result = invoke("billing/record_terms", load_event("orders/order-processed.json"))
    item = boto3.client("dynamodb").get_item(
        TableName=ORDER_TERMS_TABLE_NAME, Key={"orderKey": {"S": "order-shopify-1042"}}
    )["Item"]
    assert result == {"orderKey": "order-shopify-1042", "outcome": "recorded"}
    assert item["salesOrderId"]["S"] == "SO-000017"


def test_given_a_declined_card_when_the_capture_handler_runs_then_payment_declined_escapes(
    configured_payments,
):
    store_shipment(OLD)
    store_terms(paymentReference="pay_insufficient_funds")
    event = load_event("billing/capture-payment.json")
    with pytest.raises(PaymentDeclined, match="insufficient_funds"):
        invoke("billing/capture_payment", event)


def test_given_a_step_without_lines_when_the_capture_handler_runs_then_shipment_invalid(
    configured_payments,
):
    event = load_event("billing/capture-payment.json")
    event["shipment"]["lines"] = []
    with pytest.raises(ShipmentInvalid, match="lines"):
        invoke("billing/capture_payment", event)
    assert configured_payments.requests("POST", "/captures") == []


def test_given_an_old_unbilled_shipment_when_the_reconcile_handler_runs_then_it_starts(
    billing_aws, monkeypatch
):
    monkeypatch.setenv(settings.RECONCILE_AFTER_SECONDS, "3600")
    store_shipment(OLD)
    result = invoke("billing/reconcile", load_event("billing/reconcile.json"))
    [outcome] = result["reconciled"]
    executions = boto3.client("stepfunctions").list_executions(
        stateMachineArn=billing_aws.state_machine_arn
    )["executions"]
    assert outcome["action"] == "started"
    assert [execution["name"] for execution in executions] == ["shipment-3pl-SHP-000042"]
    stored = boto3.client("dynamodb").get_item(
        TableName=SHIPMENTS_TABLE_NAME, Key={"businessKey": {"S": "shipment-3pl-SHP-000042"}}
    )["Item"]
    assert stored["executionArn"]["S"] == executions[0]["executionArn"]
