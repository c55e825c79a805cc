"""Reconciliation: unbilled shipments older than the age get billed again, or alerted on."""

from datetime import UTC, datetime

import boto3
import pytest

from sluice_shared.billing.reconciliation import (
    ALERTED,
    CLAIMED_ELSEWHERE,
    REDRIVEN,
    RERUN,
    RUNNING,
    STARTED,
    ReconcileDependencies,
    reconcile,
)
from tests.unit.billing.support import (
    SHIPMENTS_TABLE_NAME,
    FakeExecutions,
    store_shipment,
    stored_shipment,
)

NOW = datetime(2025, 3, 16, 12, 0, tzinfo=UTC)
OLD = "2025-03-16T10:00:00.000Z"
RECENT = "2025-03-16T11:50:00.000Z"
STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:sluice-test-billing"
KEY = "shipment-3pl-SHP-000042"


@pytest.fixture
def executions(billing_aws) -> FakeExecutions:
    """Step Functions as reconciliation sees it."""
    return FakeExecutions(STATE_MACHINE_ARN)


def _reconcile(executions: FakeExecutions, max_attempts: int = 3) -> list:
    deps = ReconcileDependencies(
        shipments_table_name=SHIPMENTS_TABLE_NAME,
        state_machine_arn=STATE_MACHINE_ARN,
        reconcile_after_seconds=3600,
        max_attempts=max_attempts,
        dynamodb=boto3.client("dynamodb"),
        stepfunctions=executions,
        clock=lambda: NOW,
    )
    return reconcile(deps)


def _stopped(executions: FakeExecutions, status: str = "ABORTED") -> str:
    arn = executions.arn(KEY)
    executions.statuses[arn] = status
    return arn


def test_given_an_old_shipment_never_started_when_reconciled_then_its_billing_starts(
    executions,
):
    store_shipment(OLD)
    [outcome] = _reconcile(executions)
    [(name, execution_input)] = executions.started
    assert (outcome.action, name) == (STARTED, KEY)
    assert execution_input["shipment"]["shipmentId"] == "SHP-000042"
    assert stored_shipment(KEY)["executionArn"] == executions.arn(KEY)


def test_given_a_recent_unbilled_shipment_when_reconciled_then_it_is_left_alone(executions):
    store_shipment(RECENT)
    assert _reconcile(executions) == []
    assert executions.started == []


def test_given_a_billed_shipment_when_reconciled_then_it_is_not_even_read(executions):
    store_shipment(OLD, billing_state=None)
    assert _reconcile(executions) == []


def test_given_a_running_billing_when_reconciled_then_it_is_left_running(executions):
    arn = executions.arn(KEY)
    executions.statuses[arn] = "RUNNING"
    store_shipment(OLD, execution_arn=arn)
    [outcome] = _reconcile(executions)
    assert outcome.action == RUNNING
    assert (executions.started, executions.redriven) == ([], [])


@pytest.mark.parametrize("status", ["ABORTED", "FAILED", "TIMED_OUT"])
def test_given_a_stopped_billing_when_reconciled_then_it_is_redriven(executions, status):
    arn = _stopped(executions, status)
    store_shipment(OLD, execution_arn=arn)
    [outcome] = _reconcile(executions)
    assert outcome.action == REDRIVEN
    assert executions.redriven == [arn]
    assert executions.started == []


def test_given_a_billing_aws_will_not_redrive_when_reconciled_then_it_reruns_under_r2(
    executions,
):
    arn = _stopped(executions)
    executions.not_redrivable.add(arn)
    store_shipment(OLD, execution_arn=arn)
    [outcome] = _reconcile(executions)
    [(name, execution_input)] = executions.started
    item = stored_shipment(KEY)
    assert (outcome.action, name) == (RERUN, f"{KEY}-r2")
    assert execution_input["businessKey"] == KEY
    assert (item["billingAttempts"], item["executionArn"]) == ("2", executions.arn(f"{KEY}-r2"))


class _CompetingReconciliation:
    """A DynamoDB client on which another reconciliation claims attempt 2 just before us."""

    def __init__(self, competitor_arn: str) -> None:
        self._client = boto3.client("dynamodb")
        self._competitor_arn = competitor_arn

    def __getattr__(self, name: str) -> object:
        return getattr(self._client, name)

    def update_item(self, **arguments: object) -> object:
        self._client.update_item(
            TableName=SHIPMENTS_TABLE_NAME,
            Key={"businessKey": {"S": KEY}},
            UpdateExpression="SET billingAttempts = :two, executionArn = :arn",
            ExpressionAttributeValues={":two": {"N": "2"}, ":arn": {"S": self._competitor_arn}},
        )
        return self._client.update_item(**arguments)


def test_given_an_attempt_claimed_by_another_run_when_reconciled_then_nothing_starts(
    executions,
):
    arn = _stopped(executions)
    executions.not_redrivable.add(arn)
    store_shipment(OLD, execution_arn=arn)
    deps = ReconcileDependencies(
        shipments_table_name=SHIPMENTS_TABLE_NAME,
        state_machine_arn=STATE_MACHINE_ARN,
        reconcile_after_seconds=3600,
        max_attempts=3,
        dynamodb=_CompetingReconciliation(executions.arn(f"{KEY}-r2")),
        stepfunctions=executions,
        clock=lambda: NOW,
    )
    [outcome] = reconcile(deps)
    assert outcome.action == CLAIMED_ELSEWHERE
    assert executions.started == []


def test_given_a_claimed_rerun_that_never_started_when_reconciled_then_it_starts(executions):
    rerun_arn = executions.arn(f"{KEY}-r2")
    store_shipment(OLD, execution_arn=rerun_arn, extra={"billingAttempts": {"N": "2"}})
    [outcome] = _reconcile(executions)
    [(name, _)] = executions.started
    assert (outcome.action, name) == (STARTED, f"{KEY}-r2")


def test_given_a_billing_out_of_attempts_when_reconciled_then_it_alerts_and_restarts_nothing(
    executions,
):
    arn = _stopped(executions, "FAILED")
    executions.redrive_counts[arn] = 2
    store_shipment(OLD, execution_arn=arn)
    [outcome] = _reconcile(executions, max_attempts=3)
    assert outcome.action == ALERTED
    assert "after 3 attempts" in outcome.reason
    assert (executions.started, executions.redriven) == ([], [])


def test_given_a_succeeded_billing_of_an_unbilled_shipment_when_reconciled_then_it_alerts(
    executions,
):
    arn = executions.arn(KEY)
    executions.statuses[arn] = "SUCCEEDED"
    store_shipment(OLD, execution_arn=arn)
    [outcome] = _reconcile(executions)
    assert outcome.action == ALERTED
    assert executions.redriven == []
