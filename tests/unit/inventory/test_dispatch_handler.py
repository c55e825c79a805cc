"""The storefront dispatcher as Lambda runs it: settings from SSM, key from Secrets Manager."""

import json

import pytest

from sluice_shared import settings
from tests.fixtures.aws import (
    IDEMPOTENCY_TABLE_NAME,
    create_idempotency_table,
    put_provider_settings,
    put_secret,
)
from tests.fixtures.events import load_event
from tests.fixtures.handlers import load_handler_module
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.logs import capture_logs
from tests.fixtures.provider_server import FakeProvider, ScriptedResponse
from tests.fixtures.providers import TEST_READ_TIMEOUT_SECONDS
from tests.unit.governor.support import create_governor_table

SETTINGS_PARAMETER = "/sluice/test/providers/storefront"
API_KEY_SECRET = "sluice/test/storefront/api-key"


@pytest.fixture
def configured_storefront(
    inventory_world, monkeypatch: pytest.MonkeyPatch, provider_server: FakeProvider
) -> FakeProvider:
    """The fake storefront's settings, key and the dispatcher's tables, as the template sets."""
    create_idempotency_table()
    governor_table = create_governor_table()
    put_provider_settings(
        SETTINGS_PARAMETER,
        {
            "baseUrl": provider_server.base_url,
            "timeoutSeconds": TEST_READ_TIMEOUT_SECONDS,
            "connectionCap": 2,
        },
    )
    put_secret(API_KEY_SECRET, "storefront-test-key")
    for name, value in {
        settings.STOREFRONT_SETTINGS_PARAMETER: SETTINGS_PARAMETER,
        settings.STOREFRONT_API_KEY_SECRET_NAME: API_KEY_SECRET,
        # One invocation of two, at 200 requests per second: a 10 ms share.
        settings.STOREFRONT_RATE_LIMIT_PER_SECOND: "200",
        settings.STOREFRONT_DISPATCHER_CONCURRENCY: "2",
        settings.IDEMPOTENCY_TABLE_NAME: IDEMPOTENCY_TABLE_NAME,
        settings.GOVERNOR_TABLE_NAME: governor_table.table_name,
    }.items():
        monkeypatch.setenv(name, value)
    return provider_server


def test_given_a_set_levels_record_when_the_handler_runs_then_the_storefront_gets_it(
    configured_storefront,
):
    configured_storefront.script(
        "POST", "/inventory-levels", ScriptedResponse(200, {"inventoryLevels": [{}, {}, {}]})
    )
    handler = load_handler_module("inventory/dispatch_storefront").handler
    response = handler(load_event("inventory/set-levels.json"), FakeLambdaContext())
    assert response == {"batchItemFailures": []}
    [request] = configured_storefront.requests_to("POST", "/inventory-levels")
    assert request.headers["authorization"] == "Bearer storefront-test-key"
    assert len(request.body["levels"]) == 3


def test_given_a_record_naming_another_account_when_the_handler_runs_then_it_is_poison(
    configured_storefront,
):
    """The storefront has one account: a request for another is never sent (nor retried)."""
    event = load_event("inventory/set-levels.json")
    record = event["Records"][0]
    record["body"] = json.dumps({**json.loads(record["body"]), "account": "beta"})
    handler = load_handler_module("inventory/dispatch_storefront").handler
    logs = capture_logs()
    response = handler(event, FakeLambdaContext())
    [poison] = [line for line in logs.lines() if line["message"].startswith("poison message")]
    assert response == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    assert poison["errorType"] == "AccountUnknown"
    assert configured_storefront.requests == []
