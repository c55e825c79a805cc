"""The history recorder: events and checkpoints buffered, then written together."""

from __future__ import annotations

from sluice.clock import VirtualClock
from sluice.stepfunctions.records import ExecutionRecord, HistoryEvent, ScopeCheckpoint
from sluice.stepfunctions.runtime.history import FLUSH_EVENTS, HistoryRecorder
from sluice.stepfunctions.store import Store

ARN = "arn:aws:states:us-east-1:123456789012:execution:m:e"


def _recorder() -> tuple[Store, HistoryRecorder]:
    clock = VirtualClock()
    store = Store()
    record = ExecutionRecord(
        ARN,
        "arn:aws:states:us-east-1:123456789012:stateMachine:m",
        "e",
        "RUNNING",
        "{}",
        clock.now(),
        "{}",
    )
    store.insert_execution(record, [HistoryEvent(1, "ExecutionStarted", clock.now(), 0)])
    return store, HistoryRecorder(store, clock, ARN, 1)


def _checkpoint(scope: str, state: str = "P") -> ScopeCheckpoint:
    return ScopeCheckpoint(ARN, scope, "RUNNING", state, {"at": state}, {})


def test_events_stay_buffered_until_a_reader_syncs():
    """GIVEN events added WHEN nothing flushed THEN the store lacks them until `sync`."""
    store, recorder = _recorder()
    recorder.add("PassStateEntered", 1)

    before = [event.type for event in store.get_history(ARN)]
    recorder.sync()

    assert before == ["ExecutionStarted"]
    assert [event.type for event in store.get_history(ARN)] == [
        "ExecutionStarted",
        "PassStateEntered",
    ]


def test_a_long_run_of_events_is_written_in_bounded_batches():
    """GIVEN FLUSH_EVENTS events added WHEN none flushed THEN the store already has them."""
    store, recorder = _recorder()
    for _ in range(FLUSH_EVENTS):
        recorder.add("PassStateEntered", 1)

    assert len(store.get_history(ARN)) == FLUSH_EVENTS + 1


def test_only_the_latest_checkpoint_of_a_scope_is_written():
    """GIVEN two checkpoints of one scope WHEN flushed THEN the store holds the second."""
    store, recorder = _recorder()
    recorder.checkpoint(_checkpoint("", "First"))
    recorder.checkpoint(_checkpoint("", "Second"))
    recorder.flush()

    checkpoint = store.get_checkpoint(ARN, "")
    assert checkpoint is not None and checkpoint.state == "Second"


def test_forgetting_a_prefix_drops_written_and_buffered_checkpoints_but_not_later_ones():
    """GIVEN iteration checkpoints written and buffered WHEN the Map is re-entered THEN only
    the checkpoints saved after re-entering remain."""
    store, recorder = _recorder()
    recorder.checkpoint(_checkpoint("/M[0]"))
    recorder.flush()
    recorder.checkpoint(_checkpoint("/M[1]"))
    recorder.forget("/M[")
    recorder.checkpoint(_checkpoint("/M[2]"))
    recorder.flush()

    kept = [scope for scope in ("/M[0]", "/M[1]", "/M[2]") if store.get_checkpoint(ARN, scope)]
    assert kept == ["/M[2]"]


def test_closing_without_keeping_checkpoints_deletes_them():
    """GIVEN written and buffered checkpoints WHEN the execution closes as succeeded THEN the
    store has none left, but the closing event and status are written."""
    store, recorder = _recorder()
    recorder.checkpoint(_checkpoint(""))
    recorder.flush()
    recorder.checkpoint(_checkpoint("/M[0]"))
    recorder.close(
        "ExecutionSucceeded", None, None, {"status": "SUCCEEDED"}, keep_checkpoints=False
    )

    assert store.get_checkpoint(ARN, "") is None
    assert store.get_checkpoint(ARN, "/M[0]") is None
    assert store.get_history(ARN)[-1].type == "ExecutionSucceeded"
    execution = store.get_execution(ARN)
    assert execution is not None and execution.status == "SUCCEEDED"


def test_closing_a_failed_execution_writes_its_buffered_checkpoints():
    """GIVEN a buffered checkpoint WHEN the execution closes as failed THEN it is written."""
    store, recorder = _recorder()
    recorder.checkpoint(_checkpoint("", "Failing"))
    recorder.close("ExecutionFailed", None, None, {"status": "FAILED"})

    checkpoint = store.get_checkpoint(ARN, "")
    assert checkpoint is not None and checkpoint.state == "Failing"
