"""`states:startExecution` (+ `.sync`, `.sync:2`): a child execution on this same engine.

https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.integrations.call import TaskCall
from sluice.stepfunctions.integrations.resources import REQUEST_RESPONSE, SYNC2


def _epoch_millis(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp() * 1000)


def start_execution(call: TaskCall) -> dict[str, Any]:
    """Start the child execution; with `.sync`/`.sync:2` wait for it and return its outcome."""
    arguments = call.argument_object()
    child_input = arguments.get("Input", {})
    input_json = child_input if isinstance(child_input, str) else json.dumps(child_input)
    started = call.engine.start_child_execution(
        str(arguments["StateMachineArn"]), arguments.get("Name"), input_json, call.execution_arn
    )
    if call.resource.pattern == REQUEST_RESPONSE:
        return {
            "ExecutionArn": started["executionArn"],
            "StartDate": _epoch_millis(started["startDate"]),
        }
    description = call.engine.wait_child_execution(
        started["executionArn"], call.cancellation, call.wait
    )
    parsed = call.resource.pattern == SYNC2
    outcome: dict[str, Any] = {
        "ExecutionArn": description["executionArn"],
        "Input": json.loads(description["input"]) if parsed else description["input"],
        "InputDetails": {"Included": True},
        "Name": description["name"],
        "StartDate": _epoch_millis(description["startDate"]),
        "StateMachineArn": description["stateMachineArn"],
        "Status": description["status"],
        "StopDate": _epoch_millis(description.get("stopDate")),
    }
    if description["status"] == "SUCCEEDED":
        output = description.get("output")
        outcome["Output"] = json.loads(output) if parsed and output is not None else output
        outcome["OutputDetails"] = {"Included": True}
        return outcome
    outcome["Error"] = description.get("error")
    outcome["Cause"] = description.get("cause")
    raise StatesError("States.TaskFailed", json.dumps(outcome, separators=(",", ":")))
