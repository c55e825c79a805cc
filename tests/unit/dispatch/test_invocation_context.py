"""A batch's records run in the invocation's context, as the handler's own code would."""

import contextvars
from typing import Any

import boto3

from sluice_shared.dispatch import Dispatcher, OperationRegistry, RequestEnvelope
from sluice_shared.dispatch.callbacks import TaskCallbacks
from sluice_shared.dispatch.deferral import MessageDeferrer
from sluice_shared.dispatch.idempotency import OnceRunner
from sluice_shared.providers.client import ProviderClient
from tests.fixtures.aws import IDEMPOTENCY_TABLE_NAME
from tests.fixtures.providers import http_client
from tests.unit.dispatch.support import envelope

INVOCATION = contextvars.ContextVar("invocation", default="none")


def test_given_a_context_variable_set_by_the_invocation_then_every_record_sees_it(world):
    """GIVEN an invocation-scoped variable WHEN 3 records run on pool threads THEN each sees it.

    The local cloud scopes each function's environment this way (and Powertools keeps state in
    context variables), so a record run in an empty context would miss its settings.
    """
    seen: list[str] = []

    def record_invocation(client: ProviderClient, request: RequestEnvelope) -> dict[str, Any]:
        seen.append(INVOCATION.get())
        return {}

    dispatcher = Dispatcher(
        registry=OperationRegistry({("erp", "customers.recordOrder"): record_invocation}),
        client_for=lambda provider, account: http_client(provider, world.erp.base_url),
        callbacks=TaskCallbacks(world.stepfunctions),
        deferrer=MessageDeferrer(world.queue.client),
        once=OnceRunner(IDEMPOTENCY_TABLE_NAME, boto3.client("dynamodb")),
    )
    world.queue.send(*(envelope(idempotencyKey=f"key-{number}") for number in range(3)))
    event = world.queue.receive_event(3)

    def invoke() -> dict[str, Any]:
        INVOCATION.set("invocation-1")
        return dict(dispatcher.process_batch(event).response)

    assert contextvars.copy_context().run(invoke) == {"batchItemFailures": []}
    assert seen == ["invocation-1"] * 3
