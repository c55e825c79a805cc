"""Sync provider clients from the factory hold a lease of their account's sync budget."""

import threading

import boto3
import pytest
from pydantic import ValidationError

from sluice_shared import settings
from sluice_shared.governor import ProviderBackoff
from sluice_shared.providers.config import ProviderSettings
from sluice_shared.providers.factory import erp_client, warehouse_client
from tests.fixtures.aws import GOVERNOR_TABLE_NAME, put_provider_settings, put_secret
from tests.fixtures.provider_server import ScriptedResponse
from tests.fixtures.providers import ERP, WAREHOUSE, fake_provider_settings

BASE = {"baseUrl": "https://erp.example.com", "connectionCap": 25}


def test_the_sync_budget_and_account_are_read_from_the_settings_json():
    provider_settings = ProviderSettings.model_validate(
        {**BASE, "syncBudget": 10, "account": "acme"}
    )
    assert (provider_settings.sync_slots, provider_settings.account) == (10, "acme")


def test_without_a_sync_budget_the_whole_cap_is_the_sync_budget_of_the_default_account():
    provider_settings = ProviderSettings.model_validate(BASE)
    assert (provider_settings.sync_slots, provider_settings.account) == (25, "default")


def test_an_account_name_cannot_break_the_integration_key():
    with pytest.raises(ValidationError, match="account"):
        ProviderSettings.model_validate({**BASE, "account": "acme#eu"})


def _store_settings(monkeypatch, names, base_url: str, env: tuple[str, str], **extra) -> None:
    """The provider's settings (with `extra` keys) and key in mocked SSM and Secrets Manager."""
    values = fake_provider_settings(base_url).model_dump(mode="json", by_alias=True)
    put_provider_settings(names.settings_parameter, {**values, **extra})
    put_secret(names.api_key_secret_name, names.api_key)
    monkeypatch.setenv(env[0], names.settings_parameter)
    monkeypatch.setenv(env[1], names.api_key_secret_name)


def _lease_items(integration: str) -> list[dict]:
    """The lease items of `integration` in the governor table."""
    answer = boto3.client("dynamodb").query(
        TableName=GOVERNOR_TABLE_NAME,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :lease)",
        ExpressionAttributeValues={":pk": {"S": integration}, ":lease": {"S": "lease#"}},
    )
    return answer["Items"]


def test_given_an_erp_call_in_flight_then_it_holds_one_lease_slot_of_its_account(
    aws_resources, provider_server, monkeypatch
):
    """GIVEN account acme with syncBudget 3 WHEN a call is held THEN a lease, gone after it."""
    env = (settings.ERP_SETTINGS_PARAMETER, settings.ERP_API_KEY_SECRET_NAME)
    _store_settings(
        monkeypatch,
        ERP,
        provider_server.base_url,
        env,
        syncBudget=3,
        account="acme",
        timeoutSeconds=5,
    )
    held = ScriptedResponse(200, {"customers": []}, hold=True)
    provider_server.script("GET", "/customers", held)
    client = erp_client()
    call = threading.Thread(target=client.find_customer_by_email, args=("ada@example.com",))
    call.start()
    try:
        for _ in range(500):
            if provider_server.requests_to("GET", "/customers"):
                break
            threading.Event().wait(0.005)
        [lease] = _lease_items("erp#acme")
        assert int(lease["sk"]["S"].removeprefix("lease#")) in range(3)
    finally:
        provider_server.release()
        call.join()
    assert _lease_items("erp#acme") == []


def test_given_a_throttled_warehouse_when_the_next_sync_call_comes_then_nothing_is_sent(
    aws_resources, provider_server, monkeypatch
):
    env = (settings.WAREHOUSE_SETTINGS_PARAMETER, settings.WAREHOUSE_API_KEY_SECRET_NAME)
    _store_settings(monkeypatch, WAREHOUSE, provider_server.base_url, env)
    provider_server.script(
        "POST", "/fulfilments", ScriptedResponse(429, {"message": "slow"}, {"Retry-After": "60"})
    )
    http = warehouse_client().http
    with pytest.raises(Exception, match="429"):
        http.request("POST", "/fulfilments", body={}, idempotency_key="k-1")
    with pytest.raises(ProviderBackoff):
        http.request("POST", "/fulfilments", body={}, idempotency_key="k-2")
    assert len(provider_server.requests_to("POST", "/fulfilments")) == 1
