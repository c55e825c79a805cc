"""The evaluator reads periods from the metric store, keeps states and reports changes once."""

from datetime import UTC, datetime, timedelta

from sluice.alarms import AlarmEvaluator, AlarmState, MetricKey, MetricStore
from tests.unit.alarms.support import ALARM_NAME, PERIOD, QUEUE, alarm

START = datetime(2024, 5, 3, 10, 0, tzinfo=UTC)
DLQ_DEPTH = MetricKey.of("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": QUEUE})


def _evaluator(*definitions):
    store = MetricStore()
    evaluator = AlarmEvaluator(definitions or (alarm(),), store, START)
    heard = []
    evaluator.on_transition(heard.append)
    return evaluator, store, heard


def _at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def test_a_new_alarm_is_in_insufficient_data():
    evaluator, _, _ = _evaluator()

    status = evaluator.status(ALARM_NAME)

    assert status.state is AlarmState.INSUFFICIENT_DATA
    assert status.reason == "Unchecked: Initial alarm creation"


def test_only_a_change_of_state_is_a_transition():
    evaluator, store, heard = _evaluator()
    store.put(DLQ_DEPTH, 1, _at(50).timestamp())

    evaluator.evaluate_all(_at(60))
    evaluator.evaluate_all(_at(120))

    assert [(t.old.state, t.new.state) for t in heard] == [
        (AlarmState.INSUFFICIENT_DATA, AlarmState.ALARM)
    ]
    assert evaluator.state(ALARM_NAME) is AlarmState.ALARM


def test_a_period_holds_the_samples_after_its_start_up_to_its_end():
    evaluator, store, _ = _evaluator()
    now = _at(600).timestamp()
    store.put(DLQ_DEPTH, 7, now - PERIOD)
    store.put(DLQ_DEPTH, 3, now - PERIOD + 1)
    store.put(DLQ_DEPTH, 5, now)

    oldest, previous, latest = evaluator.datapoints(alarm(), now)

    assert (oldest.value, previous.value, latest.value) == (None, 7.0, 5.0)
    assert latest.start == now - PERIOD


def test_the_statistic_is_taken_over_each_period():
    evaluator, store, _ = _evaluator()
    now = _at(600).timestamp()
    for value in (1, 2, 6):
        store.put(DLQ_DEPTH, value, now - 10)

    def latest(statistic):
        return evaluator.datapoints(alarm(Statistic=statistic), now)[-1].value

    assert [latest(s) for s in ("Sum", "Average", "Minimum", "Maximum", "SampleCount")] == [
        9.0,
        3.0,
        1.0,
        6.0,
        3.0,
    ]


def test_a_metric_with_other_dimensions_is_another_metric():
    evaluator, store, _ = _evaluator()
    other = MetricKey.of(DLQ_DEPTH.namespace, DLQ_DEPTH.name, {"QueueName": "another-queue"})
    store.put(other, 5, _at(30).timestamp())

    evaluator.evaluate_all(_at(60))

    assert evaluator.state(ALARM_NAME) is AlarmState.OK


def test_an_alarm_with_a_unit_reads_only_samples_of_that_unit():
    evaluator, store, _ = _evaluator(alarm(Unit="Seconds"))
    store.put(DLQ_DEPTH, 5, _at(30).timestamp(), "Count")

    evaluator.evaluate_all(_at(60))

    assert evaluator.state(ALARM_NAME) is AlarmState.OK


def test_a_sparse_failure_keeps_the_alarm_until_it_leaves_the_evaluation_range():
    failed = alarm(
        Statistic="Sum", Period=300, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold"
    )
    evaluator, store, heard = _evaluator(failed)
    store.put(DLQ_DEPTH, 1, _at(10).timestamp())

    states = []
    for minute in range(1, 18):
        evaluator.evaluate_all(_at(60 * minute))
        states.append(evaluator.state(ALARM_NAME))

    # In the range (3 periods of 300 s) the failure is the most recent real datapoint.
    assert states[:15] == [AlarmState.ALARM] * 15
    assert states[15:] == [AlarmState.OK] * 2
    assert [t.new.state for t in heard] == [AlarmState.ALARM, AlarmState.OK]


def test_the_reason_data_is_json_with_the_evaluated_datapoints():
    evaluator, store, heard = _evaluator()
    store.put(DLQ_DEPTH, 2, _at(59).timestamp())

    evaluator.evaluate_all(_at(60))

    [transition] = heard
    assert '"recentDatapoints": [2.0]' in transition.new.reason_data
    assert transition.new.updated_at == _at(60)


def test_a_failing_listener_does_not_stop_the_others():
    evaluator, store, heard = _evaluator()

    def broken(transition):
        raise RuntimeError("listener down")

    evaluator.on_transition(broken)
    also = []
    evaluator.on_transition(also.append)
    store.put(DLQ_DEPTH, 1, _at(30).timestamp())

    evaluator.evaluate_all(_at(60))

    assert len(heard) == len(also) == 1
