"""CloudWatch alarms evaluated on the local cloud, from metrics fed by its real sources."""

from sluice.alarms.definitions import (
    AlarmDefinition,
    AlarmState,
    UnsupportedAlarm,
    alarm_definition,
    alarm_definitions,
)
from sluice.alarms.emf import EmfMetrics, parse_emf
from sluice.alarms.evaluator import AlarmEvaluator, AlarmStatus, Transition
from sluice.alarms.local_alarms import LocalAlarms
from sluice.alarms.metric_store import MetricKey, MetricStore

__all__ = [
    "AlarmDefinition",
    "AlarmEvaluator",
    "AlarmState",
    "AlarmStatus",
    "EmfMetrics",
    "LocalAlarms",
    "MetricKey",
    "MetricStore",
    "Transition",
    "UnsupportedAlarm",
    "alarm_definition",
    "alarm_definitions",
    "parse_emf",
]
