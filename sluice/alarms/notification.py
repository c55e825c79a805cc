"""Alarm state changes to their SNS topics, in the JSON CloudWatch sends.

The message is what an `AWS::CloudWatch::Alarm` action publishes on AWS (AlarmName,
AlarmDescription, NewStateValue, NewStateReason, StateChangeTime, Region, AlarmArn,
OldStateValue, Trigger, ...), with the subject `ALARM: "<name>" in <region name>`. It goes
through moto's SNS, so subscribers (the alerts queue, hence the notifier) get it in SNS's
envelope exactly as on AWS.
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from typing import Any

from sluice.alarms.definitions import AlarmDefinition
from sluice.alarms.evaluator import Transition, iso_millis

logger = logging.getLogger(__name__)

SUBJECT_MAX_CHARS = 100
# The names CloudWatch puts in `Region` (the ARN carries the code).
REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "ca-central-1": "Canada (Central)",
    "eu-west-1": "EU (Ireland)",
    "eu-west-2": "EU (London)",
    "eu-west-3": "EU (Paris)",
    "eu-central-1": "EU (Frankfurt)",
    "eu-north-1": "EU (Stockholm)",
    "eu-south-1": "EU (Milan)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "sa-east-1": "South America (Sao Paulo)",
}


def alarm_message(transition: Transition, configured_at: datetime) -> dict[str, Any]:
    """The notification CloudWatch publishes for one state change."""
    alarm = transition.alarm
    _, _, _, region, account, *_ = alarm.arn.split(":")
    return {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description or None,
        "AWSAccountId": account,
        "AlarmConfigurationUpdatedTimestamp": iso_millis(configured_at),
        "NewStateValue": transition.new.state.value,
        "NewStateReason": transition.new.reason,
        "StateChangeTime": iso_millis(transition.new.updated_at),
        "Region": REGION_NAMES.get(region, region),
        "AlarmArn": alarm.arn,
        "OldStateValue": transition.old.state.value,
        "OKActions": list(alarm.ok_actions),
        "AlarmActions": list(alarm.alarm_actions),
        "InsufficientDataActions": list(alarm.insufficient_data_actions),
        "Trigger": _trigger(alarm),
    }


def alarm_subject(transition: Transition) -> str:
    """`ALARM: "<name>" in US East (N. Virginia)`, cut to SNS's 100 characters."""
    region = transition.alarm.arn.split(":")[3]
    subject = (
        f'{transition.new.state.value}: "{transition.alarm.name}" in '
        f"{REGION_NAMES.get(region, region)}"
    )
    return subject[:SUBJECT_MAX_CHARS]


class AlarmPublisher:
    """Publishes each transition to the SNS topics of its new state's actions."""

    def __init__(self, sns_client: Any, configured_at: datetime) -> None:
        self._sns = sns_client
        self._configured_at = configured_at

    def __call__(self, transition: Transition) -> None:
        """Publish `transition` to every action of its new state."""
        topics = transition.alarm.actions_for(transition.new.state)
        if not topics:
            return
        message = json.dumps(alarm_message(transition, self._configured_at))
        subject = alarm_subject(transition)
        for topic_arn in topics:
            self._sns.publish(TopicArn=topic_arn, Subject=subject, Message=message)
            logger.info(
                "alarm %s %s -> %s published to %s",
                transition.alarm.name,
                transition.old.state,
                transition.new.state,
                topic_arn,
            )


def _trigger(alarm: AlarmDefinition) -> dict[str, Any]:
    return {
        "MetricName": alarm.metric.name,
        "Namespace": alarm.metric.namespace,
        "StatisticType": "Statistic",
        "Statistic": re.sub(r"(?<!^)(?=[A-Z])", "_", alarm.statistic.value).upper(),
        "Unit": alarm.unit,
        "Dimensions": [{"value": value, "name": name} for name, value in alarm.metric.dimensions],
        "Period": alarm.period,
        "EvaluationPeriods": alarm.evaluation_periods,
        "DatapointsToAlarm": alarm.datapoints_to_alarm,
        "ComparisonOperator": alarm.comparison.value,
        "Threshold": alarm.threshold,
        "TreatMissingData": alarm.treat_missing_data.value,
        "EvaluateLowSampleCountPercentile": "",
    }
