"""StepFunctionsService: the Step Functions API operations over the local engine.

One method per operation, named as the operation in snake_case; each takes the request's JSON
members (AWS's camelCase names) as a dict and returns the response dict, timestamps as
`datetime`. Errors are `ServiceError` subclasses carrying AWS's error codes.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sluice.clock import Clock, RealClock
from sluice.stepfunctions.asl.validation import validate_definition
from sluice.stepfunctions.errors import (
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    ExecutionNotRedrivable,
    InvalidExecutionInput,
    InvalidOutput,
    ResourceNotFound,
    ServiceError,
    StateMachineAlreadyExists,
    StateMachineDoesNotExist,
    StatesError,
    ValidationException,
)
from sluice.stepfunctions.integrations import Integrations
from sluice.stepfunctions.naming import execution_arn, parse_arn, state_machine_arn, validate_name
from sluice.stepfunctions.paging import Pager
from sluice.stepfunctions.records import (
    ExecutionRecord,
    HistoryEvent,
    MapRunRecord,
    StateMachineRecord,
)
from sluice.stepfunctions.runner import ExecutionRunner
from sluice.stepfunctions.runtime.context import iso_time
from sluice.stepfunctions.runtime.control import Cancellation, ExecutionStopped
from sluice.stepfunctions.runtime.fanout import before_blocking
from sluice.stepfunctions.runtime.limits import MAX_PAYLOAD_BYTES, exceeds_limit
from sluice.stepfunctions.store import Store, Transition
from sluice.stepfunctions.test_state import run_test_state
from sluice.stepfunctions.tokens import TaskTokens, TaskTokenWaiter, TokenOutcome

StatusListener = Callable[[dict[str, Any]], None]

# https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html
REDRIVE_WINDOW = timedelta(days=14)
MAX_REDRIVE_HISTORY_EVENTS = 25_000
_CLOSED_REDRIVABLE = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})
_DEFAULT_LOGGING = {"level": "OFF", "includeExecutionData": False}


@lru_cache(maxsize=256)
def _parsed_definition(definition: str) -> dict[str, Any]:
    return validate_definition(definition)


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


class StepFunctionsService:
    """The local Step Functions backend: state machines, executions, history, callbacks."""

    def __init__(
        self,
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        integrations: Integrations | None = None,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        on_status_change: StatusListener | None = None,
        rng: random.Random | None = None,
        resume_running: bool = False,
    ) -> None:
        self.store = store or Store()
        self.clock = clock or RealClock()
        self.integrations = integrations or Integrations()
        self.region = region
        self.account_id = account_id
        self.on_status_change = on_status_change
        self.rng = rng or random.Random()
        self.tokens = TaskTokens(self.store, self.clock)
        self.pager = Pager()
        self._runners: dict[str, ExecutionRunner] = {}
        self._lock = threading.RLock()
        if resume_running:
            self.resume_executions()

    # State machines

    def create_state_machine(self, request: dict[str, Any]) -> dict[str, Any]:
        """CreateStateMachine (idempotent for the same name, definition and role)."""
        name = validate_name(request.get("name"))
        definition = str(request.get("definition", ""))
        _parsed_definition(definition)
        role_arn = request.get("roleArn")
        if not role_arn:
            raise ValidationException("1 validation error detected: 'roleArn' must not be null")
        machine_type = request.get("type", "STANDARD")
        if machine_type not in ("STANDARD", "EXPRESS"):
            raise ValidationException(f"Invalid type: '{machine_type}'")
        arn = state_machine_arn(self.region, self.account_id, name)
        with self._lock:
            existing = self.store.get_state_machine(arn)
            if existing is not None:
                if existing.definition == definition and existing.role_arn == role_arn:
                    return {"stateMachineArn": arn, "creationDate": existing.creation_date}
                raise StateMachineAlreadyExists(f"State Machine Already Exists: '{arn}'")
            now = self.clock.now()
            self.store.put_state_machine(
                StateMachineRecord(
                    arn=arn,
                    name=name,
                    definition=definition,
                    role_arn=role_arn,
                    type=machine_type,
                    creation_date=now,
                    update_date=now,
                    revision_id=str(uuid.uuid4()),
                    logging_configuration=request.get("loggingConfiguration", _DEFAULT_LOGGING),
                    tracing_configuration=request.get("tracingConfiguration", {"enabled": False}),
                    tags={tag["key"]: tag["value"] for tag in request.get("tags", [])},
                )
            )
        return {"stateMachineArn": arn, "creationDate": now}

    def _state_machine(self, arn: Any) -> StateMachineRecord:
        parse_arn(arn, "stateMachine")
        record = self.store.get_state_machine(arn)
        if record is None:
            raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
        return record

    def describe_state_machine(self, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeStateMachine."""
        record = self._state_machine(request.get("stateMachineArn"))
        return {
            "stateMachineArn": record.arn,
            "name": record.name,
            "status": "ACTIVE",
            "definition": record.definition,
            "roleArn": record.role_arn,
            "type": record.type,
            "creationDate": record.creation_date,
            "loggingConfiguration": record.logging_configuration,
            "tracingConfiguration": record.tracing_configuration,
            "revisionId": record.revision_id,
        }

    def update_state_machine(self, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateStateMachine: running executions keep the definition they started with."""
        with self._lock:
            record = self._state_machine(request.get("stateMachineArn"))
            if "definition" in request:
                _parsed_definition(str(request["definition"]))
                record.definition = str(request["definition"])
            record.role_arn = request.get("roleArn", record.role_arn)
            record.logging_configuration = request.get(
                "loggingConfiguration", record.logging_configuration
            )
            record.tracing_configuration = request.get(
                "tracingConfiguration", record.tracing_configuration
            )
            record.update_date = self.clock.now()
            record.revision_id = str(uuid.uuid4())
            self.store.put_state_machine(record)
        return {"updateDate": record.update_date, "revisionId": record.revision_id}

    def delete_state_machine(self, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteStateMachine."""
        arn = request.get("stateMachineArn")
        parse_arn(arn, "stateMachine")
        self.store.delete_state_machine(str(arn))
        return {}

    def list_state_machines(self, request: dict[str, Any]) -> dict[str, Any]:
        """ListStateMachines."""
        items = [
            {
                "stateMachineArn": record.arn,
                "name": record.name,
                "type": record.type,
                "creationDate": record.creation_date,
            }
            for record in self.store.list_state_machines()
        ]
        page, token = self.pager.page(items, request, "ListStateMachines")
        return _drop_none({"stateMachines": page, "nextToken": token})

    # Tags

    def tag_resource(self, request: dict[str, Any]) -> dict[str, Any]:
        """TagResource (state machines)."""
        record = self._tagged(request.get("resourceArn"))
        record.tags.update({tag["key"]: tag["value"] for tag in request.get("tags", [])})
        self.store.put_state_machine(record)
        return {}

    def untag_resource(self, request: dict[str, Any]) -> dict[str, Any]:
        """UntagResource (state machines)."""
        record = self._tagged(request.get("resourceArn"))
        for key in request.get("tagKeys", []):
            record.tags.pop(key, None)
        self.store.put_state_machine(record)
        return {}

    def list_tags_for_resource(self, request: dict[str, Any]) -> dict[str, Any]:
        """ListTagsForResource (state machines)."""
        record = self._tagged(request.get("resourceArn"))
        return {"tags": [{"key": key, "value": value} for key, value in record.tags.items()]}

    def _tagged(self, arn: Any) -> StateMachineRecord:
        record = self.store.get_state_machine(arn) if isinstance(arn, str) else None
        if record is None:
            raise ResourceNotFound(f"Resource not found: '{arn}'")
        return record

    # Executions

    def start_execution(self, request: dict[str, Any]) -> dict[str, Any]:
        """StartExecution: idempotent for the same name and input while the first is running."""
        machine = self._state_machine(request.get("stateMachineArn"))
        record = self._start(machine, request.get("name"), request.get("input"), None, None)
        return {"executionArn": record.arn, "startDate": record.start_date}

    def start_sync_execution(self, request: dict[str, Any]) -> dict[str, Any]:
        """StartSyncExecution: run the execution and answer when it closes."""
        machine = self._state_machine(request.get("stateMachineArn"))
        record = self._start(machine, request.get("name"), request.get("input"), None, None)
        runner = self._runners.get(record.arn)
        if runner is not None:
            runner.done.wait()
        description = self.describe_execution({"executionArn": record.arn})
        keys = (
            "executionArn",
            "stateMachineArn",
            "name",
            "startDate",
            "stopDate",
            "status",
            "error",
            "cause",
            "input",
            "inputDetails",
            "output",
            "outputDetails",
        )
        return {key: description[key] for key in keys if key in description}

    def _start(
        self,
        machine: StateMachineRecord,
        name: Any,
        execution_input: Any,
        parent_arn: str | None,
        map_run_arn: str | None,
        state_machine_arn_override: str | None = None,
    ) -> ExecutionRecord:
        name = validate_name(name if name is not None else str(uuid.uuid4()))
        input_json = "{}" if execution_input is None else str(execution_input)
        if exceeds_limit(input_json):
            raise ValidationException(
                "1 validation error detected: Value at 'input' failed to satisfy constraint: "
                f"Member must have length less than or equal to {MAX_PAYLOAD_BYTES}"
            )
        try:
            json.loads(input_json)
        except ValueError as error:
            raise InvalidExecutionInput(
                f"Invalid State Machine Execution Input: '{error}'"
            ) from error
        owner_arn = state_machine_arn_override or machine.arn
        arn = execution_arn(owner_arn, name, machine.type == "EXPRESS")
        with self._lock:
            existing = self.store.get_execution(arn)
            if existing is not None:
                if existing.status == "RUNNING" and existing.input == input_json:
                    return existing
                raise ExecutionAlreadyExists(f"Execution Already Exists: '{arn}'")
            now = self.clock.now()
            record = ExecutionRecord(
                arn=arn,
                state_machine_arn=owner_arn,
                name=name,
                status="RUNNING",
                input=input_json,
                start_date=now,
                definition=machine.definition,
                role_arn=machine.role_arn,
                map_run_arn=map_run_arn,
                parent_arn=parent_arn,
            )
            started = HistoryEvent(
                1,
                "ExecutionStarted",
                now,
                0,
                "executionStartedEventDetails",
                {
                    "input": input_json,
                    "inputDetails": {"truncated": False},
                    "roleArn": machine.role_arn,
                },
            )
            self.store.insert_execution(record, [started])
            runner = self._runner(record)
            self._runners[arn] = runner
        self._notify(arn)
        runner.start()
        return record

    def _runner(
        self,
        record: ExecutionRecord,
        resume: bool = False,
        parent_cancellation: Cancellation | None = None,
    ) -> ExecutionRunner:
        return ExecutionRunner(
            record,
            _parsed_definition(record.definition),
            store=self.store,
            clock=self.clock,
            integrations=self.integrations,
            engine=self,
            rng=self.rng,
            region=self.region,
            on_closed=self._notify,
            on_done=self._forget_runner,
            resume=resume,
            parent_cancellation=parent_cancellation,
        )

    def _forget_runner(self, runner: ExecutionRunner) -> None:
        with self._lock:
            if self._runners.get(runner.record.arn) is runner:
                del self._runners[runner.record.arn]

    def _notify(self, execution_arn_: str) -> None:
        if self.on_status_change is not None:
            before_blocking()
            self.on_status_change(self.describe_execution({"executionArn": execution_arn_}))

    def _execution(self, arn: Any) -> ExecutionRecord:
        parse_arn(arn, "execution")
        record = self.store.get_execution(arn)
        if record is None:
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{arn}'")
        return record

    def describe_execution(self, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeExecution, with redriveStatus and redriveStatusReason."""
        record = self._execution(request.get("executionArn"))
        redrive_status, reason = self._redrivability(record)
        description: dict[str, Any] = {
            "executionArn": record.arn,
            "stateMachineArn": record.state_machine_arn,
            "name": record.name,
            "status": record.status,
            "startDate": record.start_date,
            "stopDate": record.stop_date,
            "input": record.input,
            "inputDetails": {"included": True},
            "output": record.output,
            "outputDetails": {"included": True} if record.output is not None else None,
            "error": record.error,
            "cause": record.cause,
            "mapRunArn": record.map_run_arn,
            "traceHeader": record.trace_header,
            "redriveCount": record.redrive_count,
            "redriveDate": record.redrive_date,
            "redriveStatus": redrive_status,
            "redriveStatusReason": reason,
        }
        return _drop_none(description)

    def _redrivability(self, record: ExecutionRecord) -> tuple[str, str | None]:
        if record.status not in _CLOSED_REDRIVABLE:
            return "NOT_REDRIVABLE", f"Execution is {record.status} and cannot be redriven"
        if record.map_run_arn is not None:
            return "REDRIVABLE_BY_MAP_RUN", None
        if record.stop_date is not None and self.clock.now() - record.stop_date > REDRIVE_WINDOW:
            return "NOT_REDRIVABLE", "Execution can no longer be redriven (older than 14 days)"
        if self.store.last_event_id(record.arn) >= MAX_REDRIVE_HISTORY_EVENTS:
            return "NOT_REDRIVABLE", "Execution history has reached the 25,000 events limit"
        return "REDRIVABLE", None

    def describe_state_machine_for_execution(self, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeStateMachineForExecution: the definition the execution runs."""
        record = self._execution(request.get("executionArn"))
        machine = self.store.get_state_machine(record.state_machine_arn)
        return _drop_none(
            {
                "stateMachineArn": record.state_machine_arn,
                "name": record.state_machine_arn.rsplit(":", 1)[-1],
                "definition": record.definition,
                "roleArn": record.role_arn,
                "updateDate": machine.update_date if machine else record.start_date,
                "loggingConfiguration": machine.logging_configuration if machine else None,
                "tracingConfiguration": machine.tracing_configuration if machine else None,
                "mapRunArn": record.map_run_arn,
                "revisionId": machine.revision_id if machine else None,
            }
        )

    def list_executions(self, request: dict[str, Any]) -> dict[str, Any]:
        """ListExecutions by state machine or map run, with status and redrive filters."""
        machine_arn = request.get("stateMachineArn")
        map_run = request.get("mapRunArn")
        if map_run is None:
            self._state_machine(machine_arn)
        elif self.store.get_map_run(map_run) is None:
            raise ResourceNotFound(f"Map Run Does Not Exist: '{map_run}'")
        records = self.store.list_executions(
            None if map_run else machine_arn, request.get("statusFilter"), map_run
        )
        redrive_filter = request.get("redriveFilter")
        if redrive_filter == "REDRIVEN":
            records = [r for r in records if r.redrive_count > 0]
        elif redrive_filter == "NOT_REDRIVEN":
            records = [r for r in records if r.redrive_count == 0]
        items = [
            _drop_none(
                {
                    "executionArn": r.arn,
                    "stateMachineArn": r.state_machine_arn,
                    "name": r.name,
                    "status": r.status,
                    "startDate": r.start_date,
                    "stopDate": r.stop_date,
                    "mapRunArn": r.map_run_arn,
                    "redriveCount": r.redrive_count,
                    "redriveDate": r.redrive_date,
                }
            )
            for r in records
        ]
        listing = json.dumps(
            ["ListExecutions", machine_arn, map_run, request.get("statusFilter"), redrive_filter]
        )
        page, token = self.pager.page(items, request, listing)
        return _drop_none({"executions": page, "nextToken": token})

    def get_execution_history(self, request: dict[str, Any]) -> dict[str, Any]:
        """GetExecutionHistory."""
        record = self._execution(request.get("executionArn"))
        runner = self._runners.get(record.arn)
        if runner is not None:
            runner.recorder.sync()
        events = [event.to_api() for event in self.store.get_history(record.arn)]
        if request.get("reverseOrder"):
            events.reverse()
        if request.get("includeExecutionData") is False:
            events = [_without_data(event) for event in events]
        listing = json.dumps(["GetExecutionHistory", record.arn, bool(request.get("reverseOrder"))])
        page, token = self.pager.page(events, request, listing)
        return _drop_none({"events": page, "nextToken": token})

    def stop_execution(self, request: dict[str, Any]) -> dict[str, Any]:
        """StopExecution: the execution closes as ABORTED with the given error and cause."""
        record = self._execution(request.get("executionArn"))
        error, cause = request.get("error"), request.get("cause")
        runner = self._runners.get(record.arn)
        if runner is not None:
            runner.stop(error, cause)
        elif record.status == "RUNNING":
            self._abort_orphan(record, error, cause)
        stopped = self._execution(record.arn)
        return {"stopDate": stopped.stop_date or self.clock.now()}

    def _abort_orphan(self, record: ExecutionRecord, error: str | None, cause: str | None) -> None:
        now = self.clock.now()
        last = self.store.last_event_id(record.arn)
        details = _drop_none({"error": error, "cause": cause})
        event = HistoryEvent(
            last + 1, "ExecutionAborted", now, last, "executionAbortedEventDetails", details
        )
        updates = {"status": "ABORTED", "stop_date": now, "error": error, "cause": cause}
        self.store.commit(record.arn, Transition([event], updates))
        self._notify(record.arn)

    def redrive_execution(self, request: dict[str, Any]) -> dict[str, Any]:
        """RedriveExecution: resume a FAILED, TIMED_OUT or ABORTED execution where it failed."""
        with self._lock:
            record = self._execution(request.get("executionArn"))
            status, reason = self._redrivability(record)
            if status != "REDRIVABLE":
                raise ExecutionNotRedrivable(reason or f"Execution is {status}")
            runner = self._redriven_runner(record)
            self._runners[record.arn] = runner
        self._notify(record.arn)
        runner.start()
        return {"redriveDate": record.redrive_date}

    def _redriven_runner(
        self, record: ExecutionRecord, parent_cancellation: Cancellation | None = None
    ) -> ExecutionRunner:
        """Reopen a closed execution (ExecutionRedriven) and return a runner resuming it."""
        now = self.clock.now()
        record.redrive_count += 1
        record.redrive_date = now
        record.status = "RUNNING"
        runner = self._runner(record, resume=True, parent_cancellation=parent_cancellation)
        runner.recorder.add(
            "ExecutionRedriven",
            runner.recorder.event_count,
            "executionRedrivenEventDetails",
            {"redriveCount": record.redrive_count},
        )
        runner.recorder.flush(
            execution_updates={
                "status": "RUNNING",
                "redrive_count": record.redrive_count,
                "redrive_date": now,
                "stop_date": None,
                "error": None,
                "cause": None,
                "output": None,
            }
        )
        return runner

    def redrive_map_run_child(
        self, execution_arn_: str, cancellation: Cancellation
    ) -> ExecutionRecord:
        """Redrive a failed child execution of a map run on the calling thread."""
        record = self._execution(execution_arn_)
        runner = self._redriven_runner(record, parent_cancellation=cancellation)
        with self._lock:
            self._runners[record.arn] = runner
        runner.run()
        return self._execution(execution_arn_)

    def resume_executions(self) -> list[str]:
        """Resume RUNNING executions a previous process left, from their last checkpoint.

        Child executions of distributed map runs are marked ABORTED instead: their Map state
        resumes and starts what is still needed.
        """
        resumed = []
        for record in self.store.list_executions(status="RUNNING"):
            if record.arn in self._runners:
                continue
            if record.map_run_arn is not None:
                self._abort_orphan(record, "States.Runtime", "The engine restarted")
                continue
            runner = self._runner(record, resume=True)
            self._runners[record.arn] = runner
            runner.start()
            resumed.append(record.arn)
        return resumed

    def wait_for_execution(self, execution_arn_: str, timeout: float) -> dict[str, Any]:
        """Wait (real time, bounded) until the execution closes; return DescribeExecution."""
        runner = self._runners.get(execution_arn_)
        if runner is not None:
            runner.done.wait(timeout)
        return self.describe_execution({"executionArn": execution_arn_})

    # Task tokens

    def send_task_success(self, request: dict[str, Any]) -> dict[str, Any]:
        """SendTaskSuccess."""
        output = request.get("output")
        try:
            json.loads(output if isinstance(output, str) else "")
        except ValueError as error:
            raise InvalidOutput(f"Invalid Output: '{error}'") from error
        self.tokens.complete(str(request.get("taskToken")), TokenOutcome(True, output=output))
        return {}

    def send_task_failure(self, request: dict[str, Any]) -> dict[str, Any]:
        """SendTaskFailure."""
        self.tokens.complete(
            str(request.get("taskToken")),
            TokenOutcome(False, error=request.get("error"), cause=request.get("cause")),
        )
        return {}

    def send_task_heartbeat(self, request: dict[str, Any]) -> dict[str, Any]:
        """SendTaskHeartbeat."""
        self.tokens.heartbeat(str(request.get("taskToken")))
        return {}

    # Map runs

    def describe_map_run(self, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeMapRun."""
        arn = request.get("mapRunArn")
        record = self.store.get_map_run(arn) if isinstance(arn, str) else None
        if record is None:
            raise ResourceNotFound(f"Map Run Does Not Exist: '{arn}'")
        return _drop_none(
            {
                "mapRunArn": record.arn,
                "executionArn": record.execution_arn,
                "status": record.status,
                "startDate": record.start_date,
                "stopDate": record.stop_date,
                "maxConcurrency": record.max_concurrency,
                "toleratedFailurePercentage": record.tolerated_failure_percentage,
                "toleratedFailureCount": record.tolerated_failure_count,
                "itemCounts": _counts(record),
                "executionCounts": _counts(record),
                "redriveCount": record.redrive_count,
                "redriveDate": record.redrive_date,
            }
        )

    def list_map_runs(self, request: dict[str, Any]) -> dict[str, Any]:
        """ListMapRuns of an execution."""
        record = self._execution(request.get("executionArn"))
        items = [
            _drop_none(
                {
                    "executionArn": run.execution_arn,
                    "mapRunArn": run.arn,
                    "stateMachineArn": run.state_machine_arn,
                    "startDate": run.start_date,
                    "stopDate": run.stop_date,
                }
            )
            for run in self.store.list_map_runs(record.arn)
        ]
        page, token = self.pager.page(items, request, json.dumps(["ListMapRuns", record.arn]))
        return _drop_none({"mapRuns": page, "nextToken": token})

    # TestState

    def test_state(self, request: dict[str, Any]) -> dict[str, Any]:
        """TestState: run one state (or a definition's state) in isolation, without sleeping."""
        return run_test_state(self, request)

    # Engine services for running executions

    def issue_task_token(self, execution_arn_: str, state_name: str) -> TaskTokenWaiter:
        """Create a task token for a `.waitForTaskToken` state."""
        return self.tokens.issue(execution_arn_, state_name)

    def release_task_token(self, waiter: TaskTokenWaiter, status: str) -> None:
        """Record what became of a task token."""
        self.tokens.release(waiter, status)

    def start_child_execution(
        self, state_machine_arn_: str, name: str | None, input_json: str, parent_arn: str
    ) -> dict[str, Any]:
        """Start an execution for a `states:startExecution` task."""
        try:
            machine = self._state_machine(state_machine_arn_)
            record = self._start(machine, name, input_json, parent_arn, None)
        except ServiceError as error:
            raise StatesError(f"StepFunctions.{error.code}Exception", error.message) from error
        return {"executionArn": record.arn, "startDate": record.start_date}

    def wait_child_execution(
        self, execution_arn_: str, cancellation: Cancellation, wait: Any
    ) -> dict[str, Any]:
        """Wait for a child execution to close (stopping it if the parent is stopped)."""
        runner = self._runners.get(execution_arn_)
        if runner is not None:
            try:
                wait(runner.done, None)
            except ExecutionStopped:
                self.stop_child_execution(execution_arn_)
                raise
        return self.describe_execution({"executionArn": execution_arn_})

    def stop_child_execution(self, execution_arn_: str) -> None:
        """Stop a child execution whose parent state was stopped."""
        runner = self._runners.get(execution_arn_)
        if runner is not None:
            runner.stop("States.Aborted", "The parent execution was stopped")

    def map_run_child_result(self, execution_arn_: str) -> dict[str, Any]:
        """A closed child execution as ResultWriter's `NONE` transformation reports it."""
        description = self.describe_execution({"executionArn": execution_arn_})
        return _child_result(description)

    def run_map_run_child(
        self,
        map_run: MapRunRecord,
        child_state_machine_arn: str,
        definition: str,
        role_arn: str,
        execution_input: str,
        cancellation: Cancellation,
    ) -> ExecutionRecord:
        """Run one child execution of a distributed map run on the calling thread."""
        machine = StateMachineRecord(
            arn=child_state_machine_arn,
            name=child_state_machine_arn.rsplit(":", 1)[-1],
            definition=definition,
            role_arn=role_arn,
            type="STANDARD",
            creation_date=map_run.start_date,
            update_date=map_run.start_date,
            revision_id="",
        )
        name = str(uuid.uuid4())
        now = self.clock.now()
        arn = execution_arn(child_state_machine_arn, name)
        record = ExecutionRecord(
            arn=arn,
            state_machine_arn=child_state_machine_arn,
            name=name,
            status="RUNNING",
            input=execution_input,
            start_date=now,
            definition=definition,
            role_arn=machine.role_arn,
            map_run_arn=map_run.arn,
            parent_arn=map_run.execution_arn,
        )
        started = HistoryEvent(
            1,
            "ExecutionStarted",
            now,
            0,
            "executionStartedEventDetails",
            {"input": execution_input, "inputDetails": {"truncated": False}, "roleArn": role_arn},
        )
        self.store.insert_execution(record, [started])
        runner = self._runner(record, parent_cancellation=cancellation)
        with self._lock:
            self._runners[arn] = runner
        runner.run()
        with self._lock:
            self._runners.pop(arn, None)
        return self._execution(arn)


def _counts(record: MapRunRecord) -> dict[str, int]:
    keys = (
        "pending",
        "running",
        "succeeded",
        "failed",
        "timedOut",
        "aborted",
        "total",
        "resultsWritten",
    )
    return {key: int(record.counts.get(key, 0)) for key in keys}


def _child_result(description: dict[str, Any]) -> dict[str, Any]:
    """DescribeExecution members in ResultWriter's PascalCase shape, times as ISO-8601 text."""
    result: dict[str, Any] = {}
    for key, value in description.items():
        if key in ("inputDetails", "outputDetails"):
            value = {"Included": value.get("included", True)}
        elif isinstance(value, datetime):
            value = iso_time(value)
        result[key[0].upper() + key[1:]] = value
    return result


def _without_data(event: dict[str, Any]) -> dict[str, Any]:
    stripped = {}
    for key, value in event.items():
        if isinstance(value, dict) and key.endswith("EventDetails"):
            value = {k: v for k, v in value.items() if k not in ("input", "output", "parameters")}
        stripped[key] = value
    return stripped
