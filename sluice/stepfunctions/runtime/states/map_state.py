"""The Map state: runs its ItemProcessor for every item, inline or as a distributed map run.

https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html
"""

from __future__ import annotations

from typing import Any

from sluice.stepfunctions.asl.paths import evaluate_path, to_json
from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.runtime import processing as io
from sluice.stepfunctions.runtime.context import context_object
from sluice.stepfunctions.runtime.control import Cancellation
from sluice.stepfunctions.runtime.fanout import fan_out
from sluice.stepfunctions.runtime.state_run import StateOutcome, StateRun
from sluice.stepfunctions.runtime.states import task_state


def processor(state: dict[str, Any]) -> dict[str, Any]:
    """The Map's ItemProcessor (or legacy Iterator) definition."""
    return state.get("ItemProcessor") or state["Iterator"]


def is_distributed(state: dict[str, Any]) -> bool:
    """Whether the Map runs in DISTRIBUTED mode (child executions and a map run)."""
    return processor(state).get("ProcessorConfig", {}).get("Mode") == "DISTRIBUTED"


class MapInput:
    """The Map's effective input and how to turn an item into an iteration's input."""

    def __init__(self, run: StateRun) -> None:
        self.run = run
        state = run.state
        if run.language == io.JSONATA:
            self.states = io.jsonata_states(run.raw_input, run.context, has_result=False)
            self.effective = run.raw_input
        else:
            self.effective = io.input_path(state, run.raw_input, run.context, run.variables)
            run.inspect("afterInputPath", self.effective)
        self.selector = state.get("ItemSelector", state.get("Parameters"))

    def value(self, name: str, default: Any = None) -> Any:
        """A field that may be a JSONata expression or, in JSONPath, have a `...Path` variant."""
        run, state = self.run, self.run.state
        if run.language == io.JSONATA:
            return io.jsonata(state[name], self.states, run.variables) if name in state else default
        if f"{name}Path" in state:
            return evaluate_path(state[f"{name}Path"], self.effective, run.context, run.variables)
        return state.get(name, default)

    def items(self) -> list[Any]:
        """The items of an inline Map (ItemsPath in JSONPath, Items in JSONata)."""
        run, state = self.run, self.run.state
        if run.language == io.JSONATA:
            items = io.jsonata(
                state.get("Items", "{% $states.input %}"), self.states, run.variables
            )
        else:
            items = evaluate_path(
                state.get("ItemsPath", "$"), self.effective, run.context, run.variables
            )
        if not isinstance(items, list):
            raise StatesError(
                "States.Runtime",
                f"Map state input must be an array but was: {to_json(items)}",
            )
        run.inspect("afterItemsPath", items)
        return items

    def iteration_input(self, index: int, item: Any) -> Any:
        """An iteration's input: the item, or the ItemSelector rendered for it."""
        if self.selector is None:
            return item
        run = self.run
        map_item = {"Index": index, "Value": item}
        context = context_object(
            run.runtime.info, run.name, run.entered_time, run.retry_count, None, map_item
        )
        if run.language == io.JSONATA:
            states = io.jsonata_states(run.raw_input, context, has_result=False)
            return io.jsonata(self.selector, states, run.variables)
        return io.payload(self.selector, self.effective, context, run.variables)

    def max_concurrency(self) -> int:
        """MaxConcurrency (0: no limit)."""
        value = self.value("MaxConcurrency", 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise StatesError(
                "States.Runtime", f"MaxConcurrency must be a non-negative integer: {value}"
            )
        return value


def run(run: StateRun) -> StateOutcome:
    """Run one attempt of a Map state."""
    if is_distributed(run.state):
        from sluice.stepfunctions.runtime.distributed_map import run_distributed

        return task_state.process_result(run, run_distributed(run, MapInput(run)))
    return task_state.process_result(run, _run_inline(run, MapInput(run)))


def iteration_key(run: StateRun, index: int) -> str:
    """The checkpoint key of one iteration of this Map."""
    return f"{run.scope.key}/{run.name}[{index}]"


def _run_inline(run: StateRun, source: MapInput) -> list[Any]:
    from sluice.stepfunctions.runtime.executor import SUCCEEDED, run_scope

    runtime = run.runtime
    items = source.items()
    max_concurrency = source.max_concurrency()
    if not run.resuming:
        runtime.forget_checkpoints(f"{run.scope.key}/{run.name}[")
    started = run.event("MapStateStarted", "mapStateStartedEventDetails", {"length": len(items)})
    definition = processor(run.state)

    def run_iteration(index: int, item: Any, cancellation: Cancellation) -> Any:
        key = iteration_key(run, index)
        checkpoint = runtime.checkpoint(key) if run.resuming else None
        if checkpoint is not None and checkpoint.status == SUCCEEDED:
            return checkpoint.output
        identity = {"name": run.name, "index": index}
        iteration_started = runtime.recorder.add(
            "MapIterationStarted", started, "mapIterationStartedEventDetails", identity
        )
        scope = run.scope.child(key, run.scope.query_language, cancellation, iteration_started)
        frame = runtime.recorder.enter(
            scope.cursor, "MapIterationAborted", "mapIterationAbortedEventDetails", identity
        )
        try:
            output = run_scope(
                runtime, scope, definition, source.iteration_input(index, item), checkpoint
            )
        except StatesError:
            runtime.recorder.leave(frame)
            scope.cursor.add("MapIterationFailed", "mapIterationFailedEventDetails", identity)
            raise
        except BaseException:
            runtime.recorder.abort(frame)
            raise
        runtime.recorder.leave(frame)
        scope.cursor.add("MapIterationSucceeded", "mapIterationSucceededEventDetails", identity)
        return output

    try:
        outputs = fan_out(
            enumerate(items),
            run_iteration,
            run.scope.cancellation,
            max_concurrency,
            size=len(items),
        )
    except StatesError:
        run.event("MapStateFailed")
        raise
    run.scope.cursor.last_event_id = runtime.recorder.event_count
    run.event("MapStateSucceeded")
    return [outputs[i] for i in range(len(items))]
