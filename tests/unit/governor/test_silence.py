"""The dead man's switch reports integrations without a success for the configured time."""

import pytest

from sluice_shared.governor import find_silent_integrations, integration_key

ERP = integration_key("erp", "acme")
WAREHOUSE = integration_key("warehouse", "acme")
HOUR = 3600.0


def succeed(governor, provider: str) -> None:
    """One successful guarded call."""
    with governor.call(provider, "acme"):
        pass


def test_given_a_recent_success_when_checking_then_the_integration_is_not_silent(
    governor, table, clock
):
    succeed(governor, "erp")
    clock.advance(HOUR - 1)
    assert find_silent_integrations(table, [ERP], HOUR, clock()) == []


def test_given_no_success_for_the_threshold_when_checking_then_the_integration_is_reported(
    governor, table, clock
):
    succeed(governor, "erp")
    succeed(governor, "warehouse")
    clock.advance(HOUR / 2)
    succeed(governor, "warehouse")
    clock.advance(HOUR / 2)
    silent = find_silent_integrations(table, [ERP, WAREHOUSE], HOUR, clock())
    assert [(s.integration, s.silent_seconds) for s in silent] == [(ERP, HOUR)]
    assert silent[0].to_json()["silentSeconds"] == 3600


def test_given_an_integration_that_never_succeeded_when_first_checked_then_it_is_not_reported(
    table, clock
):
    assert find_silent_integrations(table, [ERP], HOUR, clock()) == []


def test_given_an_integration_that_never_succeeded_when_silent_since_first_check_then_reported(
    table, clock
):
    find_silent_integrations(table, [ERP], HOUR, clock())
    clock.advance(HOUR)
    [silence] = find_silent_integrations(table, [ERP], HOUR, clock())
    assert silence.last_success_at is None
    assert silence.silent_seconds == pytest.approx(HOUR)
