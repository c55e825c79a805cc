"""A Step Functions engine behind its HTTP API, and the console in front of it, on loopback.

The orders-like state machine: `Validate` (data errors caught and ended in `OrderFailed`), then
`CreateSalesOrder` (a provider call whose outage, once retried, fails the execution there).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sluice.clock import VirtualClock
from sluice.console import ConsoleServer
from sluice.stepfunctions import Integrations, LambdaFunctionError, StepFunctionsService
from sluice.stepfunctions.http import StepFunctionsServer

ROLE_ARN = "arn:aws:iam::123456789012:role/sluice-console-tests"
VALID_TOTAL = "10.00"
DONE_WITHIN = 10.0
ORDERS_MACHINE = {
    "StartAt": "Validate",
    "States": {
        "Validate": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "validate", "Payload.$": "$"},
            "ResultPath": None,
            "Catch": [{"ErrorEquals": ["OrderInvalid"], "Next": "OrderFailed"}],
            "Next": "CreateSalesOrder",
        },
        "CreateSalesOrder": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "erp", "Payload.$": "$"},
            "OutputPath": "$.Payload",
            "Retry": [{"ErrorEquals": ["ProviderUnavailable"], "MaxAttempts": 2}],
            "End": True,
        },
        "OrderFailed": {"Type": "Fail", "Error": "OrderInvalid", "Cause": "the order is invalid"},
    },
}
BILLING_MACHINE = {
    "StartAt": "Bill",
    "States": {"Bill": {"Type": "Pass", "End": True}},
}


class Providers:
    """The Lambda functions behind the tasks: validation, and an ERP that can be down."""

    def __init__(self) -> None:
        self.erp_down = threading.Event()
        self.sales_orders: list[str] = []

    def invoke(self, function_name: str, payload: Any) -> Any:
        """Run the function `function_name` on `payload`."""
        if function_name == "validate":
            total = payload["order"]["total"]
            if total != VALID_TOTAL:
                raise LambdaFunctionError(
                    "OrderInvalid",
                    f"order {payload['businessKey']} is invalid: total {total} is wrong",
                    ['  File "validation.py", line 73, in validate_order\n'],
                )
            return {"valid": True}
        if self.erp_down.is_set():
            raise LambdaFunctionError("ProviderUnavailable", "erp: service unavailable (HTTP 503)")
        self.sales_orders.append(payload["businessKey"])
        return {"businessKey": payload["businessKey"], "salesOrderId": "SO-1"}


class Cloud:
    """The engine, its state machines, and helpers to start and wait for executions."""

    def __init__(self, engine: StepFunctionsService, console_url: str) -> None:
        self.engine = engine
        self.console_url = console_url
        self.orders = self._create("sluice-test-orders", ORDERS_MACHINE)
        self.billing = self._create("sluice-test-billing", BILLING_MACHINE)

    def _create(self, name: str, definition: dict[str, Any]) -> str:
        request = {"name": name, "definition": json.dumps(definition), "roleArn": ROLE_ARN}
        return str(self.engine.create_state_machine(request)["stateMachineArn"])

    def run(self, machine: str, name: str, execution_input: Any) -> dict[str, Any]:
        """Start an execution and wait (bounded) until it closes; return its description."""
        request = {"stateMachineArn": machine, "name": name, "input": json.dumps(execution_input)}
        arn = self.engine.start_execution(request)["executionArn"]
        return self.wait(arn)

    def wait(self, arn: str) -> dict[str, Any]:
        """Wait (bounded) until the execution closes; return its description."""
        description = self.engine.wait_for_execution(arn, DONE_WITHIN)
        assert description["status"] != "RUNNING", f"{arn} still running"
        return description

    def order(self, order_id: str, total: str = VALID_TOTAL) -> dict[str, Any]:
        """An orders execution input."""
        return {"businessKey": f"order-shopify-{order_id}", "order": {"total": total}}

    def get(self, path: str, **params: str) -> requests.Response:
        """GET a console page."""
        return requests.get(self.console_url + path, params=params, timeout=10)

    def post(self, path: str, form: dict[str, str], **headers: str) -> requests.Response:
        """POST a console form as a browser on the console's page would; do not follow."""
        return requests.post(
            self.console_url + path,
            data=form,
            headers={"Origin": self.console_url, **headers},
            allow_redirects=False,
            timeout=10,
        )


@pytest.fixture
def providers() -> Providers:
    """The fake Lambda functions."""
    return Providers()


@pytest.fixture
def cloud(providers: Providers) -> Iterator[Cloud]:
    """An engine on a virtual clock, its API server and the console, all on loopback."""
    engine = StepFunctionsService(
        clock=VirtualClock(), integrations=Integrations(lambda_invoker=providers.invoke)
    )
    with StepFunctionsServer(engine) as api, ConsoleServer(api.url) as console:
        yield Cloud(engine, console.url)
