"""Bulk redrive by filter (workflow, time range, error) through the Step Functions API."""

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.config import Config

from sluice.cli import main
from sluice.clock import RealClock
from sluice.redrive import ExecutionFilter, matching_executions, parse_moment, redrive
from sluice.stepfunctions import StepFunctionsService
from sluice.stepfunctions.http import StepFunctionsServer
from sluice.stepfunctions.integrations import Integrations

ROLE = "arn:aws:iam::123456789012:role/sluice-local-test"
# Fails with the error its input names, or succeeds when there is none.
DEFINITION = {
    "QueryLanguage": "JSONata",
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [{"Condition": "{% $exists($states.input.error) %}", "Next": "Broken"}],
            "Default": "Done",
        },
        "Broken": {"Type": "Fail", "Error": "{% $states.input.error %}", "Cause": "test"},
        "Done": {"Type": "Succeed"},
    },
}


@pytest.fixture
def client() -> Iterator[object]:
    service = StepFunctionsService(clock=RealClock(), integrations=Integrations())
    with StepFunctionsServer(service) as server:
        yield boto3.client(
            "stepfunctions",
            endpoint_url=server.url,
            region_name="us-east-1",
            config=Config(inject_host_prefix=False),
        )


def machine(client, name: str) -> str:
    return client.create_state_machine(
        name=name, definition=json.dumps(DEFINITION), roleArn=ROLE, type="STANDARD"
    )["stateMachineArn"]


def run(client, machine_arn: str, name: str, error: str | None) -> str:
    arn = client.start_execution(
        stateMachineArn=machine_arn,
        name=name,
        input=json.dumps({"error": error} if error else {}),
    )["executionArn"]
    for _ in range(500):
        if client.describe_execution(executionArn=arn)["status"] != "RUNNING":
            return arn
    raise AssertionError(f"{arn} never stopped")


@pytest.fixture
def stopped(client) -> dict[str, str]:
    """Orders failing with two errors, one success, and a failed billing execution."""
    orders = machine(client, "sluice-dev-orders")
    billing = machine(client, "sluice-dev-billing")
    return {
        "unavailable": run(client, orders, "order-1", "ProviderUnavailable"),
        "invalid": run(client, orders, "order-2", "OrderInvalid"),
        "fine": run(client, orders, "order-3", None),
        "billing": run(client, billing, "shipment-1", "ProviderUnavailable"),
    }


def names(candidates) -> set[str]:
    return {candidate.name for candidate in candidates}


def test_a_workflow_filter_chooses_that_workflows_stopped_executions(client, stopped):
    found = matching_executions(client, ExecutionFilter(workflow="orders"))
    assert names(found) == {"order-1", "order-2"}


def test_an_error_filter_chooses_executions_that_failed_with_that_error(client, stopped):
    found = matching_executions(client, ExecutionFilter(error="ProviderUnavailable"))
    assert names(found) == {"order-1", "shipment-1"}


def test_a_time_range_excludes_executions_stopped_outside_it(client, stopped):
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert names(matching_executions(client, ExecutionFilter(since=later))) == set()
    assert names(matching_executions(client, ExecutionFilter(until=later))) == {
        "order-1",
        "order-2",
        "shipment-1",
    }


def test_each_match_is_redriven_and_reported(client, stopped):
    chosen = ExecutionFilter(workflow="orders", error="ProviderUnavailable")

    outcomes = [redrive(client, c, dry_run=False) for c in matching_executions(client, chosen)]

    assert [(o.candidate.name, o.redriven) for o in outcomes] == [("order-1", True)]
    described = client.describe_execution(executionArn=stopped["unavailable"])
    assert described["redriveCount"] == 1
    assert client.describe_execution(executionArn=stopped["invalid"])["redriveCount"] == 0


def test_a_dry_run_redrives_nothing(client, stopped):
    outcomes = [
        redrive(client, c, dry_run=True)
        for c in matching_executions(client, ExecutionFilter(workflow="billing"))
    ]

    assert [(o.candidate.name, o.redriven, o.detail) for o in outcomes] == [
        ("shipment-1", False, "would be redriven (dry run)")
    ]
    assert client.describe_execution(executionArn=stopped["billing"])["redriveCount"] == 0


def test_an_execution_that_cannot_be_redriven_is_reported_not_fatal(client, stopped):
    candidate = next(iter(matching_executions(client, ExecutionFilter(workflow="billing"))))
    gone = replace(candidate, arn=candidate.arn.replace("shipment-1", "shipment-404"))

    outcome = redrive(client, gone, dry_run=False)

    assert outcome.redriven is False
    assert outcome.detail.startswith("ExecutionDoesNotExist")


def test_times_are_iso_or_relative_to_now():
    now = datetime(2025, 11, 23, 12, 0, tzinfo=UTC)
    assert parse_moment("2h", now) == datetime(2025, 11, 23, 10, 0, tzinfo=UTC)
    assert parse_moment("7d", now) == datetime(2025, 11, 16, 12, 0, tzinfo=UTC)
    assert parse_moment("2025-11-23T09:30") == datetime(2025, 11, 23, 9, 30, tzinfo=UTC)
    assert parse_moment("2025-11-23T09:30:00Z") == datetime(2025, 11, 23, 9, 30, tzinfo=UTC)


def test_the_cli_redrives_by_filter_and_reports_each_execution(client, stopped, capsys):
    status = main(
        [
            "redrive",
            "--endpoint-url",
            client.meta.endpoint_url,
            "--workflow",
            "orders",
            "--error",
            "OrderInvalid",
            "--since",
            "1h",
        ]
    )

    assert status == 0
    assert "1 matched, 1 redriven" in capsys.readouterr().out
    assert client.describe_execution(executionArn=stopped["invalid"])["redriveCount"] == 1


def test_the_cli_refuses_to_redrive_everything_without_a_filter(client):
    with pytest.raises(SystemExit):
        main(["redrive", "--endpoint-url", client.meta.endpoint_url])
