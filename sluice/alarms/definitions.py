"""A template's `AWS::CloudWatch::Alarm` resources as typed definitions the evaluator can run.

Metric alarms on one metric are supported: Namespace, MetricName, Dimensions, Statistic,
Unit, Period, EvaluationPeriods, DatapointsToAlarm, Threshold, the four static
ComparisonOperators, TreatMissingData, ActionsEnabled and SNS topic actions. Anything else
(metric math in `Metrics`, `ExtendedStatistic` percentiles, anomaly detection bands, actions
other than SNS) is refused when the template is loaded, with `UnsupportedAlarm` naming the
alarm's logical id: the local cloud would otherwise evaluate an alarm AWS evaluates
differently, without a word.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sluice.alarms.metric_store import MetricKey
from sluice.template.model import AlarmSpec

# Properties with no bearing on evaluation (names, descriptions, tags).
_DESCRIPTIVE = frozenset({"AlarmName", "AlarmDescription", "Tags"})
_SUPPORTED = frozenset(
    {
        "Namespace",
        "MetricName",
        "Dimensions",
        "Statistic",
        "Unit",
        "Period",
        "EvaluationPeriods",
        "DatapointsToAlarm",
        "Threshold",
        "ComparisonOperator",
        "TreatMissingData",
        "ActionsEnabled",
        "AlarmActions",
        "OKActions",
        "InsufficientDataActions",
    }
)
_UNSUPPORTED_REASONS = {
    "Metrics": "metric math (`Metrics`) is not evaluated locally",
    "ExtendedStatistic": "percentile statistics (`ExtendedStatistic`) are not evaluated locally",
    "ThresholdMetricId": "anomaly detection bands (`ThresholdMetricId`) are not evaluated locally",
    "EvaluateLowSampleCountPercentile": "it only applies to percentile statistics",
}
_Choice = TypeVar("_Choice", bound=StrEnum)
HIGH_RESOLUTION_PERIODS = (10, 30)
# AWS: EvaluationPeriods x Period may not exceed one day.
MAX_EVALUATION_SECONDS = 86_400


class UnsupportedAlarm(ValueError):
    """An alarm the local cloud cannot evaluate as CloudWatch would; names its logical id."""


class Statistic(StrEnum):
    """CloudWatch's simple statistics."""

    SAMPLE_COUNT = "SampleCount"
    AVERAGE = "Average"
    SUM = "Sum"
    MINIMUM = "Minimum"
    MAXIMUM = "Maximum"


class ComparisonOperator(StrEnum):
    """How a datapoint is compared with the threshold (static thresholds only)."""

    GREATER = "GreaterThanThreshold"
    GREATER_OR_EQUAL = "GreaterThanOrEqualToThreshold"
    LESS = "LessThanThreshold"
    LESS_OR_EQUAL = "LessThanOrEqualToThreshold"

    def breaches(self, value: float, threshold: float) -> bool:
        """Whether `value` is on the alarming side of `threshold`."""
        if self is ComparisonOperator.GREATER:
            return value > threshold
        if self is ComparisonOperator.GREATER_OR_EQUAL:
            return value >= threshold
        if self is ComparisonOperator.LESS:
            return value < threshold
        return value <= threshold

    @property
    def words(self) -> str:
        """The comparison as CloudWatch's state reasons spell it."""
        return {
            ComparisonOperator.GREATER: "greater than",
            ComparisonOperator.GREATER_OR_EQUAL: "greater than or equal to",
            ComparisonOperator.LESS: "less than",
            ComparisonOperator.LESS_OR_EQUAL: "less than or equal to",
        }[self]


class TreatMissingData(StrEnum):
    """What a period with no datapoint counts as (`missing` when the template says nothing)."""

    BREACHING = "breaching"
    NOT_BREACHING = "notBreaching"
    IGNORE = "ignore"
    MISSING = "missing"


class AlarmState(StrEnum):
    """An alarm's state."""

    OK = "OK"
    ALARM = "ALARM"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"


@dataclass(frozen=True)
class AlarmDefinition:
    """One metric alarm, as CloudWatch evaluates it."""

    logical_id: str
    name: str
    arn: str
    description: str
    metric: MetricKey
    statistic: Statistic
    unit: str | None
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    threshold: float
    comparison: ComparisonOperator
    treat_missing_data: TreatMissingData
    actions_enabled: bool
    alarm_actions: tuple[str, ...]
    ok_actions: tuple[str, ...]
    insufficient_data_actions: tuple[str, ...]

    def actions_for(self, state: AlarmState) -> tuple[str, ...]:
        """The actions a transition into `state` runs (none when actions are disabled)."""
        if not self.actions_enabled:
            return ()
        return {
            AlarmState.ALARM: self.alarm_actions,
            AlarmState.OK: self.ok_actions,
            AlarmState.INSUFFICIENT_DATA: self.insufficient_data_actions,
        }[state]


def alarm_definitions(alarms: Mapping[str, AlarmSpec]) -> list[AlarmDefinition]:
    """Every alarm of a loaded template; `UnsupportedAlarm` for one that cannot be evaluated."""
    return [alarm_definition(spec) for spec in alarms.values()]


