"""Fixtures for the governor tests: a mocked governor table, a fake clock, a governor."""

import random
from collections.abc import Iterator

import pytest
from moto import mock_aws

from sluice_shared.governor import Governor, GovernorConfig, GovernorTable
from tests.fixtures.aws import aws_resources, reset_caches
from tests.fixtures.provider_server import provider_server
from tests.unit.governor.support import FakeClock, create_governor_table

__all__ = ["aws_resources", "provider_server"]

TEST_CONFIG = GovernorConfig(
    tolerated_errors=0,
    backoff_base_seconds=1.0,
    backoff_cap_seconds=60.0,
    lease_seconds=120,
    max_wait_seconds=10.0,
    poll_seconds=1.0,
    success_record_seconds=60.0,
)


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """No client, setting or governor cached by an earlier test."""
    reset_caches()
    yield
    reset_caches()


@pytest.fixture
def table() -> Iterator[GovernorTable]:
    """An empty governor table in a mocked account."""
    with mock_aws():
        yield create_governor_table()


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock the governor reads and sleeps on."""
    return FakeClock()


@pytest.fixture
def governor(table: GovernorTable, clock: FakeClock) -> Governor:
    """A governor on the mocked table, driven by the fake clock."""
    return Governor(table, TEST_CONFIG, clock=clock, sleep=clock.sleep, rng=random.Random(7))
