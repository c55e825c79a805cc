"""`inventory.setLevels`: one batched `POST /inventory-levels` with the request's key."""

import contextlib
import json

import boto3
import pytest
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from sluice_shared.dispatch import Dispatcher, OperationRegistry, RequestInvalid, parse_envelope
from sluice_shared.dispatch.callbacks import TaskCallbacks
from sluice_shared.dispatch.deferral import MessageDeferrer
from sluice_shared.dispatch.dispatcher import DONE
from sluice_shared.dispatch.errors import PoisonMessage
from sluice_shared.dispatch.idempotency import OnceRunner
from sluice_shared.inventory import storefront
from sluice_shared.inventory.pacing import Pacer
from sluice_shared.providers.client import ProviderClient
from tests.fixtures.aws import IDEMPOTENCY_TABLE_NAME, create_idempotency_table
from tests.fixtures.events import load_event
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.provider_server import ScriptedResponse, refused_url
from tests.fixtures.providers import fake_provider_settings, http_client

LEVELS_ANSWER = ScriptedResponse(
    200, {"inventoryLevels": [{"sku": "A"}, {"sku": "B"}, {"sku": "C"}]}
)


def set_levels_record() -> SQSRecord:
    """The sample storefront request record."""
    return SQSRecord(load_event("inventory/set-levels.json")["Records"][0])


def dispatcher_for(provider_server, pacer: Pacer) -> Dispatcher:
    """A dispatcher with only the storefront operation, its client paced by `pacer`."""
    client = ProviderClient(
        storefront.PROVIDER,
        fake_provider_settings(provider_server.base_url),
        "storefront-test-key",
        guard=pacer.guard(lambda request: contextlib.nullcontext()),
    )
    registry = OperationRegistry(
        {(storefront.PROVIDER, storefront.SET_LEVELS): storefront.set_levels}
    )
    return Dispatcher(
        registry=registry,
        client_for=lambda provider, account: client,
        callbacks=TaskCallbacks(boto3.client("stepfunctions")),
        deferrer=MessageDeferrer(boto3.client("sqs")),
        once=OnceRunner(IDEMPOTENCY_TABLE_NAME, boto3.client("dynamodb"), FakeLambdaContext()),
    )


@pytest.fixture
def idempotency_table(inventory_world):
    """The idempotency table the dispatcher keys requests in."""
    create_idempotency_table()
    return IDEMPOTENCY_TABLE_NAME


def test_given_a_set_levels_request_when_dispatched_then_the_storefront_gets_one_batch(
    provider_server, idempotency_table
):
    provider_server.script("POST", "/inventory-levels", LEVELS_ANSWER)
    record = set_levels_record()
    outcome = dispatcher_for(provider_server, Pacer(0)).process_record(record)
    assert outcome == DONE
    [request] = provider_server.requests_to("POST", "/inventory-levels")
    assert request.body == {
        "levels": [
            {"sku": "TEE-BLK-M", "available": 12},
            {"sku": "TEE-BLK-L", "available": 0},
            {"sku": "MUG-WHT", "available": 40},
        ]
    }
    assert request.headers["idempotency-key"] == json.loads(record.body)["idempotencyKey"]


def test_given_the_same_request_delivered_twice_when_dispatched_then_it_is_sent_once(
    provider_server, idempotency_table
):
    provider_server.script("POST", "/inventory-levels", LEVELS_ANSWER)
    dispatcher = dispatcher_for(provider_server, Pacer(0))
    dispatcher.process_record(set_levels_record())
    dispatcher.process_record(set_levels_record())
    assert len(provider_server.requests_to("POST", "/inventory-levels")) == 1


def test_given_a_payload_without_levels_when_performed_then_the_request_is_invalid():
    body = json.loads(set_levels_record().body)
    body["payload"] = {"levels": []}
    request = parse_envelope(json.dumps(body))
    with pytest.raises(RequestInvalid, match=r"inventory\.setLevels payload"):
        storefront.set_levels(http_client(storefront.PROVIDER, refused_url()), request)


def test_given_a_bad_payload_without_task_token_when_dispatched_then_it_is_left_for_the_dlq(
    provider_server, idempotency_table
):
    event = load_event("inventory/set-levels.json")
    body = json.loads(event["Records"][0]["body"])
    body["payload"] = {"levels": [{"sku": "A", "available": -1}]}
    event["Records"][0]["body"] = json.dumps(body)
    with pytest.raises(PoisonMessage):
        dispatcher_for(provider_server, Pacer(0)).process_record(SQSRecord(event["Records"][0]))
    assert provider_server.requests_to("POST", "/inventory-levels") == []
