"""Heartbeats run beside the call and stop with it, or when the workflow is gone."""

import threading

from sluice_shared.dispatch.heartbeat import heartbeats
from tests.fixtures.logs import capture_logs


def test_given_a_gone_workflow_when_a_beat_says_so_then_no_more_beats_are_sent():
    beats = []
    stopped = threading.Event()

    def beat() -> bool:
        beats.append(1)
        stopped.set()
        return False

    with heartbeats(beat, interval_seconds=0.001):
        stopped.wait(timeout=5)
        stopped.clear()
        assert not stopped.wait(timeout=0.02)
    assert beats == [1]


def test_given_a_failing_beat_when_the_call_goes_on_then_the_next_beat_is_tried():
    """The failure reaches the function's JSON log through the shared logger."""
    logs = capture_logs()
    attempts = []
    second = threading.Event()

    def beat() -> bool:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("step functions unreachable")
        second.set()
        return True

    with heartbeats(beat, interval_seconds=0.001):
        assert second.wait(timeout=5)
    [failure] = [line for line in logs.lines() if line["message"].startswith("heartbeat failed")]
    assert failure["level"] == "ERROR"
    assert "step functions unreachable" in failure["exception"]


def test_given_a_short_call_when_it_ends_before_the_interval_then_no_beat_is_sent():
    beats = []
    with heartbeats(lambda: beats.append(1) or True, interval_seconds=60):
        pass
    assert beats == []
