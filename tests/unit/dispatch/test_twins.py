"""A copy received while its twin is in progress: hidden for the rest of the invocation (which
bounds the twin), not the queue's 720 s visibility timeout, and never deleted before the twin's
outcome is known: then it returns the twin's saved result, or performs the request itself."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sluice_shared import invocation
from sluice_shared.dispatch import Dispatcher, OperationRegistry, RequestEnvelope
from sluice_shared.dispatch.deferral import FIRST_DEFERRAL_SECONDS, TWIN_MARGIN_SECONDS
from sluice_shared.dispatch.dispatcher import DONE, DUPLICATE_IN_PROGRESS, RETRIED
from sluice_shared.providers.client import ProviderClient
from sluice_shared.providers.errors import ProviderUnavailable
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.logs import capture_logs
from tests.unit.dispatch.support import envelope

CALLBACK = "dispatcher/record-order-callback.json"
SAVED = {"id": "hist-1", "customerId": "cus-881"}
# The copy's invocation has this long left when it finds its twin in progress.
REMAINING_SECONDS = 40
PATIENCE_SECONDS = 5.0


class HeldOperation:
    """`customers.recordOrder` that waits until released, then answers SAVED or, for its first
    `failures` calls, fails as a 503 would."""

    def __init__(self, failures: int = 0) -> None:
        self.keys: list[str] = []
        self.started = threading.Event()
        self.released = threading.Event()
        self._failures = failures

    def __call__(self, client: ProviderClient, request: RequestEnvelope) -> dict[str, Any]:
        self.keys.append(request.idempotency_key)
        self.started.set()
        if not self.released.wait(PATIENCE_SECONDS):
            raise TimeoutError("the test never released the operation")
        if len(self.keys) <= self._failures:
            raise ProviderUnavailable("erp", "down", 503)
        return dict(SAVED)


def dispatcher_for(world: Any, operation: HeldOperation) -> Dispatcher:
    """The world's dispatcher with `operation` as `erp customers.recordOrder`."""
    registry = OperationRegistry({("erp", "customers.recordOrder"): operation})
    return world.dispatcher_with(registry=registry)


def two_copies(world: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two deliveries of one envelope (a waiting workflow's), as two single-record events."""
    world.queue.send(envelope(CALLBACK), envelope(CALLBACK))
    first, second = world.queue.receive_event(2)["Records"]
    return {"Records": [first]}, {"Records": [second]}


@contextmanager
def twin_running(
    dispatcher: Dispatcher, event: dict[str, Any], operation: HeldOperation
) -> Iterator[list[Any]]:
    """Within the block the twin's batch runs (its operation held); its result after it."""
    results: list[Any] = []
    twin = threading.Thread(target=lambda: results.append(dispatcher.process_batch(event)))
    twin.start()
    try:
        assert operation.started.wait(PATIENCE_SECONDS)
        yield results
    finally:
        operation.released.set()
        twin.join(PATIENCE_SECONDS)


def copy_while_twin_runs(
    world: Any, operation: HeldOperation
) -> tuple[Dispatcher, dict[str, Any], Any, list[Any]]:
    """The copy dispatched while its twin runs: dispatcher, copy's event and result, twin's."""
    dispatcher = dispatcher_for(world, operation)
    twin_event, copy_event = two_copies(world)
    context = FakeLambdaContext(remaining_millis=REMAINING_SECONDS * 1000)
    with (
        twin_running(dispatcher, twin_event, operation) as twin_results,
        invocation.running(context),
    ):
        copy = dispatcher.process_batch(copy_event)
    return dispatcher, copy_event, copy, twin_results


def outputs(world: Any) -> list[dict[str, Any]]:
    """The results the waiting workflow was sent, in order."""
    return [json.loads(call["output"]) for call in world.stepfunctions.named("SendTaskSuccess")]


def test_given_a_copy_while_its_twin_runs_then_it_is_hidden_for_the_rest_of_the_invocation(
    world, frozen_time
):
    logs = capture_logs()
    operation = HeldOperation()

    _, copy_event, copy, _ = copy_while_twin_runs(world, operation)

    copy_id = copy_event["Records"][0]["messageId"]
    assert copy.outcomes == {DUPLICATE_IN_PROGRESS: 1}
    assert [item["itemIdentifier"] for item in copy.response["batchItemFailures"]] == [copy_id]
    assert world.queue.visibility_changes == [REMAINING_SECONDS + TWIN_MARGIN_SECONDS]
    assert len(operation.keys) == 1
    [line] = [line for line in logs.lines() if line.get("messageId") == copy_id]
    assert line["errorType"] == "TwinInProgress"
    assert line["visibleAgainInSeconds"] == REMAINING_SECONDS + TWIN_MARGIN_SECONDS
    assert "still in progress" in line["reason"]


def test_given_the_twin_finished_when_the_copy_comes_back_then_it_returns_the_saved_result(
    world, frozen_time
):
    operation = HeldOperation()
    dispatcher, copy_event, _, [twin] = copy_while_twin_runs(world, operation)
    world.queue.show_again(copy_event)

    again = dispatcher.process_batch(copy_event)

    assert twin.outcomes == again.outcomes == {DONE: 1}
    assert again.response == {"batchItemFailures": []}
    assert len(operation.keys) == 1
    assert outputs(world) == [SAVED, SAVED]


def test_given_the_twin_failed_when_the_copy_comes_back_then_it_performs_the_request(
    world, frozen_time
):
    """Why the copy is never deleted while its twin runs: the twin may still fail."""
    operation = HeldOperation(failures=1)
    dispatcher, copy_event, _, [twin] = copy_while_twin_runs(world, operation)
    world.queue.show_again(copy_event)

    again = dispatcher.process_batch(copy_event)

    assert twin.outcomes == {RETRIED: 1}
    assert again.outcomes == {DONE: 1}
    assert len(operation.keys) == 2
    assert outputs(world) == [SAVED]


def test_given_a_copy_outside_an_invocation_then_it_waits_as_a_transient_failure(world):
    """No deadline to go by (not run by a Lambda handler): the first transient delay."""
    operation = HeldOperation()
    dispatcher = dispatcher_for(world, operation)
    twin_event, copy_event = two_copies(world)
    with twin_running(dispatcher, twin_event, operation):
        copy = dispatcher.process_batch(copy_event)
    assert copy.outcomes == {DUPLICATE_IN_PROGRESS: 1}
    assert world.queue.visibility_changes == [FIRST_DEFERRAL_SECONDS]
