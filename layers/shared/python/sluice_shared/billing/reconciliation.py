"""Reconciliation: find shipments received long enough ago that are still not billed, and act.

It reads the sparse `PendingBillingIndex` (shipments whose billing has neither finished nor
recorded a failure) for items older than `RECONCILE_AFTER_SECONDS`, then per shipment:
- no execution recorded (ingest crashed before starting it): start it by its business key;
- the recorded execution does not exist (a re-run claimed but not started): start it;
- running: leave it (its own timeouts end it);
- failed, timed out or stopped: redrive it (it resumes at the failed state, so finished
  steps do not run again); when AWS refuses the redrive, re-run it under a derived name
  (`<business key>-r<attempt>`), claimed with a conditional write so two runs cannot both;
- succeeded although not marked billed, or out of attempts: alert (error log and the
  `UnbilledShipments` metric, which an alarm watches).

Nothing doubles: every attempt sends the shipment's own Idempotency-Keys, the capture step
returns the capture the shipment item records, and the billed mark is conditional.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from sluice_shared import settings
from sluice_shared.aws import dynamodb_client, stepfunctions_client
from sluice_shared.billing.executions import execution_arn, start_billing
from sluice_shared.billing.keys import rerun_execution_name
from sluice_shared.billing.records import (
    CONDITIONAL_CHECK_FAILED,
    PENDING,
    PENDING_INDEX_NAME,
    Item,
    number,
    record_execution,
    text,
    timestamp,
)
from sluice_shared.observability import count, get_logger

STARTED = "started"
REDRIVEN = "redriven"
RERUN = "rerun"
RUNNING = "running"
ALERTED = "alerted"
CLAIMED_ELSEWHERE = "claimed-elsewhere"
_STOPPED = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})


def _utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class ReconcileDependencies:
    """The shipments table, the billing state machine and the reconciliation's limits."""

    shipments_table_name: str
    state_machine_arn: str
    reconcile_after_seconds: float
    max_attempts: int
    dynamodb: BaseClient
    stepfunctions: BaseClient
    clock: Callable[[], datetime] = _utc_now

    @classmethod
    def from_environment(cls) -> "ReconcileDependencies":
        """Dependencies named by the function's environment variables."""
        return cls(
            shipments_table_name=settings.shipments_table_name(),
            state_machine_arn=settings.billing_state_machine_arn(),
            reconcile_after_seconds=settings.reconcile_after_seconds(),
            max_attempts=settings.max_billing_attempts(),
            dynamodb=dynamodb_client(),
            stepfunctions=stepfunctions_client(),
        )


@dataclass(frozen=True)
class Reconciled:
    """What reconciliation did about one unbilled shipment."""

    business_key: str
    action: str
    execution_arn: str | None
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        """The outcome as JSON."""
        return {
            "businessKey": self.business_key,
            "action": self.action,
            "executionArn": self.execution_arn,
            "reason": self.reason,
        }


def unbilled_shipments(deps: ReconcileDependencies) -> Iterator[Item]:
    """Shipments pending billing that were received before the reconciliation age."""
    cutoff = deps.clock() - timedelta(seconds=deps.reconcile_after_seconds)
    pages = deps.dynamodb.get_paginator("query").paginate(
        TableName=deps.shipments_table_name,
        IndexName=PENDING_INDEX_NAME,
        KeyConditionExpression="billingState = :pending AND receivedAt < :cutoff",
        ExpressionAttributeValues={":pending": {"S": PENDING}, ":cutoff": {"S": timestamp(cutoff)}},
    )
    for page in pages:
        yield from page.get("Items", [])


def reconcile(deps: ReconcileDependencies) -> list[Reconciled]:
    """Act on every unbilled shipment older than the reconciliation age (module docstring)."""
    outcomes = []
    for item in unbilled_shipments(deps):
        outcome = _reconcile_shipment(deps, item)
        _report(outcome)
        outcomes.append(outcome)
    return outcomes


