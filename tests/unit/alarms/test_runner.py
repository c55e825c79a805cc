"""The runner samples, then evaluates, every simulated minute, until stopped."""

import threading
import time
from datetime import UTC, datetime

from sluice.alarms import AlarmEvaluator, AlarmState, MetricKey, MetricStore
from sluice.alarms.runner import AlarmRunner, evaluation_interval
from sluice.clock import VirtualClock
from tests.unit.alarms.support import ALARM_NAME, QUEUE, alarm

START = datetime(2024, 5, 3, 10, 0, tzinfo=UTC)
DLQ_DEPTH = MetricKey.of("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": QUEUE})
WAIT_SECONDS = 10.0


def _wait_for(condition) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            return False
        pause.wait(0.005)
    return True


def test_a_tick_samples_first_then_evaluates_at_the_same_moment():
    clock = VirtualClock(START)
    store = MetricStore()
    evaluator = AlarmEvaluator([alarm()], store, clock.now())
    runner = AlarmRunner(evaluator, clock, [lambda at: store.put(DLQ_DEPTH, 4, at)])
    clock.advance(60)

    runner.tick()

    assert evaluator.state(ALARM_NAME) is AlarmState.ALARM


def test_samples_older_than_any_evaluation_reads_are_dropped():
    clock = VirtualClock(START)
    store = MetricStore()
    evaluator = AlarmEvaluator([alarm()], store, clock.now())
    store.put(DLQ_DEPTH, 1, clock.now().timestamp())
    clock.advance(60 * 3 + 60 + 1)

    AlarmRunner(evaluator, clock).tick()

    assert store.keys() == []


def test_the_thread_ticks_each_simulated_minute_until_stopped():
    clock = VirtualClock(START)
    evaluator = AlarmEvaluator([alarm()], MetricStore(), clock.now())
    ticks = []
    runner = AlarmRunner(evaluator, clock, [ticks.append]).start()
    try:
        clock.advance(60)
        assert _wait_for(lambda: len(ticks) == 1)
        clock.advance(60)
        assert _wait_for(lambda: len(ticks) == 2)
    finally:
        runner.stop()

    assert ticks == [START.timestamp() + 60, START.timestamp() + 120]
    assert evaluator.state(ALARM_NAME) is AlarmState.OK


def test_alarms_are_evaluated_each_minute_or_each_high_resolution_period():
    store = MetricStore()
    minute = AlarmEvaluator([alarm(Period=300)], store, START)
    fast = AlarmEvaluator(
        [alarm(Period=300), alarm("FastAlarm", AlarmName="fast", Period=10)], store, START
    )

    assert (evaluation_interval(minute), evaluation_interval(fast)) == (60.0, 10.0)
