"""Alarms and their states: evaluate each against the metric store, report state changes.

Each alarm starts in INSUFFICIENT_DATA, as a new CloudWatch alarm does. An evaluation at time
`t` reads the alarm's evaluation range as consecutive periods ending at `t` (period `i`, 0
the newest, holds the samples with `t - (i+1) * Period < timestamp <= t - i * Period`), turns
each into its statistic, and lets `evaluate` decide. Only a change of state is a transition;
listeners (the SNS publisher, moto's mirror) hear each one once, outside the lock.
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sluice.alarms.definitions import AlarmDefinition, AlarmState
from sluice.alarms.evaluation import Datapoint, Outcome, evaluate, evaluation_range
from sluice.alarms.metric_store import MetricStore
from sluice.alarms.reasons import INITIAL_REASON
from sluice.alarms.statistics import aggregate

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlarmStatus:
    """An alarm's state, why, and since when."""

    state: AlarmState
    reason: str
    reason_data: str
    updated_at: datetime


@dataclass(frozen=True)
class Transition:
    """An alarm that changed state."""

    alarm: AlarmDefinition
    old: AlarmStatus
    new: AlarmStatus


TransitionListener = Callable[[Transition], None]


class AlarmEvaluator:
    """The alarms of one local cloud, evaluated on demand."""

    def __init__(self, alarms: Iterable[AlarmDefinition], store: MetricStore, now: datetime):
        self.alarms = {alarm.name: alarm for alarm in alarms}
        self.store = store
        initial = AlarmStatus(AlarmState.INSUFFICIENT_DATA, INITIAL_REASON, "{}", now)
        self._statuses = dict.fromkeys(self.alarms, initial)
        self._listeners: list[TransitionListener] = []
        self._lock = threading.Lock()

    def on_transition(self, listener: TransitionListener) -> None:
        """Call `listener` with every state change."""
        self._listeners.append(listener)

    def status(self, name: str) -> AlarmStatus:
        """An alarm's current status, by alarm name (KeyError for an unknown alarm)."""
        with self._lock:
            return self._statuses[name]

    def state(self, name: str) -> AlarmState:
        """An alarm's current state, by alarm name."""
        return self.status(name).state

    def lookback_seconds(self) -> float:
        """How far back any evaluation reads: older samples can go."""
        return max(
            (alarm.period * evaluation_range(alarm) for alarm in self.alarms.values()), default=0
        )

    def evaluate_all(self, now: datetime) -> list[Transition]:
        """Evaluate every alarm at `now`; tell the listeners of each change and return them."""
        transitions = []
        for alarm in self.alarms.values():
            transition = self._evaluate(alarm, now)
            if transition is not None:
                transitions.append(transition)
        for transition in transitions:
            self._tell(transition)
        return transitions

    def datapoints(self, alarm: AlarmDefinition, at: float) -> list[Datapoint]:
        """The alarm's evaluation range at epoch second `at`, oldest period first."""
        points = []
        for index in reversed(range(evaluation_range(alarm))):
            start, end = at - (index + 1) * alarm.period, at - index * alarm.period
            values = self.store.values(alarm.metric, start, end, alarm.unit)
            points.append(Datapoint(start, aggregate(alarm.statistic, values)))
        return points

    def _evaluate(self, alarm: AlarmDefinition, now: datetime) -> Transition | None:
        outcome = evaluate(alarm, self.datapoints(alarm, now.timestamp()))
        with self._lock:
            old = self._statuses[alarm.name]
            if outcome.state is None or outcome.state is old.state:
                return None
            new = AlarmStatus(outcome.state, outcome.reason, _reason_data(alarm, outcome, now), now)
            self._statuses[alarm.name] = new
        return Transition(alarm, old, new)

    def _tell(self, transition: Transition) -> None:
        for listener in list(self._listeners):
            try:
                listener(transition)
            except Exception:
                logger.exception(
                    "alarm %s: a listener failed on %s -> %s",
                    transition.alarm.name,
                    transition.old.state,
                    transition.new.state,
                )


def _reason_data(alarm: AlarmDefinition, outcome: Outcome, now: datetime) -> str:
    """StateReasonData as CloudWatch writes it for a metric alarm."""
    data: dict[str, Any] = {
        "version": "1.0",
        "queryDate": iso_millis(now),
        "statistic": alarm.statistic.value,
        "period": alarm.period,
        "recentDatapoints": [point.value for point in outcome.evaluated],
        "threshold": alarm.threshold,
        "evaluatedDatapoints": [
            {
                "timestamp": iso_millis(datetime.fromtimestamp(point.start, UTC)),
                "value": point.value,
            }
            for point in reversed(outcome.evaluated)
        ],
    }
    if outcome.evaluated:
        data["startDate"] = iso_millis(datetime.fromtimestamp(outcome.evaluated[0].start, UTC))
    return json.dumps(data)


def iso_millis(moment: datetime) -> str:
    """A time as CloudWatch writes it in alarm messages: `2024-05-03T10:32:00.000+0000`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}+0000"
    )
