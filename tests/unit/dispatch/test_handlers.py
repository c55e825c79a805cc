"""The Lambda handlers as Lambda runs them: imported by path, configured from the environment."""

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sluice_shared import settings
from sluice_shared.governor import integration_key
from tests.fixtures.events import load_event
from tests.fixtures.handlers import load_handler_module
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.provider_server import ScriptedResponse
from tests.unit.dispatch.support import RequestQueue, envelope

ROOT = Path(__file__).resolve().parents[3]
HANDLERS = ["dispatcher/dispatch_requests", "dispatcher/check_silence"]


def emitted_metrics(captured: str) -> dict[str, float]:
    """The sum of each metric's values in the EMF lines Powertools printed."""
    values: dict[str, float] = {}
    for line in captured.splitlines():
        if line.startswith("{") and "_aws" in line:
            document = json.loads(line)
            for metric in document["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
                value = document[metric["Name"]]
                values[metric["Name"]] = sum(value) if isinstance(value, list) else value
    return values


def test_given_a_request_when_the_dispatch_handler_runs_then_the_erp_gets_it(
    configured_erp, capsys
):
    configured_erp.script("POST", "/customers/cus-881/orders", ScriptedResponse(201, {"id": "h"}))
    queue = RequestQueue()
    queue.send(envelope())
    handler = load_handler_module("dispatcher/dispatch_requests").handler
    response = handler(queue.receive_event(1), FakeLambdaContext())
    assert response == {"batchItemFailures": []}
    [request] = configured_erp.requests_to("POST", "/customers/cus-881/orders")
    assert request.headers["authorization"] == "Bearer erp-test-key"
    assert emitted_metrics(capsys.readouterr().out)["RequestsDone"] == 1


def test_given_a_poison_sample_event_when_the_dispatch_handler_runs_then_it_is_reported(
    configured_erp,
):
    event = load_event("dispatcher/malformed-body.json")
    handler = load_handler_module("dispatcher/dispatch_requests").handler
    response = handler(event, FakeLambdaContext())
    assert response == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}


def test_given_a_silent_integration_when_the_check_runs_then_it_is_reported_and_counted(
    mocked_aws, monkeypatch, capsys
):
    erp, warehouse = integration_key("erp"), integration_key("warehouse")
    mocked_aws.record_success(erp, time.time() - 7200)
    mocked_aws.record_success(warehouse, time.time() - 60)
    monkeypatch.setenv(settings.WATCHED_INTEGRATIONS, f"{erp},{warehouse}")
    monkeypatch.setenv(settings.SILENCE_ALERT_SECONDS, "3600")
    handler = load_handler_module("dispatcher/check_silence").handler
    answer = handler(load_event("dispatcher/check-silence.json"), FakeLambdaContext())
    assert [silence["integration"] for silence in answer["silent"]] == [erp]
    assert emitted_metrics(capsys.readouterr().out)["SilentIntegrations"] == 1


def test_importing_the_handlers_reads_no_settings_and_creates_no_client():
    script = textwrap.dedent(
        """
        import importlib.util, os, sys
        import boto3, boto3.session

        def refuse(*args, **kwargs):
            raise AssertionError("a boto3 client was created at import time")

        boto3.client = boto3.session.Session.client = refuse
        for name in ("GOVERNOR_TABLE_NAME", "IDEMPOTENCY_TABLE_NAME", "WATCHED_INTEGRATIONS"):
            os.environ.pop(name, None)
        for function_dir in sys.argv[1:]:
            spec = importlib.util.spec_from_file_location(
                "app_" + function_dir.replace("/", "_"), f"functions/{function_dir}/app.py"
            )
            spec.loader.exec_module(importlib.util.module_from_spec(spec))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, *HANDLERS],
        cwd=ROOT,
        env={"PYTHONPATH": f"{ROOT / 'layers/shared/python'}:{ROOT}", "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
