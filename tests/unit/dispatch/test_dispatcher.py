"""The dispatcher performs a batch's requests and reports exactly the ones to keep."""

import json
import threading
import time

from sluice_shared.governor import integration_key
from tests.fixtures.provider_server import ScriptedResponse
from tests.unit.dispatch.support import envelope

RECORD_ORDER_PATH = "/customers/cus-881/orders"
CREATED = ScriptedResponse(201, {"id": "hist-1", "customerId": "cus-881"})


def keyed(number: int, **changes: object) -> dict:
    """The sample envelope with its own idempotency and business keys."""
    return envelope(
        idempotencyKey=f"order-shopify-{number}-customer-update",
        businessKey=f"order-shopify-{number}",
        **changes,
    )


def failed_ids(response: dict) -> list[str]:
    """The message ids a partial batch response keeps on the queue."""
    return [item["itemIdentifier"] for item in response["batchItemFailures"]]


def test_given_a_record_order_request_when_dispatched_then_the_erp_gets_it_once_with_its_key(
    world,
):
    world.erp.script("POST", RECORD_ORDER_PATH, CREATED)
    world.queue.send(envelope())
    result = world.dispatcher.process_batch(world.queue.receive_event(1))
    [request] = world.erp.requests_to("POST", RECORD_ORDER_PATH)
    assert result.response == {"batchItemFailures": []}
    assert request.headers["idempotency-key"] == "order-shopify-1042-customer-update"
    assert request.body == {
        "salesOrderId": "so-5531",
        "externalReference": "order-shopify-1042",
        "orderTotal": "59.00",
        "currency": "EUR",
    }


def test_given_one_failing_request_when_the_batch_ends_then_only_it_is_reported(world):
    world.erp.script("POST", RECORD_ORDER_PATH, CREATED)
    world.erp.script("POST", "/customers/cus-404/orders", ScriptedResponse(404, {"message": "x"}))
    failing = keyed(2, payload={**envelope()["payload"], "customerId": "cus-404"})
    world.queue.send(keyed(1), failing, keyed(3))
    event = world.queue.receive_event(3)
    result = world.dispatcher.process_batch(event)
    failing_id = next(r["messageId"] for r in event["Records"] if json.loads(r["body"]) == failing)
    assert failed_ids(result.response) == [failing_id]
    assert result.outcomes == {"done": 2, "poison": 1}


def test_given_a_batch_when_dispatched_then_its_requests_are_in_flight_together(world):
    world.erp.script("POST", RECORD_ORDER_PATH, ScriptedResponse(201, {"id": "h"}, hold=True))
    world.queue.send(keyed(1), keyed(2), keyed(3))
    event = world.queue.receive_event(3)
    results = []
    worker = threading.Thread(target=lambda: results.append(world.dispatcher.process_batch(event)))
    worker.start()
    deadline = time.monotonic() + 5
    while len(world.erp.requests) < 3 and time.monotonic() < deadline:
        time.sleep(0.005)
    in_flight = len(world.erp.requests)
    world.erp.release()
    worker.join()
    assert in_flight == 3
    assert results[0].outcomes == {"done": 3}


def test_given_a_duplicate_delivery_when_dispatched_again_then_the_erp_is_called_once(world):
    world.erp.script("POST", RECORD_ORDER_PATH, CREATED)
    world.queue.send(envelope(), envelope())
    first = world.dispatcher.process_batch(world.queue.receive_event(1))
    second = world.dispatcher.process_batch(world.queue.receive_event(1))
    assert len(world.erp.requests_to("POST", RECORD_ORDER_PATH)) == 1
    assert first.outcomes == second.outcomes == {"done": 1}


def test_given_a_429_when_dispatched_then_the_message_is_hidden_for_the_retry_after(world):
    world.erp.script(
        "POST", RECORD_ORDER_PATH, ScriptedResponse(429, {"message": "slow"}, {"Retry-After": "90"})
    )
    world.queue.send(envelope())
    event = world.queue.receive_event(1)
    result = world.dispatcher.process_batch(event)
    assert failed_ids(result.response) == [event["Records"][0]["messageId"]]
    assert result.outcomes == {"deferred": 1}
    assert world.queue.visible_bodies() == []


def test_given_a_429_when_the_next_batch_comes_then_the_governor_defers_it_without_a_call(
    world,
):
    world.erp.script(
        "POST", RECORD_ORDER_PATH, ScriptedResponse(429, {"message": "slow"}, {"Retry-After": "90"})
    )
    world.queue.send(keyed(1), keyed(2))
    world.dispatcher.process_batch(world.queue.receive_event(1))
    second = world.dispatcher.process_batch(world.queue.receive_event(1))
    assert second.outcomes == {"deferred": 1}
    assert len(world.erp.requests_to("POST", RECORD_ORDER_PATH)) == 1
    state = world.governor_table.read_state(integration_key("erp", "default"))
    assert state.consecutive_errors == 1
