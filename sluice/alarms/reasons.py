"""State reasons in CloudWatch's wording, e.g. `Threshold Crossed: 1 out of the last 1
datapoints [1.0 (03/05/24 10:32:00)] was greater than the threshold (0.0) (minimum 1 datapoint
for OK -> ALARM transition).`

They reach Slack as the alarm's "Why", so they name the values, their periods and the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sluice.alarms.definitions import AlarmDefinition, AlarmState

if TYPE_CHECKING:
    from sluice.alarms.evaluation import Datapoint

INITIAL_REASON = "Unchecked: Initial alarm creation"


def threshold_reason(
    alarm: AlarmDefinition, points: Sequence[Datapoint], breaching: int, state: AlarmState
) -> str:
    """Enough real datapoints: how many of the last N crossed the threshold (or did not)."""
    alarming = state is AlarmState.ALARM
    counted = breaching if alarming else len(points) - breaching
    negation = "" if alarming else "not "
    return (
        f"Threshold Crossed: {counted} out of the last {len(points)} datapoints "
        f"{_values(points)} {_was(counted)} {negation}{alarm.comparison.words} the threshold "
        f"({alarm.threshold!r}) {_minimum(alarm, state)}."
    )


def filled_reason(
    alarm: AlarmDefinition,
    points: Sequence[Datapoint],
    breaching: int,
    filled: int,
    state: AlarmState,
) -> str:
    """Too few real datapoints: the real ones, and how the missing ones were counted."""
    treated = "Breaching" if alarm.treat_missing_data.value == "breaching" else "NonBreaching"
    return (
        f"Threshold Crossed: {breaching} of {len(points)} datapoints {_values(points)} "
        f"{_was(breaching)} {alarm.comparison.words} the threshold ({alarm.threshold!r}) "
        f"and {_count(filled, 'missing datapoint')} {_was(filled)} treated as [{treated}] "
        f"{_minimum(alarm, state)}."
    )


def all_missing_reason(alarm: AlarmDefinition, periods: int) -> str:
    """No datapoint in the whole evaluation range."""
    treat = alarm.treat_missing_data.value
    if treat == "missing":
        return f"Insufficient Data: {_count(periods, 'datapoint')} {_was(periods)} unknown."
    if treat == "ignore":
        return (
            f"No datapoints were received for {_count(periods, 'period')}; missing data is "
            "ignored, so the state is kept."
        )
    treated = "Breaching" if treat == "breaching" else "NonBreaching"
    return (
        f"Threshold Crossed: no datapoints were received for {_count(periods, 'period')} and "
        f"{_count(alarm.evaluation_periods, 'missing datapoint')} "
        f"{_was(alarm.evaluation_periods)} treated as [{treated}]."
    )


def premature_reason(alarm: AlarmDefinition, points: Sequence[Datapoint]) -> str:
    """Only breaching datapoints, the oldest at least DatapointsToAlarm periods old."""
    return (
        f"Threshold Crossed: the only datapoints received {_values(points)} "
        f"{_was(len(points))} {alarm.comparison.words} the threshold ({alarm.threshold!r}), "
        f"the oldest {_count(alarm.datapoints_to_alarm, 'period')} ago or more."
    )


def kept_reason(points: Sequence[Datapoint]) -> str:
    """Breaching datapoints too few or too recent to decide: the state stays."""
    return f"Too few datapoints {_values(points)} to decide; the state is kept until more arrive."


def _values(points: Sequence[Datapoint]) -> str:
    shown = ", ".join(f"{point.value!r} ({_when(point.start)})" for point in reversed(points))
    return f"[{shown}]"


def _when(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%d/%m/%y %H:%M:%S")


def _minimum(alarm: AlarmDefinition, state: AlarmState) -> str:
    transition = "OK -> ALARM" if state is AlarmState.ALARM else "ALARM -> OK"
    return f"(minimum {_count(alarm.datapoints_to_alarm, 'datapoint')} for {transition} transition)"


def _was(count: int) -> str:
    return "was" if count == 1 else "were"


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
