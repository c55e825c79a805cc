"""One evaluation of one alarm: the datapoints of its evaluation range in, a state out.

This follows CloudWatch's documented rules (alarm evaluation, and "How alarm state is
evaluated when data is missing"):
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html

- The evaluation range is `EvaluationPeriods + 2` datapoints (AWS retrieves "a higher number
  of data points than Evaluation Periods" without publishing the figure; its examples use 5
  for 3).
- With no datapoint in the range: `missing` gives INSUFFICIENT_DATA, `ignore` keeps the
  state, `breaching` gives ALARM, `notBreaching` OK.
- With at least `EvaluationPeriods` real datapoints in the range, the most recent
  `EvaluationPeriods` of them decide and TreatMissingData is not consulted: ALARM when
  `DatapointsToAlarm` or more breach, else OK.
- With fewer, missing datapoints are filled in as few times as possible (up to
  `EvaluationPeriods`): as breaching for `breaching`, as not breaching otherwise. `missing`
  and `ignore` add AWS's guard against premature alarms: when every real datapoint breaches,
  the alarm goes to ALARM (`missing`) or keeps its state (`ignore`) if the oldest breaching one
  among the last `EvaluationPeriods` is at least `DatapointsToAlarm` periods old, and keeps its
  state otherwise (the next datapoint may not breach). AWS's tables show each of these cases;
  where they say nothing (breaching datapoints too recent to judge), the state is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sluice.alarms.definitions import AlarmDefinition, AlarmState, TreatMissingData
from sluice.alarms.reasons import (
    all_missing_reason,
    filled_reason,
    kept_reason,
    premature_reason,
    threshold_reason,
)

EXTRA_RANGE = 2


@dataclass(frozen=True)
class Datapoint:
    """One period's statistic (None when the period had no samples), by its start."""

    start: float
    value: float | None


@dataclass(frozen=True)
class Outcome:
    """What an evaluation decided: a state (None keeps the current one) and why."""

    state: AlarmState | None
    reason: str
    evaluated: tuple[Datapoint, ...] = ()


def evaluation_range(alarm: AlarmDefinition) -> int:
    """How many periods back an evaluation looks."""
    return alarm.evaluation_periods + EXTRA_RANGE


def evaluate(alarm: AlarmDefinition, datapoints: Sequence[Datapoint]) -> Outcome:
    """The state `datapoints` (the evaluation range, oldest first) put `alarm` in."""
    n, m = alarm.evaluation_periods, alarm.datapoints_to_alarm
    real = [point for point in datapoints if point.value is not None]
    if not real:
        return _all_missing(alarm)
    if len(real) >= n:
        recent = tuple(real[-n:])
        breaching = sum(_breaches(alarm, point) for point in recent)
        state = AlarmState.ALARM if breaching >= m else AlarmState.OK
        return Outcome(state, threshold_reason(alarm, recent, breaching, state), recent)
    evaluated = tuple(real)
    fill = n - len(real)
    breaching = sum(_breaches(alarm, point) for point in real)
    treat = alarm.treat_missing_data
    if treat is TreatMissingData.BREACHING:
        state = AlarmState.ALARM if breaching + fill >= m else AlarmState.OK
        return Outcome(state, filled_reason(alarm, evaluated, breaching, fill, state), evaluated)
    if breaching >= m or treat is TreatMissingData.NOT_BREACHING:
        state = AlarmState.ALARM if breaching >= m else AlarmState.OK
        return Outcome(state, filled_reason(alarm, evaluated, breaching, fill, state), evaluated)
    if breaching < len(real):
        return Outcome(
            AlarmState.OK,
            filled_reason(alarm, evaluated, breaching, fill, AlarmState.OK),
            evaluated,
        )
    if _old_enough(alarm, datapoints[-n:]) and treat is TreatMissingData.MISSING:
        return Outcome(AlarmState.ALARM, premature_reason(alarm, evaluated), evaluated)
    return Outcome(None, kept_reason(evaluated), evaluated)


def _all_missing(alarm: AlarmDefinition) -> Outcome:
    treat = alarm.treat_missing_data
    periods = evaluation_range(alarm)
    state = {
        TreatMissingData.MISSING: AlarmState.INSUFFICIENT_DATA,
        TreatMissingData.IGNORE: None,
        TreatMissingData.BREACHING: AlarmState.ALARM,
        TreatMissingData.NOT_BREACHING: AlarmState.OK,
    }[treat]
    return Outcome(state, all_missing_reason(alarm, periods))


def _breaches(alarm: AlarmDefinition, point: Datapoint) -> bool:
    assert point.value is not None
    return alarm.comparison.breaches(point.value, alarm.threshold)


def _old_enough(alarm: AlarmDefinition, last_periods: Sequence[Datapoint]) -> bool:
    """Whether the oldest breaching datapoint of the last N is DatapointsToAlarm periods old."""
    for age, point in zip(range(len(last_periods), 0, -1), last_periods, strict=True):
        if point.value is not None:
            return age >= alarm.datapoints_to_alarm
    return False
