"""The governor as the provider client's request guard: real HTTP on loopback."""

import pytest

from sluice_shared.governor import ProviderBackoff, integration_key
from sluice_shared.providers.client import ProviderClient
from sluice_shared.providers.errors import ProviderThrottled
from tests.fixtures.provider_server import ScriptedResponse
from tests.fixtures.providers import fake_provider_settings

ACCOUNT = "acme"


def guarded_client(governor, base_url: str, slots: int | None = 2) -> ProviderClient:
    """An ERP client whose every request goes through the governor."""
    return ProviderClient(
        "erp",
        fake_provider_settings(base_url),
        "erp-test-key",
        guard=governor.request_guard(ACCOUNT, slots=slots),
    )


def test_given_a_429_when_the_next_request_comes_then_it_is_refused_without_reaching_the_erp(
    governor, provider_server
):
    provider_server.script(
        "GET", "/customers", ScriptedResponse(429, {"message": "slow"}, {"Retry-After": "30"})
    )
    client = guarded_client(governor, provider_server.base_url)
    with pytest.raises(ProviderThrottled):
        client.request("GET", "/customers")
    with pytest.raises(ProviderBackoff) as refused:
        client.request("GET", "/customers")
    assert refused.value.retry_after == 30
    assert len(provider_server.requests_to("GET", "/customers")) == 1


def test_given_a_successful_request_when_it_returns_then_the_success_is_recorded(
    governor, provider_server, table, clock
):
    provider_server.script("GET", "/customers", ScriptedResponse(200, {"customers": []}))
    guarded_client(governor, provider_server.base_url).request("GET", "/customers")
    assert table.read_state(integration_key("erp", ACCOUNT)).last_success_at == clock()


def test_given_a_recent_success_when_another_succeeds_then_last_success_is_not_rewritten(
    governor, provider_server, table, clock
):
    provider_server.script("GET", "/customers", ScriptedResponse(200, {"customers": []}))
    client = guarded_client(governor, provider_server.base_url, slots=None)
    client.request("GET", "/customers")
    first = clock()
    clock.advance(30)
    client.request("GET", "/customers")
    assert table.read_state(integration_key("erp", ACCOUNT)).last_success_at == first
    clock.advance(30)
    client.request("GET", "/customers")
    assert table.read_state(integration_key("erp", ACCOUNT)).last_success_at == clock()
