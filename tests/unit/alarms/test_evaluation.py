"""One evaluation follows CloudWatch's documented rules, row by row of AWS's own tables.

https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html
(`0` not breaching, `X` breaching, `-` missing; the most recent datapoint on the right; KEEP is
AWS's "Retain current state").
"""

import pytest

from sluice.alarms import AlarmState
from sluice.alarms.evaluation import Datapoint, evaluate, evaluation_range
from tests.unit.alarms.support import alarm, points

OK, ALARM, INSUFFICIENT, KEEP = (
    AlarmState.OK,
    AlarmState.ALARM,
    AlarmState.INSUFFICIENT_DATA,
    None,
)
TREATMENTS = ("missing", "ignore", "breaching", "notBreaching")


def _states(row: str, evaluation_periods: int, datapoints_to_alarm: int) -> tuple:
    return tuple(
        evaluate(
            alarm(
                EvaluationPeriods=evaluation_periods,
                DatapointsToAlarm=datapoints_to_alarm,
                TreatMissingData=treatment,
            ),
            points(row),
        ).state
        for treatment in TREATMENTS
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("0 - X - X", (OK, OK, OK, OK)),
        ("0 - - - -", (OK, OK, OK, OK)),
        ("- - - - -", (INSUFFICIENT, KEEP, ALARM, OK)),
        ("0 X X - X", (ALARM, ALARM, ALARM, ALARM)),
        ("- - X - -", (ALARM, KEEP, ALARM, OK)),
    ],
)
def test_three_out_of_three_follows_awss_table(row, expected):
    assert _states(row, 3, 3) == expected


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("0 - X - X", (ALARM, ALARM, ALARM, ALARM)),
        ("0 0 X 0 X", (ALARM, ALARM, ALARM, ALARM)),
        ("0 - X - -", (OK, OK, ALARM, OK)),
        ("- - - - 0", (OK, OK, ALARM, OK)),
        ("- - - X -", (ALARM, KEEP, ALARM, OK)),
    ],
)
def test_two_out_of_three_follows_awss_table(row, expected):
    assert _states(row, 3, 2) == expected


def test_the_evaluation_range_is_two_periods_more_than_evaluation_periods():
    assert evaluation_range(alarm(EvaluationPeriods=3)) == 5
    assert evaluation_range(alarm(EvaluationPeriods=1)) == 3


def test_with_one_evaluation_period_the_most_recent_real_datapoint_decides():
    dlq = alarm(TreatMissingData="breaching")

    assert evaluate(dlq, points("X 0 -")).state is OK
    assert evaluate(dlq, points("0 X -")).state is ALARM


def test_a_breaching_datapoint_that_is_too_recent_keeps_the_state_when_data_is_missing():
    three_of_three = alarm(EvaluationPeriods=3, TreatMissingData="missing")

    assert evaluate(three_of_three, points("- - - - X")).state is KEEP


@pytest.mark.parametrize(
    ("operator", "value", "breaches"),
    [
        ("GreaterThanThreshold", 5.0, False),
        ("GreaterThanThreshold", 6.0, True),
        ("GreaterThanOrEqualToThreshold", 5.0, True),
        ("LessThanThreshold", 5.0, False),
        ("LessThanThreshold", 4.0, True),
        ("LessThanOrEqualToThreshold", 5.0, True),
    ],
)
def test_each_comparison_operator_compares_with_the_threshold(operator, value, breaches):
    definition = alarm(Threshold=5, ComparisonOperator=operator)

    outcome = evaluate(definition, [Datapoint(0.0, value)])

    assert outcome.state is (ALARM if breaches else OK)


def test_the_reason_names_the_datapoint_the_threshold_and_the_rule():
    outcome = evaluate(alarm(), points("- - X", start=1_700_000_000))

    assert outcome.reason == (
        "Threshold Crossed: 1 out of the last 1 datapoints [1.0 (14/11/23 22:15:20)] was greater "
        "than the threshold (0.0) (minimum 1 datapoint for OK -> ALARM transition)."
    )


def test_the_reason_for_missing_data_treated_as_breaching_says_so():
    outcome = evaluate(alarm(TreatMissingData="breaching"), points("- - -"))

    assert outcome.reason == (
        "Threshold Crossed: no datapoints were received for 3 periods and 1 missing datapoint "
        "was treated as [Breaching]."
    )
