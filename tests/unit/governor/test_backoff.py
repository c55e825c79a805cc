"""Adaptive backoff: consecutive errors lengthen the wait up to a cap; a success resets it."""

import dataclasses
import random

import boto3
import pytest

from sluice_shared.governor import (
    Governor,
    GovernorConfig,
    ProviderBackoff,
    backoff_seconds,
    integration_key,
)
from sluice_shared.providers.errors import (
    ProviderRejected,
    ProviderThrottled,
    ProviderUnavailable,
)
from tests.unit.governor.conftest import TEST_CONFIG

ERP = "erp"
ACCOUNT = "acme"


def fail_once(governor, error: Exception, account: str = ACCOUNT) -> None:
    """One guarded call that ends with `error`."""
    with pytest.raises(type(error)), governor.call(ERP, account):
        raise error


def succeed_once(governor, account: str = ACCOUNT) -> None:
    """One guarded call that succeeds."""
    with governor.call(ERP, account):
        pass


def refusal(governor, account: str = ACCOUNT) -> ProviderBackoff:
    """The ProviderBackoff a call gets now."""
    with pytest.raises(ProviderBackoff) as refused, governor.call(ERP, account):
        pytest.fail("the call should not have run")
    return refused.value


def test_backoff_doubles_from_the_base_and_stops_at_the_cap():
    waits = [backoff_seconds(errors, base_seconds=2.0, cap_seconds=30.0) for errors in range(7)]
    assert waits == [0.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_backoff_survives_a_huge_error_count():
    assert backoff_seconds(10_000, base_seconds=1.0, cap_seconds=300.0) == 300.0


def test_given_consecutive_errors_when_calling_then_each_error_lengthens_the_wait(governor, clock):
    waits = []
    for _ in range(4):
        fail_once(governor, ProviderUnavailable(ERP, "down", 503))
        waits.append(refusal(governor).retry_after)
        clock.advance(waits[-1])
    assert waits == [1, 2, 4, 8]


def test_given_many_errors_when_calling_then_the_wait_stops_at_the_cap(governor, clock):
    for _ in range(12):
        fail_once(governor, ProviderUnavailable(ERP, "down", 503))
        clock.advance(refusal(governor).retry_after)
    fail_once(governor, ProviderUnavailable(ERP, "down", 503))
    assert refusal(governor).retry_after == 60


def test_given_a_backoff_when_it_has_passed_then_the_call_runs(governor, clock):
    fail_once(governor, ProviderUnavailable(ERP, "down", 503))
    clock.advance(1)
    succeed_once(governor)


def test_given_errors_when_a_call_succeeds_then_full_speed_is_restored(governor, clock, table):
    for _ in range(3):
        fail_once(governor, ProviderUnavailable(ERP, "down", 503))
        clock.advance(refusal(governor).retry_after)
    succeed_once(governor)
    fail_once(governor, ProviderUnavailable(ERP, "down again", 503))
    state = table.read_state(integration_key(ERP, ACCOUNT))
    assert state.consecutive_errors == 1
    assert refusal(governor).retry_after == 1


def test_given_a_throttle_with_retry_after_when_longer_than_the_backoff_then_it_wins(governor):
    fail_once(governor, ProviderThrottled(ERP, "slow down", 429, retry_after=45))
    assert refusal(governor).retry_after == 45


def test_given_a_rejection_when_calling_then_the_account_does_not_back_off(governor, table):
    fail_once(governor, ProviderRejected(ERP, "bad field", 422))
    succeed_once(governor)
    assert table.read_state(integration_key(ERP, ACCOUNT)).consecutive_errors == 0


def test_given_a_failing_account_when_another_calls_then_it_is_not_slowed(governor, clock):
    for _ in range(3):
        fail_once(governor, ProviderUnavailable(ERP, "down", 503), account="failing")
        clock.advance(refusal(governor, account="failing").retry_after)
    fail_once(governor, ProviderUnavailable(ERP, "down", 503), account="failing")
    succeed_once(governor, account="healthy")
    assert refusal(governor, account="failing").account == "failing"


def test_backoff_refusal_is_a_named_throttle_the_state_machine_retries(governor):
    fail_once(governor, ProviderUnavailable(ERP, "down", 503))
    refused = refusal(governor)
    assert type(refused).__name__ == "ProviderBackoff"
    assert isinstance(refused, ProviderThrottled)
    assert refused.consecutive_errors == 1


def patient(table, clock, seconds: float) -> Governor:
    """A governor that sleeps through a backoff ending within `seconds`."""
    config = dataclasses.replace(TEST_CONFIG, max_backoff_wait_seconds=seconds)
    return Governor(table, config, clock=clock, sleep=clock.sleep, rng=random.Random(3))


def test_given_a_short_backoff_when_patient_then_the_call_sleeps_through_it(table, clock):
    governor = patient(table, clock, seconds=5)
    fail_once(governor, ProviderUnavailable(ERP, "down", 503))
    clock.advance(0.25)
    succeed_once(governor)
    assert clock.sleeps == [pytest.approx(0.75)]


def test_given_a_backoff_beyond_the_patience_when_calling_then_it_is_refused(table, clock):
    governor = patient(table, clock, seconds=5)
    fail_once(governor, ProviderThrottled(ERP, "slow down", 429, retry_after=30))
    assert refusal(governor).retry_after == 30
    assert clock.sleeps == []


def test_given_the_table_fails_after_the_call_when_it_failed_then_the_provider_error_surfaces(
    governor, table
):
    with pytest.raises(ProviderUnavailable), governor.call(ERP, ACCOUNT):
        boto3.client("dynamodb").delete_table(TableName=table.table_name)
        raise ProviderUnavailable(ERP, "down", 503)


def test_given_the_table_fails_after_the_call_when_it_succeeded_then_the_result_stands(
    governor, table
):
    with governor.call(ERP, ACCOUNT, slots=1):
        boto3.client("dynamodb").delete_table(TableName=table.table_name)
        result = "created"
    assert result == "created"


def _counting_reads(table, monkeypatch) -> list[str]:
    """Record every state read the table makes."""
    reads: list[str] = []
    read_state = table.read_state

    def counted(integration: str):
        reads.append(integration)
        return read_state(integration)

    monkeypatch.setattr(table, "read_state", counted)
    return reads


def test_given_a_state_cache_when_calls_follow_each_other_then_the_state_is_read_once(
    table, clock, monkeypatch
):
    """GIVEN a healthy account (its first success recorded) WHEN 3 calls in 0.6 s THEN 1 read."""
    cached = Governor(
        table, GovernorConfig(tolerated_errors=0, state_cache_seconds=1.0), clock=clock
    )
    with cached.call("erp", "acme"):
        pass
    reads = _counting_reads(table, monkeypatch)
    for _ in range(3):
        with cached.call("erp", "acme"):
            clock.advance(0.2)
    assert reads == ["erp#acme"]


def test_given_a_state_cache_when_a_call_fails_then_the_next_call_sees_the_backoff(
    table, clock, monkeypatch
):
    cached = Governor(
        table, GovernorConfig(tolerated_errors=0, state_cache_seconds=1.0), clock=clock
    )
    with cached.call("erp", "acme"):
        pass
    with pytest.raises(ProviderUnavailable), cached.call("erp", "acme"):
        raise ProviderUnavailable("erp", "down", 503)
    with pytest.raises(ProviderBackoff), cached.call("erp", "acme"):
        pass


def test_given_a_state_cache_when_a_call_fails_while_another_runs_then_its_success_resets_it(
    table, clock
):
    """GIVEN the dispatcher's cached states WHEN a call fails while an earlier one is still
    running THEN the earlier one's success resets the count: scattered errors among
    overlapping calls do not add up to a backoff."""
    cached = Governor(table, GovernorConfig(state_cache_seconds=1.0), clock=clock)
    with cached.call("erp", "acme"):
        pass
    for _ in range(3):
        with cached.call("erp", "acme"):
            clock.advance(0.2)
            with pytest.raises(ProviderUnavailable), cached.call("erp", "acme"):
                raise ProviderUnavailable("erp", "down", 503)
    assert table.read_state(integration_key("erp", "acme")).consecutive_errors == 0
    with cached.call("erp", "acme"):
        pass


def test_given_the_default_tolerance_when_errors_are_scattered_then_the_account_is_not_held(
    table, clock
):
    """GIVEN the default config WHEN two errors in a row THEN no backoff; a third THEN backoff."""
    governor = Governor(table, GovernorConfig(), clock=clock)
    for _ in range(2):
        with pytest.raises(ProviderUnavailable), governor.call("erp", "acme"):
            raise ProviderUnavailable("erp", "down", 503)
    with governor.call("erp", "acme"):
        pass
    for _ in range(3):
        with pytest.raises(ProviderUnavailable), governor.call("erp", "acme"):
            raise ProviderUnavailable("erp", "down", 503)
    with pytest.raises(ProviderBackoff), governor.call("erp", "acme"):
        pass


def test_given_a_backoff_ended_when_callers_arrive_then_one_probes_and_the_rest_wait_for_it(
    governor, clock
):
    fail_once(governor, ProviderUnavailable(ERP, "down", 503))
    clock.advance(1)
    with governor.call(ERP, ACCOUNT):  # the probe, still running
        assert refusal(governor).retry_after == TEST_CONFIG.probe_seconds
    succeed_once(governor)  # the probe succeeded: full speed for everyone


def test_given_a_failed_probe_when_others_call_then_they_wait_out_the_next_backoff(governor, clock):
    fail_once(governor, ProviderUnavailable(ERP, "down", 503))
    clock.advance(1)
    with pytest.raises(ProviderUnavailable), governor.call(ERP, ACCOUNT):
        assert refusal(governor).retry_after == TEST_CONFIG.probe_seconds
        raise ProviderUnavailable(ERP, "still down", 503)
    assert refusal(governor).retry_after == 2


def test_given_a_probe_that_crashed_when_its_hold_ends_then_another_caller_probes(governor, clock):
    fail_once(governor, ProviderUnavailable(ERP, "down", 503))
    clock.advance(1)
    crashed = governor.call(ERP, ACCOUNT)
    crashed.__enter__()  # the prober's Lambda dies: no outcome is recorded
    clock.advance(TEST_CONFIG.probe_seconds)
    succeed_once(governor)
