"""The template's CloudWatch alarms on the local cloud: metrics in, states and notifications out.

`LocalAlarms` puts the parts together: one metric store fed by the SQS sampler (each tick),
the execution metrics (engine status changes) and EMF documents (function output); the
evaluator with its alarms; the runner that ticks on the local cloud's clock; and, on every
state change, moto's CloudWatch mirror and the SNS publisher.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sluice.alarms.definitions import AlarmDefinition, AlarmState, alarm_definitions
from sluice.alarms.emf import EmfMetrics
from sluice.alarms.evaluator import AlarmEvaluator, AlarmStatus
from sluice.alarms.execution_metrics import ExecutionMetrics
from sluice.alarms.metric_store import MetricStore
from sluice.alarms.moto_mirror import MotoAlarmMirror
from sluice.alarms.notification import AlarmPublisher
from sluice.alarms.runner import AlarmRunner
from sluice.alarms.sqs_metrics import QueueRef, SqsMetricsSampler
from sluice.clock import Clock
from sluice.template.model import TemplateModel


class LocalAlarms:
    """Alarms evaluated locally; read their states with `state(name)`."""

    def __init__(
        self,
        alarms: Iterable[AlarmDefinition],
        *,
        clock: Clock,
        queues: Iterable[QueueRef],
        sns_client: Any,
        cloudwatch_client: Any | None = None,
        interval: float | None = None,
    ) -> None:
        alarms = list(alarms)
        self.store = MetricStore()
        self.evaluator = AlarmEvaluator(alarms, self.store, clock.now())
        self.emf = EmfMetrics(self.store, clock)
        self.executions = ExecutionMetrics(self.store, clock)
        self.sqs = SqsMetricsSampler(queues, self.store)
        if cloudwatch_client is not None:
            mirror = MotoAlarmMirror(cloudwatch_client)
            mirror.register(alarms)
            self.evaluator.on_transition(mirror)
        self.evaluator.on_transition(AlarmPublisher(sns_client, clock.now()))
        self.runner = AlarmRunner(self.evaluator, clock, [self.sqs.sample], interval)

    @classmethod
    def from_template(
        cls, model: TemplateModel, clock: Clock, sns_client: Any, cloudwatch_client: Any | None
    ) -> LocalAlarms:
        """The alarms and queues of a loaded template (`UnsupportedAlarm` for one it cannot run)."""
        return cls(
            alarm_definitions(model.alarms),
            clock=clock,
            queues=[QueueRef.from_arn(queue.arn) for queue in model.queues.values()],
            sns_client=sns_client,
            cloudwatch_client=cloudwatch_client,
        )

    def start(self) -> LocalAlarms:
        """Start evaluating on the runner's daemon thread."""
        self.runner.start()
        return self

    def stop(self) -> None:
        """Stop evaluating."""
        self.runner.stop()

    @property
    def names(self) -> list[str]:
        """Every alarm's name."""
        return list(self.evaluator.alarms)

    def state(self, name: str) -> AlarmState:
        """An alarm's current state, by alarm name."""
        return self.evaluator.state(name)

    def status(self, name: str) -> AlarmStatus:
        """An alarm's current state, its reason and since when."""
        return self.evaluator.status(name)
