"""Settings are read from the environment at call time; explicit arguments win."""

import pytest

from sluice_shared import settings


def test_an_explicit_value_beats_the_environment(monkeypatch):
    """GIVEN the env var set WHEN a value is passed THEN the value is used."""
    monkeypatch.setenv(settings.ORDERS_TABLE_NAME, "from-env")
    assert settings.orders_table_name("explicit") == "explicit"


def test_the_environment_is_read_at_call_time(monkeypatch):
    """GIVEN the env var changed after import WHEN read THEN the new value."""
    monkeypatch.setenv(settings.ORDERS_TABLE_NAME, "first")
    assert settings.orders_table_name() == "first"
    monkeypatch.setenv(settings.ORDERS_TABLE_NAME, "second")
    assert settings.orders_table_name() == "second"


def test_a_missing_required_setting_names_the_variable(monkeypatch):
    """GIVEN no env var WHEN a required setting is read THEN SettingMissing names it."""
    monkeypatch.delenv(settings.ORDERS_STATE_MACHINE_ARN, raising=False)
    with pytest.raises(settings.SettingMissing, match="ORDERS_STATE_MACHINE_ARN"):
        settings.orders_state_machine_arn()


def test_max_webhook_bytes_defaults_to_the_step_functions_input_limit(monkeypatch):
    """GIVEN no MAX_WEBHOOK_BYTES WHEN read THEN 256 KiB."""
    monkeypatch.delenv(settings.MAX_WEBHOOK_BYTES, raising=False)
    assert settings.max_webhook_bytes() == 262_144


def test_max_webhook_bytes_reads_the_environment(monkeypatch):
    """GIVEN MAX_WEBHOOK_BYTES=1024 WHEN read THEN 1024."""
    monkeypatch.setenv(settings.MAX_WEBHOOK_BYTES, "1024")
    assert settings.max_webhook_bytes() == 1024


def test_environment_defaults_to_dev(monkeypatch):
    """GIVEN no SLUICE_ENVIRONMENT WHEN read THEN dev."""
    monkeypatch.delenv(settings.SLUICE_ENVIRONMENT, raising=False)
    assert settings.environment() == "dev"


def test_watched_integrations_are_split_on_commas(monkeypatch):
    """GIVEN `erp#main, warehouse#eu,` WHEN read THEN two trimmed integrations."""
    monkeypatch.setenv(settings.WATCHED_INTEGRATIONS, "erp#main, warehouse#eu,")
    assert settings.watched_integrations() == ["erp#main", "warehouse#eu"]


def test_silence_alert_seconds_is_a_number(monkeypatch):
    """GIVEN SILENCE_ALERT_SECONDS=900 WHEN read THEN 900.0."""
    monkeypatch.setenv(settings.SILENCE_ALERT_SECONDS, "900")
    assert settings.silence_alert_seconds() == 900.0
