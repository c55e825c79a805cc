"""Requests with a task token: the waiting workflow gets an answer, whatever happens."""

import json
import threading

import boto3
from botocore.stub import Stubber

from sluice_shared.dispatch.callbacks import TaskCallbacks
from tests.fixtures.provider_server import ScriptedResponse
from tests.unit.dispatch.support import envelope

CALLBACK_EVENT = "dispatcher/record-order-callback.json"
TOKEN = envelope(CALLBACK_EVENT)["taskToken"]
RECORD_ORDER_PATH = "/customers/cus-881/orders"


def dispatch_one(world, body: dict | str) -> dict:
    """Send one message, receive it and dispatch it; the batch result."""
    world.queue.send(body)
    return world.dispatcher.process_batch(world.queue.receive_event(1))


def test_given_a_callback_request_when_the_erp_succeeds_then_the_workflow_gets_the_result(world):
    world.erp.script("POST", RECORD_ORDER_PATH, ScriptedResponse(201, {"id": "hist-7"}))
    result = dispatch_one(world, envelope(CALLBACK_EVENT))
    [success] = world.stepfunctions.named("SendTaskSuccess")
    assert success == {"taskToken": TOKEN, "output": json.dumps({"id": "hist-7"})}
    assert result.response == {"batchItemFailures": []}


def test_given_a_callback_request_when_the_erp_rejects_it_then_the_workflow_gets_the_error(
    world,
):
    world.erp.script("POST", RECORD_ORDER_PATH, ScriptedResponse(422, {"message": "closed"}))
    result = dispatch_one(world, envelope(CALLBACK_EVENT))
    [failure] = world.stepfunctions.named("SendTaskFailure")
    assert failure["taskToken"] == TOKEN
    assert failure["error"] == "ProviderRejected"
    assert "closed" in failure["cause"]
    assert result.response == {"batchItemFailures": []}
    assert result.outcomes == {"answered": 1}


def test_given_a_callback_request_for_an_unknown_operation_then_the_workflow_is_told_at_once(
    world,
):
    result = dispatch_one(world, envelope(CALLBACK_EVENT, operation="customers.delete"))
    [failure] = world.stepfunctions.named("SendTaskFailure")
    assert failure["error"] == "OperationUnknown"
    assert result.outcomes == {"answered": 1}
    assert world.erp.requests == []


def test_given_an_invalid_envelope_with_a_token_then_the_workflow_gets_request_invalid(world):
    body = envelope(CALLBACK_EVENT)
    del body["payload"]
    result = dispatch_one(world, body)
    [failure] = world.stepfunctions.named("SendTaskFailure")
    assert failure["error"] == "RequestInvalid"
    assert "payload" in failure["cause"]
    assert result.outcomes == {"answered": 1}


def test_given_a_transient_failure_with_a_token_then_no_answer_is_sent_and_the_message_stays(
    world,
):
    world.erp.script("POST", RECORD_ORDER_PATH, ScriptedResponse(502, {"message": "gateway"}))
    result = dispatch_one(world, envelope(CALLBACK_EVENT))
    assert world.stepfunctions.named("SendTaskSuccess") == []
    assert world.stepfunctions.named("SendTaskFailure") == []
    assert result.outcomes == {"retried": 1}
    assert len(result.response["batchItemFailures"]) == 1


def test_given_a_workflow_that_gave_up_when_answering_then_the_message_is_deleted(world):
    world.erp.script("POST", RECORD_ORDER_PATH, ScriptedResponse(201, {"id": "hist-7"}))
    world.stepfunctions.gone = True
    result = dispatch_one(world, envelope(CALLBACK_EVENT))
    assert result.response == {"batchItemFailures": []}
    assert result.outcomes == {"workflow-gone": 1}


def test_given_a_long_erp_call_when_a_workflow_waits_then_it_gets_heartbeats(world):
    world.erp.script("POST", RECORD_ORDER_PATH, ScriptedResponse(201, {"id": "h"}, hold=True))
    world.queue.send(envelope(CALLBACK_EVENT))
    event = world.queue.receive_event(1)
    results = []
    worker = threading.Thread(target=lambda: results.append(world.dispatcher.process_batch(event)))
    worker.start()
    beat = world.stepfunctions.heartbeat_seen.wait(timeout=5)
    world.erp.release()
    worker.join()
    assert beat
    assert {call["taskToken"] for call in world.stepfunctions.named("SendTaskHeartbeat")} == {TOKEN}
    assert results[0].outcomes == {"done": 1}


def test_callbacks_send_what_the_step_functions_api_accepts():
    client = boto3.client("stepfunctions")
    with Stubber(client) as stub:
        stub.add_response("send_task_success", {}, {"taskToken": TOKEN, "output": '{"id": "h"}'})
        stub.add_response(
            "send_task_failure",
            {},
            {"taskToken": TOKEN, "error": "E" * 256, "cause": "c" * 32_768},
        )
        callbacks = TaskCallbacks(client)
        assert callbacks.succeed(TOKEN, {"id": "h"})
        assert callbacks.fail(TOKEN, "E" * 300, "c" * 40_000)
        stub.assert_no_pending_responses()


def test_given_an_expired_token_when_answering_then_the_answer_is_dropped():
    client = boto3.client("stepfunctions")
    with Stubber(client) as stub:
        stub.add_client_error("send_task_heartbeat", service_error_code="InvalidToken")
        assert TaskCallbacks(client).heartbeat(TOKEN) is False
