"""The main job's report, computed from what the local cloud recorded (never from what was sent).

Sources: the engine's executions and histories, the ops failures table, the simulators'
request journals, the Lambda runtime's counters and the webhook answers.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3

from sluice.cloud.local_cloud import LocalCloud
from sluice.cloud.traffic import Delivery

ACCEPTED = 202
DUPLICATE = 200
CLOSED_FAILURES = {"FAILED", "TIMED_OUT", "ABORTED"}
# History events that schedule a task attempt; more of them than task entries means retries.
_ATTEMPT_EVENTS = {"TaskScheduled", "LambdaFunctionScheduled"}
_TASK_ENTERED = "TaskStateEntered"


@dataclass
class Report:
    """Figures of one run of the main job."""

    executions: dict[str, Counter[str]] = field(default_factory=dict)
    rejected: Counter[str] = field(default_factory=Counter)
    accepted: int = 0
    duplicates_absorbed: int = 0
    redeliveries: int = 0
    retries: int = 0
    retried_errors: Counter[str] = field(default_factory=Counter)
    erp_throttled: int = 0
    lambda_throttles: int = 0
    erp_max_concurrent: int = 0
    erp_cap: int | None = None
    latency_seconds: list[float] = field(default_factory=list)
    slack_alerts: int = 0
    failures_recorded: int = 0
    lost: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    time_scale: float = 1.0

    def percentile(self, share: float) -> float | None:
        """The end-to-end latency at `share` (0.5, 0.95, 0.99), in simulated seconds."""
        if not self.latency_seconds:
            return None
        if len(self.latency_seconds) == 1:
            return self.latency_seconds[0]
        cuts = statistics.quantiles(self.latency_seconds, n=100, method="inclusive")
        return cuts[round(share * 100) - 1]


def build_report(cloud: LocalCloud, deliveries: Sequence[Delivery]) -> Report:
    """Everything the main job prints, from the local cloud's records."""
    assert cloud.engine is not None and cloud.model is not None and cloud.runtime is not None
    report = Report(time_scale=cloud.settings.time_scale)
    answered = 0
    for delivery in deliveries:
        report.redeliveries += delivery.attempts - 1
        if delivery.status in (ACCEPTED, DUPLICATE):
            answered += 1
        else:
            message = str(delivery.answer.get("message", "")).split(":")[0]
            report.rejected[f"{delivery.status} {message}"] += 1
    # An order counts once, whichever delivery got the 202: a redelivery of a webhook whose
    # first attempt got no answer but started the workflow is answered 200, yet it is the
    # order's acceptance, not a duplicate.
    accepted_keys = {
        delivery.business_key
        for delivery in deliveries
        if delivery.status in (ACCEPTED, DUPLICATE) and delivery.business_key
    }
    report.accepted = len(accepted_keys)
    report.duplicates_absorbed = answered - report.accepted
    sent_at = _first_sent(deliveries)
    closed: dict[str, dict[str, Any]] = {}
    for logical_id, machine in cloud.model.state_machines.items():
        statuses: Counter[str] = Counter()
        for execution in _executions(cloud, machine.arn):
            statuses[execution["status"]] += 1
            closed[execution["name"]] = execution
            _count_retries(report, cloud, execution["executionArn"])
        report.executions[logical_id] = statuses
    for key in accepted_keys:
        execution = closed.get(key)
        stop = execution.get("stopDate") if execution else None
        if stop is not None and key in sent_at:
            report.latency_seconds.append((stop - sent_at[key]).total_seconds())
    recorded = _recorded_failures(cloud)
    report.failures_recorded = len(recorded)
    for key in sorted(accepted_keys):
        status = closed[key]["status"] if key in closed else "NOT STARTED"
        if status == "SUCCEEDED" or (status in CLOSED_FAILURES and key in recorded):
            continue
        report.lost.append(f"{key} ({status})")
    erp = cloud.simulators.erp
    report.erp_throttled = erp.throttled_count
    report.erp_max_concurrent = erp.max_concurrent
    report.erp_cap = erp.settings.concurrency_cap
    report.lambda_throttles = sum(
        cloud.runtime.metrics(function.name).throttles
        for function in cloud.model.functions.values()
    )
    report.slack_alerts = len(cloud.simulators.slack.requests(method="POST"))
    return report


def _executions(cloud: LocalCloud, machine_arn: str) -> Iterable[dict[str, Any]]:
    assert cloud.engine is not None
    request: dict[str, Any] = {"stateMachineArn": machine_arn, "maxResults": 1000}
    while True:
        page = cloud.engine.list_executions(request)
        yield from page["executions"]
        if not page.get("nextToken"):
            return
        request["nextToken"] = page["nextToken"]


def _count_retries(report: Report, cloud: LocalCloud, execution_arn: str) -> None:
    assert cloud.engine is not None
    events = cloud.engine.get_execution_history(
        {"executionArn": execution_arn, "maxResults": 1000}
    )["events"]
    attempts = sum(1 for event in events if event["type"] in _ATTEMPT_EVENTS)
    entered = sum(1 for event in events if event["type"] == _TASK_ENTERED)
    report.retries += max(attempts - entered, 0)
    for index, event in enumerate(events):
        details = event.get("taskFailedEventDetails") or event.get(
            "lambdaFunctionFailedEventDetails"
        )
        if details and _retried(events, index):
            report.retried_errors[details.get("error", "unknown")] += 1


def _retried(events: list[dict[str, Any]], index: int) -> bool:
    """Whether the task failure at `index` was followed by another attempt of the same state."""
    for event in events[index + 1 :]:
        if event["type"] in _ATTEMPT_EVENTS:
            return True
        if event["type"].endswith("StateExited"):
            return False
    return False


def _recorded_failures(cloud: LocalCloud) -> set[str]:
    assert cloud.model is not None
    table = cloud.model.tables.get("OpsFailuresTable")
    if table is None:
        return set()
    client = boto3.client(
        "dynamodb", endpoint_url=cloud.moto_url, region_name=cloud.model.stack.region
    )
    keys: set[str] = set()
    for page in client.get_paginator("scan").paginate(TableName=table.name):
        keys.update(item["businessKey"]["S"] for item in page["Items"])
    return keys


def _first_sent(deliveries: Sequence[Delivery]) -> dict[str, datetime]:
    first: dict[str, datetime] = {}
    for delivery in deliveries:
        key = delivery.business_key
        if delivery.status in (ACCEPTED, DUPLICATE) and key and key not in first:
            first[key] = delivery.sent_at
    return first


def report_as_json(report: Report) -> str:
    """The report as JSON (for scripts and CI logs)."""
    return json.dumps(
        {
            "executions": {name: dict(counts) for name, counts in report.executions.items()},
            "accepted": report.accepted,
            "rejected": dict(report.rejected),
            "duplicatesAbsorbed": report.duplicates_absorbed,
            "redeliveries": report.redeliveries,
            "retries": report.retries,
            "retriedErrors": dict(report.retried_errors),
            "erpThrottled": report.erp_throttled,
            "lambdaThrottles": report.lambda_throttles,
            "erpMaxConcurrent": report.erp_max_concurrent,
            "erpCap": report.erp_cap,
            "latencySeconds": {
                "p50": report.percentile(0.5),
                "p95": report.percentile(0.95),
                "p99": report.percentile(0.99),
            },
            "slackAlerts": report.slack_alerts,
            "failuresRecorded": report.failures_recorded,
            "lost": report.lost,
            "wallSeconds": round(report.wall_seconds, 2),
            "timeScale": report.time_scale,
        },
        indent=2,
    )
