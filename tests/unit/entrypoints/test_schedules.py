"""Schedules: rate and cron rules and Scheduler schedules fire on the clock, shaped as AWS sends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sluice.clock import ScaledClock, VirtualClock
from sluice.entrypoints.eventbridge import EventRouter, Rule, Schedule
from sluice.entrypoints.schedule_expressions import parse_schedule
from sluice.entrypoints.targets import Target
from tests.unit.entrypoints.support import RecordingInvoke, eventually

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:Reconcile"


@pytest.fixture
def clock() -> VirtualClock:
    """Virtual time from 2024-01-01T00:00:00Z; it moves only when the test advances it."""
    return VirtualClock()


@pytest.fixture
def router(invoke: RecordingInvoke, clock: VirtualClock) -> Iterator[EventRouter]:
    """A router on virtual time."""
    events = EventRouter(invoke=invoke, clock=clock)
    yield events
    events.close()


def test_given_a_rate_rule_when_the_period_passes_then_a_scheduled_event_is_delivered(
    router, invoke, clock
):
    arn = router.put_rule(
        Rule("Every5", (Target("1", FUNCTION_ARN),), schedule_expression="rate(5 minutes)")
    )
    clock.advance(299)
    assert not eventually(lambda: len(invoke.calls) > 0, timeout=0.05)

    clock.advance(1)

    assert eventually(lambda: len(invoke.calls) == 1)
    event = invoke.calls[0].payload
    assert event["source"] == "aws.events"
    assert event["detail-type"] == "Scheduled Event"
    assert event["resources"] == [arn]
    assert event["detail"] == {}
    assert event["time"] == "2024-01-01T00:05:00Z"
    assert invoke.calls[0].invocation_type == "Event"


def test_given_a_rate_rule_when_two_periods_pass_then_it_fires_twice(router, invoke, clock):
    router.put_rule(
        Rule("Every5", (Target("1", FUNCTION_ARN),), schedule_expression="rate(5 minutes)")
    )

    clock.advance(300)
    assert eventually(lambda: len(invoke.calls) == 1)
    clock.advance(300)

    assert eventually(lambda: len(invoke.calls) == 2)
    assert invoke.calls[1].payload["time"] == "2024-01-01T00:10:00Z"


def test_given_a_cron_rule_when_its_minute_comes_then_it_fires(router, invoke, clock):
    router.put_rule(
        Rule("Nightly", (Target("1", FUNCTION_ARN),), schedule_expression="cron(0 2 * * ? *)")
    )

    clock.advance(2 * 3600)

    assert eventually(lambda: len(invoke.calls) == 1)
    assert invoke.calls[0].payload["time"] == "2024-01-01T02:00:00Z"


def test_given_a_deleted_rule_when_its_time_comes_then_nothing_fires(router, invoke, clock):
    router.put_rule(
        Rule("Gone", (Target("1", FUNCTION_ARN),), schedule_expression="rate(1 minute)")
    )
    router.delete_rule("Gone")

    clock.advance(60)

    assert eventually(lambda: router.pending() == 0)
    assert invoke.calls == []


def test_given_a_deleted_scheduler_schedule_when_its_time_comes_then_nothing_fires(
    router, invoke, clock
):
    schedule = Schedule("gone", "rate(1 minute)", Target("1", FUNCTION_ARN))
    router.put_schedule(schedule)
    router.delete_schedule(schedule)

    clock.advance(60)

    assert eventually(lambda: router.pending() == 0)
    assert invoke.calls == []


def test_given_a_scheduler_schedule_with_input_then_the_target_gets_the_input(
    router, invoke, clock
):
    schedule = Schedule(
        "reconcile",
        "rate(1 hour)",
        Target("1", FUNCTION_ARN, input='{"job": "reconcile"}'),
    )
    router.put_schedule(schedule)

    clock.advance(3600)

    assert eventually(lambda: len(invoke.calls) == 1)
    assert invoke.calls[0].payload == {"job": "reconcile"}


def test_given_a_scheduler_cron_in_a_time_zone_then_it_fires_at_local_time(router, invoke, clock):
    # 09:00 in Paris is 08:00 UTC in winter.
    router.put_schedule(
        Schedule("morning", "cron(0 9 * * ? *)", Target("1", FUNCTION_ARN), timezone="Europe/Paris")
    )

    clock.advance(8 * 3600 - 1)
    assert not eventually(lambda: len(invoke.calls) > 0, timeout=0.05)
    clock.advance(1)

    assert eventually(lambda: len(invoke.calls) == 1)
    assert invoke.calls[0].payload == {}


def test_given_a_one_time_scheduler_schedule_then_it_fires_once(router, invoke, clock):
    router.put_schedule(Schedule("once", "at(2024-01-01T00:10:00)", Target("1", FUNCTION_ARN)))

    clock.advance(600)
    assert eventually(lambda: len(invoke.calls) == 1)
    clock.advance(86_400)

    assert eventually(lambda: router.pending() == 0)
    assert len(invoke.calls) == 1


def test_given_a_scaled_clock_then_a_minute_rate_fires_within_milliseconds(invoke):
    router = EventRouter(invoke=invoke, clock=ScaledClock(6000))
    try:
        router.put_rule(
            Rule("Fast", (Target("1", FUNCTION_ARN),), schedule_expression="rate(1 minute)")
        )
        assert eventually(lambda: len(invoke.calls) >= 3, timeout=2)
    finally:
        router.close()


@pytest.mark.parametrize(
    "text", ["rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "every day"]
)
def test_given_an_invalid_schedule_expression_then_it_is_rejected(text):
    with pytest.raises(ValueError):
        parse_schedule(text)


def test_given_an_at_expression_on_a_rule_then_it_is_rejected_but_scheduler_accepts_it():
    with pytest.raises(ValueError):
        parse_schedule("at(2024-01-01T10:00:00)")

    assert parse_schedule("at(2024-01-01T10:00:00)", allow_at=True) is not None
