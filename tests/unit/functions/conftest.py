"""Fixtures for the Lambda handler tests: mocked AWS resources and a fake HTTP provider."""

import pytest

from tests.fixtures.aws import aws_resources, reset_caches
from tests.fixtures.provider_server import provider_server

__all__ = ["aws_resources", "provider_server"]


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    """Start every test without clients, settings or loggers cached by an earlier test."""
    reset_caches()
