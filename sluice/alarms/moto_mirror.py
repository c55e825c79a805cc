"""The alarms and their states in moto's CloudWatch, so `aws cloudwatch describe-alarms` shows them.

moto stores alarms but never evaluates them; the local cloud does. `register` creates each
alarm there (PutMetricAlarm) and every transition is copied with SetAlarmState, which in moto
only records the state (it runs no action, so nothing is published twice).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sluice.alarms.definitions import AlarmDefinition
from sluice.alarms.evaluator import Transition


class MotoAlarmMirror:
    """Keeps moto's CloudWatch alarms in step with the local evaluation."""

    def __init__(self, cloudwatch_client: Any) -> None:
        self._cloudwatch = cloudwatch_client

    def register(self, alarms: Iterable[AlarmDefinition]) -> None:
        """Create (or replace) every alarm in moto."""
        for alarm in alarms:
            arguments: dict[str, Any] = {
                "AlarmName": alarm.name,
                "AlarmDescription": alarm.description,
                "Namespace": alarm.metric.namespace,
                "MetricName": alarm.metric.name,
                "Dimensions": [
                    {"Name": name, "Value": value} for name, value in alarm.metric.dimensions
                ],
                "Statistic": alarm.statistic.value,
                "Period": alarm.period,
                "EvaluationPeriods": alarm.evaluation_periods,
                "DatapointsToAlarm": alarm.datapoints_to_alarm,
                "Threshold": alarm.threshold,
                "ComparisonOperator": alarm.comparison.value,
                "TreatMissingData": alarm.treat_missing_data.value,
                "ActionsEnabled": alarm.actions_enabled,
                "AlarmActions": list(alarm.alarm_actions),
                "OKActions": list(alarm.ok_actions),
                "InsufficientDataActions": list(alarm.insufficient_data_actions),
            }
            if alarm.unit:
                arguments["Unit"] = alarm.unit
            self._cloudwatch.put_metric_alarm(**arguments)

    def __call__(self, transition: Transition) -> None:
        """Record one state change in moto."""
        self._cloudwatch.set_alarm_state(
            AlarmName=transition.alarm.name,
            StateValue=transition.new.state.value,
            StateReason=transition.new.reason[:1023],
            StateReasonData=transition.new.reason_data,
        )
