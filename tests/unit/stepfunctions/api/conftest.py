"""Fixtures of the Step Functions API tests: a test double of the service and a running server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sluice.stepfunctions.http import StepFunctionsServer
from tests.unit.stepfunctions.api.fake_service import FakeStepFunctionsService


@pytest.fixture
def fake_service() -> FakeStepFunctionsService:
    """A fresh test double of the service."""
    return FakeStepFunctionsService()


@pytest.fixture
def server(fake_service: FakeStepFunctionsService) -> Iterator[StepFunctionsServer]:
    """The HTTP API serving the test double on an ephemeral loopback port."""
    with StepFunctionsServer(fake_service) as running:
        yield running
