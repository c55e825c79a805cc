"""One execution's life on its thread: run the states, then record how it closed."""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable
from typing import Any

from sluice.clock import Clock
from sluice.stepfunctions.asl.paths import to_json
from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.integrations import Integrations
from sluice.stepfunctions.records import ExecutionRecord
from sluice.stepfunctions.runtime.context import ExecutionInfo
from sluice.stepfunctions.runtime.control import Cancellation, ExecutionStopped
from sluice.stepfunctions.runtime.engine import Engine
from sluice.stepfunctions.runtime.execution import ExecutionRuntime
from sluice.stepfunctions.runtime.executor import run_scope
from sluice.stepfunctions.runtime.history import EventCursor, HistoryRecorder
from sluice.stepfunctions.runtime.processing import JSONPATH
from sluice.stepfunctions.runtime.scope import Scope
from sluice.stepfunctions.runtime.workers import EXECUTIONS
from sluice.stepfunctions.store import Store

LOG = logging.getLogger(__name__)
_TRUNCATED = {"truncated": False}


class ExecutionRunner:
    """Runs one execution (fresh, redriven or resumed) and records its closing event once."""

    def __init__(
        self,
        record: ExecutionRecord,
        definition: dict[str, Any],
        *,
        store: Store,
        clock: Clock,
        integrations: Integrations,
        engine: Engine,
        rng: random.Random,
        region: str,
        on_closed: Callable[[str], None],
        on_done: Callable[[ExecutionRunner], None] | None = None,
        resume: bool = False,
        parent_cancellation: Cancellation | None = None,
    ) -> None:
        self.record = record
        self.done = threading.Event()
        self._store = store
        self._clock = clock
        self._resume = resume
        self._on_closed = on_closed
        self._on_done = on_done
        self.cancellation = (
            parent_cancellation.child() if parent_cancellation is not None else Cancellation()
        )
        self.recorder = HistoryRecorder(store, clock, record.arn, store.last_event_id(record.arn))
        timeout = definition.get("TimeoutSeconds")
        info = ExecutionInfo(
            arn=record.arn,
            name=record.name,
            state_machine_arn=record.state_machine_arn,
            state_machine_name=record.state_machine_arn.rsplit(":", 1)[-1],
            role_arn=record.role_arn,
            input=json.loads(record.input),
            start_time=record.start_date,
            redrive_count=record.redrive_count,
            redrive_time=record.redrive_date,
        )
        self.runtime = ExecutionRuntime(
            info,
            definition,
            self.recorder,
            clock,
            integrations,
            engine,
            rng,
            region,
            cancellation=self.cancellation,
            on_deadline=self.time_out,
            deadline=None if timeout is None else clock.monotonic() + timeout,
            store=store,
        )

    def start(self) -> None:
        """Queue the execution to run on an engine thread."""
        EXECUTIONS.submit(self.run)

    def run(self) -> None:
        """Run the execution on this thread until it closes."""
        definition = self.runtime.definition
        root = Scope(
            "",
            EventCursor(self.recorder, self.recorder.event_count),
            self.cancellation,
            definition.get("QueryLanguage", JSONPATH),
        )
        checkpoint = self._store.get_checkpoint(self.record.arn, "") if self._resume else None
        try:
            output = run_scope(self.runtime, root, definition, self.runtime.info.input, checkpoint)
        except StatesError as error:
            self._close_failed(error)
        except ExecutionStopped:
            self.stop(None, None)
        except Exception as error:
            LOG.exception("execution %s failed inside the engine", self.record.arn)
            self._close_failed(StatesError("States.Runtime", f"{type(error).__name__}: {error}"))
        else:
            output_json = to_json(output)
            self._close(
                "ExecutionSucceeded",
                "executionSucceededEventDetails",
                {"output": output_json, "outputDetails": _TRUNCATED},
                {"status": "SUCCEEDED", "output": output_json},
            )
        finally:
            self.done.set()
            if self._on_done is not None:
                self._on_done(self)

    def _close_failed(self, error: StatesError) -> None:
        self._close(
            "ExecutionFailed",
            "executionFailedEventDetails",
            _error_details(error.error, error.cause),
            {"status": "FAILED", "error": error.error or None, "cause": error.cause or None},
        )

    def _close(
        self,
        event_type: str,
        key: str,
        details: dict[str, Any],
        updates: dict[str, Any],
        abort_running: bool = False,
    ) -> bool:
        updates = {**updates, "stop_date": self._clock.now()}
        closed = self.recorder.close(
            event_type,
            key,
            details,
            updates,
            lambda: self._on_closed(self.record.arn),
            keep_checkpoints=updates["status"] != "SUCCEEDED",
            abort_running=abort_running,
        )
        if closed:
            self.cancellation.cancel()
        return closed

    def stop(self, error: str | None, cause: str | None) -> bool:
        """Abort the execution (StopExecution); return whether it was still running."""
        return self._close(
            "ExecutionAborted",
            "executionAbortedEventDetails",
            _error_details(error, cause),
            {"status": "ABORTED", "error": error, "cause": cause},
            abort_running=True,
        )

    def time_out(self) -> None:
        """Close the execution as TIMED_OUT (its TimeoutSeconds passed)."""
        self._close(
            "ExecutionTimedOut",
            "executionTimedOutEventDetails",
            {"error": "States.Timeout"},
            {"status": "TIMED_OUT", "error": "States.Timeout"},
        )


def _error_details(error: str | None, cause: str | None) -> dict[str, str]:
    details = {}
    if error:
        details["error"] = error
    if cause:
        details["cause"] = cause
    return details
