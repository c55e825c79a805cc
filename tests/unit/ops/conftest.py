"""Fixtures of the operations tests: the notifier's resources on moto."""

from collections.abc import Iterator

import pytest
from moto import mock_aws

from sluice_shared import settings
from tests.fixtures.aws import reset_caches
from tests.unit.ops.notifier_support import ALERTS_TABLE, OPS_TABLE, Setup, create_resources


@pytest.fixture
def setup(monkeypatch: pytest.MonkeyPatch) -> Iterator[Setup]:
    """The alerts table, the ops failures table and the alerts queue, on moto."""
    reset_caches()
    with mock_aws():
        monkeypatch.setenv(settings.ALERTS_TABLE_NAME, ALERTS_TABLE)
        monkeypatch.setenv(settings.OPS_FAILURES_TABLE_NAME, OPS_TABLE)
        yield create_resources()
    reset_caches()