def alarm_definition(spec: AlarmSpec) -> AlarmDefinition:
    """One alarm's definition from its resolved template properties."""
    properties = dict(spec.properties)
    _refuse_unsupported(spec.logical_id, properties)
    period = _integer(spec.logical_id, properties, "Period")
    evaluation_periods = _integer(spec.logical_id, properties, "EvaluationPeriods")
    datapoints_to_alarm = _integer(
        spec.logical_id, properties, "DatapointsToAlarm", default=evaluation_periods
    )
    _check_periods(spec.logical_id, period, evaluation_periods, datapoints_to_alarm)
    return AlarmDefinition(
        logical_id=spec.logical_id,
        name=spec.name,
        arn=spec.arn,
        description=str(properties.get("AlarmDescription") or ""),
        metric=MetricKey.of(
            str(_required(spec.logical_id, properties, "Namespace")),
            str(_required(spec.logical_id, properties, "MetricName")),
            _dimensions(spec.logical_id, properties.get("Dimensions")),
        ),
        statistic=_choice(spec.logical_id, properties, "Statistic", Statistic),
        unit=str(properties["Unit"]) if properties.get("Unit") else None,
        period=period,
        evaluation_periods=evaluation_periods,
        datapoints_to_alarm=datapoints_to_alarm,
        threshold=_number(spec.logical_id, properties, "Threshold"),
        comparison=_choice(spec.logical_id, properties, "ComparisonOperator", ComparisonOperator),
        treat_missing_data=_choice(
            spec.logical_id,
            properties,
            "TreatMissingData",
            TreatMissingData,
            default=TreatMissingData.MISSING,
        ),
        actions_enabled=str(properties.get("ActionsEnabled", True)).lower() != "false",
        alarm_actions=_actions(spec.logical_id, properties, "AlarmActions"),
        ok_actions=_actions(spec.logical_id, properties, "OKActions"),
        insufficient_data_actions=_actions(spec.logical_id, properties, "InsufficientDataActions"),
    )


def _refuse_unsupported(logical_id: str, properties: Mapping[str, Any]) -> None:
    for name in properties:
        if name in _DESCRIPTIVE or name in _SUPPORTED:
            continue
        reason = _UNSUPPORTED_REASONS.get(name, "the local cloud does not know this property")
        raise UnsupportedAlarm(f"Alarm '{logical_id}': {name} is not supported: {reason}")


def _required(logical_id: str, properties: Mapping[str, Any], name: str) -> Any:
    value = properties.get(name)
    if value is None or value == "":
        raise UnsupportedAlarm(f"Alarm '{logical_id}': {name} is required")
    return value


def _integer(
    logical_id: str, properties: Mapping[str, Any], name: str, default: int | None = None
) -> int:
    value = properties.get(name, default)
    if value is None:
        raise UnsupportedAlarm(f"Alarm '{logical_id}': {name} is required")
    try:
        number = int(str(value))
    except ValueError as error:
        raise UnsupportedAlarm(f"Alarm '{logical_id}': {name} {value!r} is not an integer") from (
            error
        )
    if number < 1:
        raise UnsupportedAlarm(f"Alarm '{logical_id}': {name} must be at least 1, not {number}")
    return number


def _number(logical_id: str, properties: Mapping[str, Any], name: str) -> float:
    value = _required(logical_id, properties, name)
    try:
        return float(str(value))
    except ValueError as error:
        raise UnsupportedAlarm(f"Alarm '{logical_id}': {name} {value!r} is not a number") from (
            error
        )


def _choice(
    logical_id: str,
    properties: Mapping[str, Any],
    name: str,
    choices: type[_Choice],
    default: _Choice | None = None,
) -> _Choice:
    value = properties.get(name)
    if value is None and default is not None:
        return default
    text = str(_required(logical_id, properties, name))
    try:
        return choices(text)
    except ValueError as error:
        allowed = ", ".join(choice.value for choice in choices)
        raise UnsupportedAlarm(
            f"Alarm '{logical_id}': {name} {value!r} is not supported (one of: {allowed})"
        ) from error


def _check_periods(logical_id: str, period: int, evaluation_periods: int, to_alarm: int) -> None:
    if period not in HIGH_RESOLUTION_PERIODS and period % 60 != 0:
        raise UnsupportedAlarm(
            f"Alarm '{logical_id}': Period {period} must be 10, 30 or a multiple of 60"
        )
    if period * evaluation_periods > MAX_EVALUATION_SECONDS:
        raise UnsupportedAlarm(
            f"Alarm '{logical_id}': EvaluationPeriods x Period may not exceed one day"
        )
    if to_alarm > evaluation_periods:
        raise UnsupportedAlarm(
            f"Alarm '{logical_id}': DatapointsToAlarm {to_alarm} exceeds EvaluationPeriods "
            f"{evaluation_periods}"
        )


def _dimensions(logical_id: str, value: Any) -> dict[str, str]:
    dimensions: dict[str, str] = {}
    for entry in value or ():
        if not isinstance(entry, Mapping) or "Name" not in entry or "Value" not in entry:
            raise UnsupportedAlarm(f"Alarm '{logical_id}': a dimension needs Name and Value")
        dimensions[str(entry["Name"])] = str(entry["Value"])
    return dimensions


def _actions(logical_id: str, properties: Mapping[str, Any], name: str) -> tuple[str, ...]:
    actions = tuple(str(action) for action in properties.get(name) or ())
    for action in actions:
        if not action.startswith("arn:") or action.split(":")[2] != "sns":
            raise UnsupportedAlarm(
                f"Alarm '{logical_id}': {name} {action!r} is not an SNS topic; only SNS "
                "actions run locally"
            )
    return actions
