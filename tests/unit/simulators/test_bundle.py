"""All five simulators run together from one settings object."""

import requests

from sluice.simulators import FixedLatency, Simulators, SimulatorSettings, SimulatorsSettings
from sluice.simulators.bundle import REALISTIC_ERP_LATENCY
from tests.unit.simulators.helpers import TIMEOUT, get, post


def test_the_bundle_serves_five_providers_on_distinct_ports(clock):
    """GIVEN the bundle WHEN started THEN each provider answers on its own URL."""
    with Simulators(clock=clock) as simulators:
        urls = simulators.urls
        assert get(simulators.erp, "/customers").status_code == 200
        assert get(simulators.warehouse, "/fulfilments/x").status_code == 404
        assert get(simulators.storefront, "/inventory-levels").status_code == 200
        assert get(simulators.payments, "/captures/x").status_code == 404
        slack = requests.post(simulators.slack_webhook_url, json={"text": "hi"}, timeout=TIMEOUT)
        assert slack.text == "ok"
    assert set(urls) == {"erp", "warehouse", "storefront", "payments", "slack"}
    assert len(set(urls.values())) == 5


def test_the_bundle_exposes_the_api_keys_to_store_as_secrets(clock):
    """GIVEN the bundle THEN it names the key of each provider that needs one (not Slack)."""
    simulators = Simulators(clock=clock)
    try:
        assert set(simulators.api_keys) == {"erp", "warehouse", "storefront", "payments"}
        assert simulators.api_keys["erp"] == simulators.erp.settings.api_key
    finally:
        simulators.stop()


def test_one_settings_object_configures_every_simulator(clock):
    """GIVEN settings with an ERP latency, a secret and declines WHEN the bundle is built
    THEN each simulator has them."""
    settings = SimulatorsSettings(
        erp=SimulatorSettings(api_key="e", latency=FixedLatency(2.0)),
        webhook_secret="s3cret",
        declines={"pay_x": "fraudulent"},
    )
    with Simulators(settings, clock=clock) as simulators:
        get(simulators.erp, "/customers")
        declined = post(
            simulators.payments,
            "/captures",
            {"amount": "1.00", "currency": "EUR", "paymentReference": "pay_x"},
            **{"Idempotency-Key": "k"},
        )
    assert clock.monotonic() == 2.0
    assert simulators.storefront.webhook_secret == "s3cret"
    assert declined.json()["error"]["code"] == "fraudulent"


def test_reset_clears_every_simulator(clock):
    """GIVEN requests to two simulators WHEN the bundle is reset THEN both journals are empty."""
    with Simulators(clock=clock) as simulators:
        get(simulators.erp, "/customers")
        get(simulators.warehouse, "/fulfilments/x")
        simulators.reset()
        assert [len(s.requests()) for s in simulators.all.values()] == [0, 0, 0, 0, 0]


def test_realistic_settings_give_the_erp_its_long_tail():
    """GIVEN realistic settings THEN the ERP has the long-tail latency, seeds differ."""
    settings = SimulatorsSettings.realistic(seed=10)
    assert settings.erp.latency == REALISTIC_ERP_LATENCY
    assert len({settings.erp.seed, settings.warehouse.seed, settings.slack.seed}) == 3
