"""Fixtures for end-to-end tests: each module brings up its own `cloud`; `orders` drives it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sluice.cloud.local_cloud import LocalCloud
from tests.workflows.support import OrdersDriver


@pytest.fixture
def orders(cloud: LocalCloud) -> Iterator[OrdersDriver]:
    """A driver with its own order ids; afterwards async work is settled and simulators reset."""
    driver = OrdersDriver(cloud)
    yield driver
    driver.settle()
