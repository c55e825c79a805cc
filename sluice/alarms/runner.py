"""The daemon thread that evaluates the alarms on the local cloud's clock.

CloudWatch evaluates an alarm every minute (every period, for 10 s and 30 s high-resolution
periods). Each tick here runs the samplers first (SQS queue metrics, as SQS publishes them
each minute), then evaluates every alarm at the same moment, then drops samples older than
any evaluation reads. Ticks are simulated seconds: at time scale 10 a minute is 6 s of wall
time. Errors are logged and the next tick runs anyway, as CloudWatch keeps evaluating.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from sluice.alarms.evaluator import AlarmEvaluator
from sluice.clock import Clock

logger = logging.getLogger(__name__)

EVALUATION_INTERVAL_SECONDS = 60.0

Sampler = Callable[[float], None]


class AlarmRunner:
    """Ticks every `interval` simulated seconds until stopped."""

    def __init__(
        self,
        evaluator: AlarmEvaluator,
        clock: Clock,
        samplers: Sequence[Sampler] = (),
        interval: float | None = None,
    ) -> None:
        self.evaluator = evaluator
        self.clock = clock
        self.samplers = tuple(samplers)
        self.interval = interval or evaluation_interval(evaluator)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> AlarmRunner:
        """Start ticking on a daemon thread."""
        self._thread = threading.Thread(target=self._run, name="sluice-alarms", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop ticking and wait for the tick in progress."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def tick(self) -> None:
        """Sample, evaluate every alarm, forget what no evaluation reads any more."""
        now = self.clock.now()
        at = now.timestamp()
        for sampler in self.samplers:
            sampler(at)
        self.evaluator.evaluate_all(now)
        self.evaluator.store.trim(at - self.evaluator.lookback_seconds() - self.interval)

    def _run(self) -> None:
        deadline = self.clock.monotonic() + self.interval
        while not self.clock.wait_until(self._stop, deadline):
            try:
                self.tick()
            except Exception:
                logger.exception("alarm evaluation failed; trying again next tick")
            deadline = max(deadline + self.interval, self.clock.monotonic())


def evaluation_interval(evaluator: AlarmEvaluator) -> float:
    """A minute, or the shortest high-resolution period among the alarms."""
    periods = [alarm.period for alarm in evaluator.alarms.values()]
    return float(min([EVALUATION_INTERVAL_SECONDS, *periods]))
