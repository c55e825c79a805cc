"""End-to-end fixtures: each module brings up its own `cloud`; `orders` drives it, `alerts`
watches Slack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sluice.cloud.local_cloud import LocalCloud
from tests.workflows.slack_alerts import Alerts
from tests.workflows.support import OrdersDriver


@pytest.fixture
def orders(cloud: LocalCloud) -> Iterator[OrdersDriver]:
    """A driver with its own order ids; afterwards async work is settled and simulators reset."""
    driver = OrdersDriver(cloud)
    yield driver
    driver.settle()


@pytest.fixture
def alerts(cloud: LocalCloud, orders: OrdersDriver) -> Iterator[Alerts]:
    """Slack as the notifier leaves it; drained before the next test resets the simulators."""
    watcher = Alerts(cloud)
    yield watcher
    watcher.drained()
