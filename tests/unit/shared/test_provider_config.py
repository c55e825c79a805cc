"""Provider settings come from SSM (JSON), keys from Secrets Manager, both cached."""

import pytest
from pydantic import ValidationError

from sluice_shared.providers.config import ProviderSettings, load_api_key, load_provider_settings
from sluice_shared.providers.factory import erp_client, warehouse_client
from tests.fixtures.aws import put_provider_settings, put_secret
from tests.fixtures.provider_server import ScriptedResponse
from tests.fixtures.providers import ERP, configure_erp, configure_warehouse


def test_settings_are_read_from_the_parameter_json(aws_resources):
    """GIVEN the contract's settings JSON in SSM WHEN loaded THEN every field is read."""
    put_provider_settings(
        "/sluice/dev/providers/erp",
        {
            "baseUrl": "https://erp.example.com/api/",
            "timeoutSeconds": 25,
            "connectTimeoutSeconds": 3.05,
            "connectionCap": 25,
        },
    )
    assert load_provider_settings("/sluice/dev/providers/erp") == ProviderSettings(
        base_url="https://erp.example.com/api",
        timeout_seconds=25,
        connect_timeout_seconds=3.05,
        connection_cap=25,
    )


def test_keys_meant_for_other_readers_are_ignored(aws_resources):
    """GIVEN the template's extra budget keys WHEN loaded THEN the client settings still load."""
    put_provider_settings(
        "/sluice/dev/providers/erp",
        {"baseUrl": "https://erp.example.com", "connectionCap": 25, "syncBudget": 5},
    )
    assert load_provider_settings("/sluice/dev/providers/erp").connection_cap == 25


def test_settings_without_a_url_scheme_are_refused(aws_resources):
    """GIVEN a baseUrl without http(s) WHEN loaded THEN a validation error names it."""
    put_provider_settings("/sluice/dev/providers/erp", {"baseUrl": "erp.example.com"})
    with pytest.raises(ValidationError, match="baseUrl"):
        load_provider_settings("/sluice/dev/providers/erp")


def test_settings_are_cached_between_calls(aws_resources):
    """GIVEN settings loaded once WHEN the parameter changes THEN the cached value is kept."""
    put_provider_settings("/sluice/dev/providers/erp", {"baseUrl": "https://one.example.com"})
    load_provider_settings("/sluice/dev/providers/erp")
    put_provider_settings("/sluice/dev/providers/erp", {"baseUrl": "https://two.example.com"})
    assert load_provider_settings("/sluice/dev/providers/erp").base_url == "https://one.example.com"


def test_the_api_key_is_the_plain_secret_string(aws_resources):
    """GIVEN a key stored with a trailing newline WHEN loaded THEN the bare key."""
    put_secret("sluice/dev/erp/api-key", "s3cr3t\n")
    assert load_api_key("sluice/dev/erp/api-key") == "s3cr3t"


def test_the_erp_client_is_built_from_the_environment(aws_resources, provider_server, monkeypatch):
    """GIVEN ERP settings in SSM and env WHEN the client calls THEN it uses that URL and key."""
    configure_erp(monkeypatch, provider_server.base_url)
    provider_server.script("GET", "/customers", ScriptedResponse(200, {"customers": []}))
    erp_client().find_customer_by_email("ada@example.com")
    [sent] = provider_server.requests_to("GET", "/customers")
    assert sent.headers["authorization"] == f"Bearer {ERP.api_key}"


def test_a_warm_invocation_reuses_the_client(aws_resources, provider_server, monkeypatch):
    """GIVEN the same settings WHEN the client is asked for twice THEN one client (one pool)."""
    configure_warehouse(monkeypatch, provider_server.base_url)
    assert warehouse_client() is warehouse_client()


def test_given_an_async_timeout_then_dispatched_calls_use_it_and_sync_calls_do_not():
    settings = ProviderSettings.model_validate(
        {"baseUrl": "https://erp.example.com", "timeoutSeconds": 25, "asyncTimeoutSeconds": 100}
    )
    assert settings.timeout_seconds == 25
    assert settings.for_async_calls().timeout_seconds == 100
    assert settings.for_async_calls().base_url == settings.base_url


def test_given_no_async_timeout_then_dispatched_calls_keep_the_sync_timeout():
    settings = ProviderSettings.model_validate({"baseUrl": "https://erp.example.com"})
    assert settings.for_async_calls() is settings
