"""The SQLite store: state machines, executions and history survive re-opening."""

from __future__ import annotations

import json
import random

from sluice.clock import VirtualClock
from sluice.stepfunctions.integrations import Integrations
from sluice.stepfunctions.records import ExecutionRecord, HistoryEvent, ScopeCheckpoint
from sluice.stepfunctions.service import StepFunctionsService
from sluice.stepfunctions.store import Store

DEFINITION = {
    "StartAt": "W",
    "States": {
        "W": {"Type": "Wait", "Seconds": 30, "Next": "P"},
        "P": {"Type": "Pass", "Result": "done", "End": True},
    },
}


def _service(path, clock, resume=False):
    return StepFunctionsService(
        store=Store(str(path)),
        clock=clock,
        rng=random.Random(1),
        integrations=Integrations(lambda_invoker=lambda n, p: p),
        resume_running=resume,
    )


def test_executions_and_history_survive_reopening_the_store(tmp_path):
    clock = VirtualClock()
    first = _service(tmp_path / "sfn.db", clock)
    machine = first.create_state_machine(
        {"name": "m", "definition": json.dumps(DEFINITION), "roleArn": "arn:aws:iam::1:role/r"}
    )["stateMachineArn"]
    execution = first.start_execution({"stateMachineArn": machine})["executionArn"]
    first.wait_for_execution(execution, 5)
    first.store.close()
    second = _service(tmp_path / "sfn.db", clock)
    assert second.describe_execution({"executionArn": execution})["output"] == '"done"'
    events = second.get_execution_history({"executionArn": execution})["events"]
    assert events[-1]["type"] == "ExecutionSucceeded"
    assert second.list_state_machines({})["stateMachines"][0]["name"] == "m"


def test_running_executions_resume_from_their_last_state_after_a_restart(tmp_path):
    clock = VirtualClock()
    store = Store(str(tmp_path / "sfn.db"))
    first = StepFunctionsService(store=store, clock=clock)
    machine = first.create_state_machine(
        {"name": "m", "definition": json.dumps(DEFINITION), "roleArn": "arn:aws:iam::1:role/r"}
    )["stateMachineArn"]
    arn = machine.replace(":stateMachine:", ":execution:") + ":crashed"
    record = ExecutionRecord(
        arn, machine, "crashed", "RUNNING", "{}", clock.now(), json.dumps(DEFINITION)
    )
    store.insert_execution(record, [HistoryEvent(1, "ExecutionStarted", clock.now(), 0)])
    store.put_checkpoints([ScopeCheckpoint(arn, "", "RUNNING", "P", {"from": "W"}, {})])
    store.close()
    second = _service(tmp_path / "sfn.db", clock, resume=True)
    done = second.wait_for_execution(arn, 5)
    assert done["status"] == "SUCCEEDED"
    types = [e["type"] for e in second.get_execution_history({"executionArn": arn})["events"]]
    assert types == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
