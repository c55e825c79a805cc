"""Throughput of sluice's Step Functions engine against moto's parser, on the same machines.

Run with `python tests/benchmarks/bench_engine.py` (or `make bench`). For each machine and each
engine it starts executions in batches for a bounded time, waits for all of them, and prints
executions per second, state transitions per second and sluice's ratio to moto. The target is
at least 20 times moto's throughput. It prints figures and asserts nothing.

Both engines run in-process as the conformance suite runs them (`tests/conformance`): Lambda
tasks call the same Python functions, Wait states and retry intervals cost no wall time.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
BATCH = 10
BUDGET_SECONDS = 4.0
MAX_EXECUTIONS = 500
AWAIT_SECONDS = 60.0
TARGET_RATIO = 20.0


@dataclass(frozen=True)
class Machine:
    """A state machine to time, with its input and in-process functions."""

    name: str
    definition: Mapping[str, Any]
    input: Any
    lambdas: Mapping[str, Callable[[Any], Any]]


@dataclass(frozen=True)
class Figures:
    """What one engine did with one machine."""

    executions: int
    seconds: float
    transitions_per_execution: int

    @property
    def executions_per_second(self) -> float:
        """Executions finished per wall second."""
        return self.executions / self.seconds

    @property
    def transitions_per_second(self) -> float:
        """State transitions per wall second."""
        return self.executions_per_second * self.transitions_per_execution


def _function(name: str) -> str:
    return f"arn:aws:lambda:us-east-1:123456789012:function:{name}"


def _machines() -> list[Machine]:
    """The timed machines: flow control, Lambda tasks with retries, Map and Parallel."""
    chain = {f"Step{i}": {"Type": "Pass", "Next": f"Step{i + 1}"} for i in range(8)}
    chain["Step8"] = {
        "Type": "Choice",
        "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Done"}],
        "Default": "Done",
    }
    chain["Done"] = {"Type": "Succeed"}
    return [
        Machine(
            name="pass_and_choice_chain",
            definition={"StartAt": "Step0", "States": chain},
            input={"n": 2},
            lambdas={},
        ),
        Machine(
            name="lambda_tasks_with_retry",
            definition={
                "StartAt": "Price",
                "States": {
                    "Price": {
                        "Type": "Task",
                        "Resource": _function("price"),
                        "Parameters": {"sku.$": "$.sku", "qty.$": "$.qty"},
                        "ResultSelector": {"total.$": "$.total"},
                        "ResultPath": "$.priced",
                        "Retry": [{"ErrorEquals": ["ProviderUnavailable"], "MaxAttempts": 2}],
                        "Next": "Record",
                    },
                    "Record": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::lambda:invoke",
                        "Parameters": {"FunctionName": "record", "Payload.$": "$"},
                        "OutputPath": "$.Payload",
                        "End": True,
                    },
                },
            },
            input={"sku": "w-1", "qty": 3},
            lambdas={"price": lambda e: {"total": e["qty"] * 4}, "record": lambda e: e},
        ),
        Machine(
            name="inline_map_of_ten",
            definition={
                "StartAt": "Each",
                "States": {
                    "Each": {
                        "Type": "Map",
                        "ItemsPath": "$.items",
                        "ItemSelector": {"value.$": "$$.Map.Item.Value", "tag.$": "$.tag"},
                        "ItemProcessor": {
                            "ProcessorConfig": {"Mode": "INLINE"},
                            "StartAt": "Item",
                            "States": {
                                "Item": {
                                    "Type": "Pass",
                                    "Parameters": {"twice.$": "States.MathAdd($.value, $.value)"},
                                    "End": True,
                                }
                            },
                        },
                        "End": True,
                    }
                },
            },
            input={"items": list(range(10)), "tag": "t"},
            lambdas={},
        ),
        Machine(
            name="parallel_of_three",
            definition={
                "StartAt": "All",
                "States": {
                    "All": {
                        "Type": "Parallel",
                        "Branches": [
                            {"StartAt": f"B{i}", "States": {f"B{i}": {"Type": "Pass", "End": True}}}
                            for i in range(3)
                        ],
                        "End": True,
                    }
                },
            },
            input={"x": 1},
            lambdas={},
        ),
    ]


def _measure(open_engine: Callable[[], AbstractContextManager[Any]], machine: Machine) -> Figures:
    """Run `machine` on a fresh engine in batches for up to BUDGET_SECONDS; return the figures."""
    from tests.conformance.lambdas import FunctionRegistry, computes

    factories = {name: computes(fn) for name, fn in machine.lambdas.items()}
    with open_engine() as engine:
        registry = FunctionRegistry(factories, engine.pass_time)
        engine.serve(registry)
        arn = engine.create_state_machine(machine.name, json.dumps(machine.definition))
        input_text = json.dumps(machine.input)
        started = time.perf_counter()
        finished = 0
        last = ""
        while finished < MAX_EXECUTIONS and time.perf_counter() - started < BUDGET_SECONDS:
            arns = [
                engine.start_execution(arn, f"run-{finished + i}", input_text) for i in range(BATCH)
            ]
            for execution_arn in arns:
                status = engine.await_execution(execution_arn, AWAIT_SECONDS)["status"]
                if status != "SUCCEEDED":
                    raise RuntimeError(f"{machine.name} ended {status} on {type(engine).__name__}")
            finished += BATCH
            last = arns[-1]
        seconds = time.perf_counter() - started
        transitions = engine.state_transitions(last)
        registry.release()
    return Figures(finished, seconds, transitions)


def _row(machine: str, engine: str, figures: Figures) -> str:
    return (
        f"{machine:<26} {engine:<7} {figures.executions:>6} {figures.seconds:>7.2f} "
        f"{figures.executions_per_second:>10.1f} {figures.transitions_per_second:>12.1f}"
    )


def main() -> None:
    """Time every machine on moto's parser and on sluice; print the figures and the ratios."""
    sys.path.insert(0, str(REPO_ROOT))  # the engines under test live in tests/conformance
    logging.disable(logging.CRITICAL)  # moto logs every evaluation step it finds noteworthy
    from tests.conformance.moto_runner import moto_engine
    from tests.conformance.sluice_runner import sluice_engine

    print(
        f"{'machine':<26} {'engine':<7} {'execs':>6} {'seconds':>7} {'execs/s':>10} {'trans/s':>12}"
    )
    totals = {"moto": [0, 0.0, 0], "sluice": [0, 0.0, 0]}
    ratios = []
    for machine in _machines():
        results = {
            "moto": _measure(moto_engine, machine),
            "sluice": _measure(sluice_engine, machine),
        }
        for engine, figures in results.items():
            print(_row(machine.name, engine, figures))
            totals[engine][0] += figures.executions
            totals[engine][1] += figures.seconds
            totals[engine][2] += figures.executions * figures.transitions_per_execution
        ratio = results["sluice"].executions_per_second / results["moto"].executions_per_second
        ratios.append(ratio)
        print(f"{'':<26} sluice/moto: {ratio:.1f}x")
    print()
    for engine, (executions, seconds, transitions) in totals.items():
        print(
            f"{engine:<7} overall: {executions / seconds:10.1f} executions/s "
            f"{transitions / seconds:12.1f} state transitions/s"
        )
    overall = (totals["sluice"][2] / totals["sluice"][1]) / (totals["moto"][2] / totals["moto"][1])
    print(
        f"sluice/moto overall (state transitions per second): {overall:.1f}x "
        f"(lowest per machine {min(ratios):.1f}x; target {TARGET_RATIO:.0f}x)"
    )


if __name__ == "__main__":
    main()
