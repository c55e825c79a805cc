"""Alarm definitions and datapoints for the alarm tests, written as AWS's tables write them."""

from __future__ import annotations

from typing import Any

from sluice.alarms import AlarmDefinition, alarm_definition
from sluice.alarms.evaluation import Datapoint
from sluice.template.model import AlarmSpec

TOPIC = "arn:aws:sns:us-east-1:123456789012:sluice-dev-alerts"
ALARM_NAME = "sluice-dev-erp-requests-dlq"
ALARM_ARN = f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{ALARM_NAME}"
QUEUE = "sluice-dev-erp-requests-dlq"
PERIOD = 60
# A breaching and a non-breaching value for the default threshold (> 0).
BREACHING, NOT_BREACHING = 1.0, 0.0


def alarm(logical_id: str = "ErpRequestDeadLetterQueueAlarm", **properties: Any) -> AlarmDefinition:
    """The ERP DLQ alarm of the template, with `properties` changed."""
    base: dict[str, Any] = {
        "AlarmName": ALARM_NAME,
        "AlarmDescription": "ERP requests wait in the dead-letter queue.",
        "Namespace": "AWS/SQS",
        "MetricName": "ApproximateNumberOfMessagesVisible",
        "Dimensions": [{"Name": "QueueName", "Value": QUEUE}],
        "Statistic": "Maximum",
        "Period": PERIOD,
        "EvaluationPeriods": 1,
        "Threshold": 0,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": [TOPIC],
        "OKActions": [TOPIC],
    }
    base.update(properties)
    name = str(base["AlarmName"])
    arn = ALARM_ARN.replace(ALARM_NAME, name)
    return alarm_definition(AlarmSpec(logical_id, name, arn, base))


def points(row: str, start: float = 0.0, period: float = PERIOD) -> list[Datapoint]:
    """`0 - X - X` (oldest first): 0 not breaching, X breaching, - missing."""
    values = {"0": NOT_BREACHING, "X": BREACHING, "-": None}
    return [
        Datapoint(start + index * period, values[symbol])
        for index, symbol in enumerate(row.split())
    ]
