"""Fixtures for the inventory tests."""

from tests.fixtures.provider_server import provider_server
from tests.unit.inventory.support import inventory_world

__all__ = ["inventory_world", "provider_server"]
