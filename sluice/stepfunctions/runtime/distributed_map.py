"""A distributed Map: a map run whose items (or batches) run as child executions.

https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from typing import Any

from sluice.stepfunctions.asl.paths import evaluate_path
from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.naming import map_run_arn, map_run_state_machine_arn
from sluice.stepfunctions.records import MapRunRecord, ScopeCheckpoint
from sluice.stepfunctions.runtime import processing as io
from sluice.stepfunctions.runtime.control import Cancellation
from sluice.stepfunctions.runtime.fanout import fan_out
from sluice.stepfunctions.runtime.item_reader import read_items
from sluice.stepfunctions.runtime.state_run import StateRun
from sluice.stepfunctions.runtime.states.map_state import MapInput, iteration_key, processor

THRESHOLD_EXCEEDED = "States.ExceedToleratedFailureThreshold"
THRESHOLD_CAUSE = "The specified tolerated failure threshold was exceeded"


class _Tally:
    """Counts of a map run's items by outcome, safe across worker threads.

    Counts are of items: a failed child execution that ran a batch fails every item in it.
    """

    def __init__(self, total: int) -> None:
        self.lock = threading.Lock()
        self.counts = {
            "succeeded": 0,
            "failed": 0,
            "timedOut": 0,
            "aborted": 0,
            "running": 0,
            "total": total,
        }

    def add(self, key: str, delta: int = 1) -> None:
        """Change one count."""
        with self.lock:
            self.counts[key] += delta

    def unsuccessful(self) -> int:
        """Items whose child execution failed, timed out or was aborted."""
        with self.lock:
            return self.counts["failed"] + self.counts["timedOut"] + self.counts["aborted"]


# The count a child execution's closing status adds to.
_OUTCOMES = {"SUCCEEDED": "succeeded", "TIMED_OUT": "timedOut", "ABORTED": "aborted"}


def _tolerance(source: MapInput) -> tuple[int | None, float | None]:
    count = source.value("ToleratedFailureCount")
    percentage = source.value("ToleratedFailurePercentage")
    return count, percentage


def _exceeded(failed: int, total: int, count: int | None, percentage: float | None) -> bool:
    """Whether `failed` of `total` items exceed the tolerated failure count or percentage."""
    if count is None and percentage is None:
        return failed > 0
    if count is not None and failed > count:
        return True
    return percentage is not None and total > 0 and failed * 100.0 / total > percentage


def _item_count(child_input: Any, batched: bool) -> int:
    """How many items one child execution processes (its batch's, or one)."""
    return len(child_input["Items"]) if batched else 1


def _batches(run: StateRun, source: MapInput, items: Iterator[tuple[int, Any]]) -> Iterator[Any]:
    batcher = run.state.get("ItemBatcher")
    if batcher is None:
        yield from (source.iteration_input(index, item) for index, item in items)
        return
    max_items = int(_batcher_value(run, source, batcher, "MaxItemsPerBatch") or 0)
    max_bytes = int(_batcher_value(run, source, batcher, "MaxInputBytesPerBatch") or 0)
    batch_input = None
    if "BatchInput" in batcher:
        if run.language == io.JSONATA:
            batch_input = io.jsonata(batcher["BatchInput"], source.states, run.variables)
        else:
            batch_input = io.payload(
                batcher["BatchInput"], source.effective, run.context, run.variables
            )
    batch: list[Any] = []
    size = 0
    for index, item in items:
        selected = source.iteration_input(index, item)
        item_size = len(json.dumps(selected).encode())
        if batch and (
            (max_items and len(batch) >= max_items) or (max_bytes and size + item_size > max_bytes)
        ):
            yield _batch(batch, batch_input)
            batch, size = [], 0
        batch.append(selected)
        size += item_size
    if batch:
        yield _batch(batch, batch_input)


def _batch(items: list[Any], batch_input: Any) -> dict[str, Any]:
    batch: dict[str, Any] = {"Items": items}
    if batch_input is not None:
        batch["BatchInput"] = batch_input
    return batch


def _batcher_value(run: StateRun, source: MapInput, batcher: dict[str, Any], name: str) -> Any:
    if run.language == io.JSONATA:
        return io.jsonata(batcher.get(name), source.states, run.variables)
    if f"{name}Path" in batcher:
        return evaluate_path(batcher[f"{name}Path"], source.effective, run.context, run.variables)
    return batcher.get(name)


def run_distributed(run: StateRun, source: MapInput) -> list[Any]:
    """Run the Map as a map run of child executions and return their outputs in item order.

    The items are read first, so `MapStateStarted` reports their number and the tolerated
    failure percentage is checked against all of them as soon as a child fails: the map run
    fails at the first failure past the threshold (children still running are aborted), as
    https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html says.
    A tolerated failed child appears in the output as its execution result unchanged (the
    `NONE` transformation of ResultWriter: metadata with `Error` and `Cause`), the default for
    failed children: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
    """
    runtime = run.runtime
    state = run.state
    count, percentage = _tolerance(source)
    max_concurrency = source.max_concurrency()
    reader = state.get("ItemReader")
    try:
        items = list(read_items(run, source, reader) if reader is not None else source.items())
        inputs = list(_batches(run, source, enumerate(items)))
    except StatesError:
        run.event("MapStateFailed")
        raise
    label = state.get("Label", run.name)
    parent_machine = runtime.info.state_machine_arn
    child_machine = map_run_state_machine_arn(parent_machine, label)
    record = MapRunRecord(
        arn=map_run_arn(parent_machine, label, str(uuid.uuid4())),
        execution_arn=runtime.info.arn,
        state_machine_arn=child_machine,
        status="RUNNING",
        start_date=runtime.clock.now(),
        max_concurrency=max_concurrency,
        tolerated_failure_percentage=float(percentage or 0),
        tolerated_failure_count=int(count or 0),
    )
    store = runtime.store
    if store is not None:
        store.put_map_run(record)
    if not run.resuming:
        runtime.forget_checkpoints(f"{run.scope.key}/{run.name}[")
    run.event("MapStateStarted", "mapStateStartedEventDetails", {"length": len(items)})
    run.event("MapRunStarted", "mapRunStartedEventDetails", {"mapRunArn": record.arn})
    runtime.flush()
    child_definition = json.dumps(
        {
            "QueryLanguage": run.scope.query_language,
            **{k: v for k, v in processor(state).items() if k != "ProcessorConfig"},
        }
    )
    batched = "ItemBatcher" in state
    tally = _Tally(len(items))

    def run_child(index: int, child_input: Any, cancellation: Cancellation) -> Any:
        key = iteration_key(run, index)
        size = _item_count(child_input, batched)
        checkpoint = runtime.checkpoint(key) if run.resuming else None
        if checkpoint is not None and checkpoint.status == "SUCCEEDED":
            tally.add("succeeded", size)
            return checkpoint.output
        tally.add("running", size)
        if checkpoint is not None and checkpoint.state is not None:
            child = runtime.engine.redrive_map_run_child(checkpoint.state, cancellation)
        else:
            child = runtime.engine.run_map_run_child(
                record,
                child_machine,
                child_definition,
                runtime.info.role_arn,
                json.dumps(child_input),
                cancellation,
            )
        tally.add("running", -size)
        tally.add(_OUTCOMES.get(child.status, "failed"), size)
        if child.status == "SUCCEEDED":
            output = json.loads(child.output or "null")
            if store is not None:
                store.put_checkpoints(
                    [
                        ScopeCheckpoint(
                            runtime.info.arn, key, "SUCCEEDED", None, child_input, {}, output
                        )
                    ]
                )
            return output
        if store is not None:
            store.put_checkpoints(
                [ScopeCheckpoint(runtime.info.arn, key, "FAILED", child.arn, child_input, {})]
            )
        if _exceeded(tally.unsuccessful(), len(items), count, percentage):
            raise StatesError(THRESHOLD_EXCEEDED, THRESHOLD_CAUSE)
        return runtime.engine.map_run_child_result(child.arn)

    frame = runtime.recorder.enter(run.scope.cursor, "MapRunAborted")
    try:
        outputs = fan_out(enumerate(inputs), run_child, run.scope.cancellation, max_concurrency)
    except StatesError as error:
        runtime.recorder.leave(frame)
        _close(run, record, tally, "FAILED")
        run.event(
            "MapRunFailed", "mapRunFailedEventDetails", {"error": error.error, "cause": error.cause}
        )
        run.event("MapStateFailed")
        raise
    except BaseException:
        runtime.recorder.abort(frame)
        _close(run, record, tally, "ABORTED")
        raise
    runtime.recorder.leave(frame)
    _close(run, record, tally, "SUCCEEDED")
    run.event("MapRunSucceeded")
    run.event("MapStateSucceeded")
    return [outputs[i] for i in range(len(outputs))]


def _close(run: StateRun, record: MapRunRecord, tally: _Tally, status: str) -> None:
    record.status = status
    record.stop_date = run.runtime.clock.now()
    with tally.lock:
        counts = dict(tally.counts)
    closed = sum(counts[key] for key in ("succeeded", "failed", "timedOut", "aborted"))
    counts["running"] = 0
    counts["resultsWritten"] = 0
    counts["pending"] = max(counts["total"] - closed, 0)
    record.counts = counts
    if run.runtime.store is not None:
        run.runtime.store.put_map_run(record)
