"""Fixtures of the simulator tests: a virtual clock and simulators started on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sluice.clock import VirtualClock
from sluice.simulators import (
    ErpSimulator,
    PaymentGatewaySimulator,
    SlackSimulator,
    StorefrontSimulator,
    WarehouseSimulator,
)


@pytest.fixture
def clock() -> VirtualClock:
    """Time that moves only when a simulator sleeps or a test advances it."""
    return VirtualClock()


@pytest.fixture
def erp(clock: VirtualClock) -> Iterator[ErpSimulator]:
    """A running ERP simulator with default settings."""
    with ErpSimulator(clock=clock) as simulator:
        yield simulator


@pytest.fixture
def warehouse(clock: VirtualClock) -> Iterator[WarehouseSimulator]:
    """A running warehouse simulator with default settings."""
    with WarehouseSimulator(clock=clock) as simulator:
        yield simulator


@pytest.fixture
def storefront(clock: VirtualClock) -> Iterator[StorefrontSimulator]:
    """A running storefront simulator with default settings."""
    with StorefrontSimulator(clock=clock) as simulator:
        yield simulator


@pytest.fixture
def payments(clock: VirtualClock) -> Iterator[PaymentGatewaySimulator]:
    """A running payment gateway simulator with default settings."""
    with PaymentGatewaySimulator(clock=clock) as simulator:
        yield simulator


@pytest.fixture
def slack(clock: VirtualClock) -> Iterator[SlackSimulator]:
    """A running Slack sink with default settings."""
    with SlackSimulator(clock=clock) as simulator:
        yield simulator
