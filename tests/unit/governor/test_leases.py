"""Sync-budget leases: at most N calls hold a slot; expired leases come back; waits are bounded.

A lease ends with its holder's invocation (plus a grace), since a timed-out Lambda releases nothing.
"""

import contextlib
import random
from collections.abc import Iterator

import pytest

from sluice_shared import clock as shared_clock
from sluice_shared import invocation
from sluice_shared.governor import Governor, GovernorSaturated, ProviderBackoff, integration_key
from sluice_shared.providers.errors import ProviderThrottled, ProviderUnavailable
from tests.unit.governor.conftest import TEST_CONFIG
from tests.unit.governor.support import START

ERP = "erp"
ACCOUNT = "acme"


def test_given_free_slots_when_calls_overlap_then_each_holds_its_own_slot(governor, table):
    with contextlib.ExitStack() as held:
        for _ in range(3):
            held.enter_context(governor.call(ERP, ACCOUNT, slots=3))
        _, busy = table.read_state_and_busy_slots(integration_key(ERP, ACCOUNT), START)
    assert busy == {0, 1, 2}


def test_given_a_finished_call_when_it_leaves_then_its_slot_is_free(governor, table):
    with governor.call(ERP, ACCOUNT, slots=1):
        pass
    _, busy = table.read_state_and_busy_slots(integration_key(ERP, ACCOUNT), START)
    assert busy == set()


def test_given_a_failed_call_when_it_leaves_then_its_slot_is_free(governor, table, clock):
    with pytest.raises(ProviderUnavailable), governor.call(ERP, ACCOUNT, slots=1):
        raise ProviderUnavailable(ERP, "down", 503)
    _, busy = table.read_state_and_busy_slots(integration_key(ERP, ACCOUNT), clock())
    assert busy == set()


def test_given_every_slot_taken_when_calling_then_it_waits_and_gives_up_saturated(governor, clock):
    with governor.call(ERP, ACCOUNT, slots=1):
        started = clock()
        with pytest.raises(GovernorSaturated) as saturated, governor.call(ERP, ACCOUNT, slots=1):
            pytest.fail("no slot should have been free")
    assert clock() - started == pytest.approx(10.0)
    assert len(clock.sleeps) > 1
    assert all(0 < pause <= 1.0 for pause in clock.sleeps)
    assert isinstance(saturated.value, ProviderThrottled)
    assert saturated.value.retry_after == 5


def test_given_a_slot_freed_during_the_wait_when_polling_then_the_waiter_gets_it(
    governor, table, clock
):
    holder = governor.call(ERP, ACCOUNT, slots=1)
    holder.__enter__()

    def sleep_then_release(seconds: float) -> None:
        clock.sleep(seconds)
        holder.__exit__(None, None, None)

    waiter = Governor(
        table, TEST_CONFIG, clock=clock, sleep=sleep_then_release, rng=random.Random(1)
    )
    with waiter.call(ERP, ACCOUNT, slots=1):
        _, busy = table.read_state_and_busy_slots(integration_key(ERP, ACCOUNT), clock())
    assert busy == {0}
    assert len(clock.sleeps) == 1


def test_given_a_crashed_holder_when_its_lease_expires_then_the_slot_is_reclaimed(governor, clock):
    crashed = governor.call(ERP, ACCOUNT, slots=1)
    crashed.__enter__()  # the Lambda dies here: no __exit__, the lease is never released
    clock.advance(120)
    with governor.call(ERP, ACCOUNT, slots=1):
        assert clock.sleeps == []


def test_given_a_crashed_holder_when_its_lease_is_still_live_then_the_slot_stays_taken(
    governor, clock
):
    crashed = governor.call(ERP, ACCOUNT, slots=1)
    crashed.__enter__()
    clock.advance(60)
    with pytest.raises(GovernorSaturated), governor.call(ERP, ACCOUNT, slots=1):
        pytest.fail("the live lease should still hold the slot")


class _Context:
    """A Lambda context with `remaining` seconds left."""

    def __init__(self, remaining: float) -> None:
        self._remaining = remaining

    def get_remaining_time_in_millis(self) -> int:
        return int(self._remaining * 1000)


@pytest.fixture
def shared_clock_is_fake(clock) -> Iterator[None]:
    """The shared layer's clock (which stamps invocation deadlines) is the fake clock."""
    previous = shared_clock.install(clock)
    yield
    shared_clock.install(previous)


@pytest.mark.usefixtures("shared_clock_is_fake")
def test_given_a_holder_timed_out_when_its_invocation_ends_then_its_slot_frees_then(
    governor, clock
):
    with invocation.running(_Context(remaining=30)):
        timed_out = governor.call(ERP, ACCOUNT, slots=1)
        timed_out.__enter__()  # Lambda stops the invocation at its timeout: no __exit__ runs
    ends = clock() + 30 + TEST_CONFIG.lease_grace_seconds
    clock.advance(25)
    with governor.call(ERP, ACCOUNT, slots=1):
        assert ends - TEST_CONFIG.poll_seconds <= clock() <= ends + TEST_CONFIG.poll_seconds
        assert clock() < START + TEST_CONFIG.lease_seconds


@pytest.mark.usefixtures("shared_clock_is_fake")
def test_given_a_long_invocation_when_its_holder_crashes_then_lease_seconds_bound_the_slot(
    governor, table, clock
):
    integration = integration_key(ERP, ACCOUNT)
    with invocation.running(_Context(remaining=900)):
        crashed = governor.call(ERP, ACCOUNT, slots=1)
        crashed.__enter__()
    assert table.read_state_and_busy_slots(integration, START + 119)[1] == {0}
    assert table.read_state_and_busy_slots(integration, START + 120)[1] == set()


def test_given_an_expired_lease_taken_over_when_the_old_holder_releases_then_the_new_one_keeps_it(
    governor, table, clock
):
    slow = governor.call(ERP, ACCOUNT, slots=1)
    slow.__enter__()
    clock.advance(120)
    with governor.call(ERP, ACCOUNT, slots=1):
        slow.__exit__(None, None, None)
        _, busy = table.read_state_and_busy_slots(integration_key(ERP, ACCOUNT), clock())
        assert busy == {0}


def test_given_slots_of_one_account_taken_when_another_account_calls_then_it_gets_a_slot(
    governor, clock
):
    with governor.call(ERP, "busy", slots=1), governor.call(ERP, "quiet", slots=1):
        assert clock.sleeps == []


def test_given_an_account_backing_off_when_waiting_for_a_slot_then_it_stops_waiting(
    governor, clock
):
    with pytest.raises(ProviderUnavailable), governor.call(ERP, ACCOUNT, slots=2):
        raise ProviderUnavailable(ERP, "down", 503)
    with pytest.raises(ProviderBackoff), governor.call(ERP, ACCOUNT, slots=2):
        pytest.fail("the account is backing off")
    assert clock.sleeps == []