def _report(outcome: Reconciled) -> None:
    """Log and count one outcome; an alert is an error log and an `UnbilledShipments` count."""
    logger = get_logger()
    details = outcome.to_json()
    if outcome.action == ALERTED:
        logger.error("shipment not billed and reconciliation cannot bill it", extra=details)
        count("UnbilledShipments")
    elif outcome.action in (STARTED, REDRIVEN, RERUN):
        logger.warning("unbilled shipment's billing restarted", extra=details)
        count("BillingsReconciled")
    else:
        logger.info("unbilled shipment left as it is", extra=details)


def _reconcile_shipment(deps: ReconcileDependencies, item: Item) -> Reconciled:
    """Decide and do what one unbilled shipment needs."""
    business_key = str(text(item, "businessKey"))
    execution_input = str(text(item, "executionInput"))
    recorded_arn = text(item, "executionArn")
    if recorded_arn is None:
        return _start(deps, business_key, business_key, execution_input)
    try:
        described = deps.stepfunctions.describe_execution(executionArn=recorded_arn)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ExecutionDoesNotExist":
            raise
        name = recorded_arn.rsplit(":", 1)[-1]
        return _start(deps, business_key, name, execution_input)
    status = described["status"]
    if status == "RUNNING":
        return Reconciled(business_key, RUNNING, recorded_arn)
    if status not in _STOPPED:
        return Reconciled(
            business_key, ALERTED, recorded_arn, f"execution {status} but shipment not billed"
        )
    attempts = number(item, "billingAttempts", 1)
    tries = attempts + int(described.get("redriveCount") or 0)
    if tries >= deps.max_attempts:
        return Reconciled(
            business_key, ALERTED, recorded_arn, f"execution {status} after {tries} attempts"
        )
    try:
        deps.stepfunctions.redrive_execution(executionArn=recorded_arn)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ExecutionNotRedrivable":
            raise
        return _rerun(deps, business_key, execution_input, attempts)
    return Reconciled(business_key, REDRIVEN, recorded_arn, f"execution was {status}")


def _start(
    deps: ReconcileDependencies, business_key: str, name: str, execution_input: str
) -> Reconciled:
    """Start (or find) the execution `name` and record it on the shipment."""
    started = start_billing(deps.stepfunctions, deps.state_machine_arn, name, execution_input)
    record_execution(deps.dynamodb, deps.shipments_table_name, business_key, started)
    return Reconciled(business_key, STARTED, started, "no running execution")


def _rerun(
    deps: ReconcileDependencies, business_key: str, execution_input: str, attempts: int
) -> Reconciled:
    """Claim attempt `attempts + 1` with its execution ARN, then start that execution.

    The claim and the ARN are one conditional write: of two reconciliations only one claims
    the attempt, and a crash before the start leaves an ARN that does not exist yet, which
    the next reconciliation starts.
    """
    attempt = attempts + 1
    name = rerun_execution_name(business_key, attempt)
    arn = execution_arn(deps.state_machine_arn, name)
    try:
        deps.dynamodb.update_item(
            TableName=deps.shipments_table_name,
            Key={"businessKey": {"S": business_key}},
            UpdateExpression="SET billingAttempts = :next, executionArn = :arn",
            ConditionExpression=(
                "billingState = :pending AND (billingAttempts = :current OR "
                "(attribute_not_exists(billingAttempts) AND :current = :first))"
            ),
            ExpressionAttributeValues={
                ":next": {"N": str(attempt)},
                ":current": {"N": str(attempts)},
                ":first": {"N": "1"},
                ":arn": {"S": arn},
                ":pending": {"S": PENDING},
            },
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != CONDITIONAL_CHECK_FAILED:
            raise
        return Reconciled(business_key, CLAIMED_ELSEWHERE, None, "another run took this attempt")
    started = start_billing(deps.stepfunctions, deps.state_machine_arn, name, execution_input)
    return Reconciled(business_key, RERUN, started, "redrive refused; re-run under a new name")
