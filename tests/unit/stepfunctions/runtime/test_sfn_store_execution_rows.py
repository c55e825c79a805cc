"""The store writes and reads every ExecutionRecord field, dates as UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime

from sluice.stepfunctions.records import ExecutionRecord
from sluice.stepfunctions.store import Store, Transition

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
STARTED = datetime(2025, 3, 14, 8, 0, 0, 250000, tzinfo=UTC)


def _record(**changes: object) -> ExecutionRecord:
    """An execution with every optional field set, unless `changes` says otherwise."""
    values: dict[str, object] = {
        "arn": "arn:aws:states:us-east-1:123456789012:execution:m:run",
        "state_machine_arn": MACHINE,
        "name": "run",
        "status": "FAILED",
        "input": '{"id":1}',
        "start_date": STARTED,
        "definition": '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}',
        "role_arn": "arn:aws:iam::123456789012:role/r",
        "output": None,
        "error": "Broken",
        "cause": "boom",
        "stop_date": datetime(2025, 3, 14, 8, 0, 5, tzinfo=UTC),
        "redrive_count": 2,
        "redrive_date": datetime(2025, 3, 14, 9, 0, 0, tzinfo=UTC),
        "map_run_arn": "arn:aws:states:us-east-1:123456789012:mapRun:m/map:abc",
        "parent_arn": "arn:aws:states:us-east-1:123456789012:execution:parent:p",
        "trace_header": "Root=1-abc",
    }
    values.update(changes)
    return ExecutionRecord(**values)


def test_an_execution_reads_back_equal_to_what_was_written() -> None:
    """GIVEN an execution with every field set WHEN inserted and read THEN it is unchanged."""
    store = Store()
    record = _record()
    store.insert_execution(record, [])
    assert store.get_execution(record.arn) == record
    assert store.list_executions(map_run_arn=record.map_run_arn) == [record]


def test_optional_dates_read_back_as_none() -> None:
    """GIVEN a running execution with no stop or redrive date WHEN read THEN those are None."""
    store = Store()
    record = _record(status="RUNNING", stop_date=None, redrive_date=None, redrive_count=0)
    store.insert_execution(record, [])
    assert store.get_execution(record.arn) == record


def test_updated_dates_read_back_as_utc_datetimes() -> None:
    """GIVEN a running execution WHEN a transition stops it THEN its stop date reads back."""
    store = Store()
    record = _record(status="RUNNING", stop_date=None)
    store.insert_execution(record, [])
    stopped = datetime(2025, 3, 14, 8, 1, 0, tzinfo=UTC)
    store.commit(record.arn, Transition([], {"status": "SUCCEEDED", "stop_date": stopped}))
    read = store.get_execution(record.arn)
    assert read is not None
    assert (read.status, read.stop_date) == ("SUCCEEDED", stopped)
