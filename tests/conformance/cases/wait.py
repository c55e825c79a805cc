"""Wait states: Seconds, SecondsPath, Timestamp, TimestampPath."""

from __future__ import annotations

from ..case import Case, Expected

_WAIT = "https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html"


def _wait(**fields: object) -> dict:
    """A machine with one Wait state using `fields`."""
    return {"StartAt": "W", "States": {"W": {"Type": "Wait", **fields, "End": True}}}


CASES = (
    Case(
        name="wait_seconds",
        doc=_WAIT,
        definition=_wait(Seconds=30),
        input={"a": 1},
        expected=Expected(output={"a": 1}, waited_seconds=30),
    ),
    Case(
        name="wait_seconds_path",
        doc=_WAIT,
        definition=_wait(SecondsPath="$.delay"),
        input={"delay": 45},
        expected=Expected(output={"delay": 45}, waited_seconds=45),
    ),
    Case(
        name="wait_timestamp_in_the_past_does_not_wait",
        doc=_WAIT,
        definition=_wait(Timestamp="2016-03-14T01:59:00Z"),
        input={"a": 1},
        expected=Expected(output={"a": 1}, waited_seconds=0),
    ),
    Case(
        name="wait_timestamp_path_in_the_past_does_not_wait",
        doc=_WAIT,
        definition=_wait(TimestampPath="$.until"),
        input={"until": "2016-03-14T01:59:00Z"},
        expected=Expected(output={"until": "2016-03-14T01:59:00Z"}, waited_seconds=0),
    ),
    Case(
        name="wait_seconds_path_then_pass",
        doc=_WAIT,
        definition={
            "StartAt": "W",
            "States": {
                "W": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "After"},
                "After": {"Type": "Pass", "Result": "done", "ResultPath": "$.state", "End": True},
            },
        },
        input={"delay": 5},
        expected=Expected(output={"delay": 5, "state": "done"}, waited_seconds=5),
    ),
)
