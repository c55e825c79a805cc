"""AWS cron expressions: the documented examples fire when AWS says they do."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sluice.entrypoints.cron import CronError, CronExpression

START = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday


def fire_times(expression: str, count: int, start: datetime = START) -> list[str]:
    cron = CronExpression.parse(expression)
    times, moment = [], start
    for _ in range(count):
        moment = cron.next_after(moment)
        assert moment is not None
        times.append(moment.strftime("%a %Y-%m-%d %H:%M"))
    return times


def test_given_every_day_at_ten_then_it_fires_daily_at_ten():
    assert fire_times("0 10 * * ? *", 2) == ["Mon 2024-01-01 10:00", "Tue 2024-01-02 10:00"]


def test_given_an_increment_then_it_fires_every_fifteen_minutes():
    assert fire_times("0/15 * * * ? *", 3) == [
        "Mon 2024-01-01 00:15",
        "Mon 2024-01-01 00:30",
        "Mon 2024-01-01 00:45",
    ]


def test_given_weekday_names_then_weekends_are_skipped():
    friday = datetime(2024, 1, 5, 19, tzinfo=UTC)
    assert fire_times("0 18 ? * MON-FRI *", 1, friday) == ["Mon 2024-01-08 18:00"]


def test_given_a_wrapping_hour_range_then_it_runs_through_midnight():
    late = datetime(2024, 1, 1, 23, 45, tzinfo=UTC)
    assert fire_times("0/30 20-2 ? * MON-FRI *", 3, late) == [
        "Tue 2024-01-02 00:00",
        "Tue 2024-01-02 00:30",
        "Tue 2024-01-02 01:00",
    ]


def test_given_last_friday_with_years_then_it_fires_on_the_last_fridays():
    assert fire_times("15 10 ? * 6L 2019-2030", 2) == [
        "Fri 2024-01-26 10:15",
        "Fri 2024-02-23 10:15",
    ]


def test_given_the_nth_weekday_then_it_fires_on_the_second_tuesday():
    assert fire_times("0 0 ? * 3#2 *", 2) == ["Tue 2024-01-09 00:00", "Tue 2024-02-13 00:00"]


def test_given_last_day_of_month_then_it_follows_month_lengths():
    assert fire_times("0 0 L * ? *", 2) == ["Wed 2024-01-31 00:00", "Thu 2024-02-29 00:00"]


def test_given_nearest_weekday_then_a_weekend_day_moves_to_the_weekday():
    # 2024-02-03 is a Saturday (-> Friday 2nd); 2024-03-03 a Sunday (-> Monday 4th).
    assert fire_times("0 0 3W * ? *", 3) == [
        "Wed 2024-01-03 00:00",
        "Fri 2024-02-02 00:00",
        "Mon 2024-03-04 00:00",
    ]


def test_given_a_year_range_that_ended_then_there_is_no_next_time():
    assert CronExpression.parse("0 0 1 1 ? 2020").next_after(START) is None


@pytest.mark.parametrize(
    "expression",
    [
        "0 10 * * *",  # five fields
        "0 10 * * * *",  # neither day field is '?'
        "0 10 ? * ? *",  # both are
        "60 10 * * ? *",  # minute out of range
        "0 10 * FOO ? *",  # unknown month
        "0 10 ? * 3#9 *",  # no ninth Tuesday
    ],
)
def test_given_an_invalid_expression_then_parsing_fails(expression):
    with pytest.raises(CronError):
        CronExpression.parse(expression)
