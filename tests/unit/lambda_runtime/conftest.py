"""Fixtures for the Lambda runtime tests: a runtime on a scaled clock and the handler probe."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

from sluice.clock import ScaledClock, VirtualClock
from sluice.lambda_runtime import LambdaRuntime, environment
from tests.unit.lambda_runtime.support import PROBE_LAYER

SCALE = 100


@pytest.fixture
def probe() -> Iterator[ModuleType]:
    """The `lambda_probe` layer module, reset, as handlers see it."""
    if str(PROBE_LAYER) not in sys.path:
        sys.path.append(str(PROBE_LAYER))
    import lambda_probe

    lambda_probe.reset()
    yield lambda_probe
    lambda_probe.reset()


@pytest.fixture
def runtime() -> Iterator[LambdaRuntime]:
    """A runtime on a clock 100 times faster than real time."""
    lambda_runtime = LambdaRuntime(clock=ScaledClock(SCALE))
    yield lambda_runtime
    lambda_runtime.close()


@pytest.fixture
def virtual_clock() -> VirtualClock:
    """A clock that moves only when the test advances it."""
    return VirtualClock()


@pytest.fixture
def virtual_runtime(virtual_clock: VirtualClock) -> Iterator[LambdaRuntime]:
    """A runtime on the virtual clock: timeouts fire exactly when the test says."""
    lambda_runtime = LambdaRuntime(clock=virtual_clock)
    yield lambda_runtime
    lambda_runtime.close()


@pytest.fixture(autouse=True)
def _original_environ() -> Iterator[None]:
    """Undo `os.environ`'s replacement after a test that made it (runtimes replace it)."""
    installed_before = isinstance(os.environ, environment.ContextualEnviron)
    yield
    if not installed_before:
        environment.uninstall()
