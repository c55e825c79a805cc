"""Fixtures for the engine runtime tests: a virtual clock, fake Lambdas and a service."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import pytest

from sluice.clock import VirtualClock
from sluice.stepfunctions.integrations import Integrations, LambdaFunctionError
from sluice.stepfunctions.service import StepFunctionsService

ROLE = "arn:aws:iam::123456789012:role/sfn"


class FakeLambdas:
    """Lambda functions as Python callables, counting their invocations."""

    def __init__(self) -> None:
        self.functions: dict[str, Callable[[Any], Any]] = {}
        self.calls: list[tuple[str, Any]] = []

    def add(self, name: str, function: Callable[[Any], Any]) -> None:
        self.functions[name] = function

    def invoke(self, name: str, payload: Any) -> Any:
        short = name.rsplit(":", 1)[-1]
        self.calls.append((short, payload))
        return self.functions[short](payload)

    def count(self, name: str) -> int:
        return sum(1 for called, _ in self.calls if called == name)


def _failing(error_type: str, message: str = "failed") -> Callable[[Any], Any]:
    """A function that always raises `error_type`."""

    def handler(payload: Any) -> Any:
        raise LambdaFunctionError(error_type, message)

    return handler


@pytest.fixture
def failing() -> Callable[..., Callable[[Any], Any]]:
    return _failing


class Harness:
    """A service on a virtual clock with helpers to run definitions."""

    def __init__(self, service: StepFunctionsService, clock: VirtualClock, lambdas: FakeLambdas):
        self.service = service
        self.clock = clock
        self.lambdas = lambdas
        self._count = 0

    def create(self, definition: dict[str, Any], name: str | None = None) -> str:
        self._count += 1
        response = self.service.create_state_machine(
            {
                "name": name or f"machine{self._count}",
                "definition": json.dumps(definition),
                "roleArn": ROLE,
            }
        )
        return response["stateMachineArn"]

    def start(self, machine: str, data: Any = None, name: str | None = None) -> str:
        request = {"stateMachineArn": machine, "input": json.dumps(data or {})}
        if name:
            request["name"] = name
        return self.service.start_execution(request)["executionArn"]

    def wait(self, execution: str) -> dict[str, Any]:
        return self.service.wait_for_execution(execution, 10)

    def run(self, definition: dict[str, Any], data: Any = None) -> dict[str, Any]:
        return self.wait(self.start(self.create(definition), data))

    def history(self, execution: str) -> list[dict[str, Any]]:
        return self.service.get_execution_history({"executionArn": execution})["events"]

    def types(self, execution: str) -> list[str]:
        return [event["type"] for event in self.history(execution)]


@pytest.fixture
def lambdas() -> FakeLambdas:
    return FakeLambdas()


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def harness(lambdas: FakeLambdas, clock: VirtualClock) -> Harness:
    service = StepFunctionsService(
        clock=clock,
        integrations=Integrations(lambda_invoker=lambdas.invoke),
        rng=random.Random(7),
    )
    return Harness(service, clock, lambdas)
