"""Fixtures for the event source tests: moto on loopback, a scaled clock it follows, a runtime."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from sluice.clock import ScaledClock
from sluice.event_sources import SqsClockPatch, SqsEventSourceConfig, SqsEventSourceMapping
from sluice.lambda_runtime import LambdaRuntime, environment
from tests.unit.lambda_runtime.support import PROBE_LAYER

SCALE = 100


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """An in-process moto server on loopback."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def clock() -> Iterator[ScaledClock]:
    """A clock 100 times faster than real time, which moto's SQS follows during the test."""
    scaled = ScaledClock(SCALE)
    with SqsClockPatch(scaled):
        yield scaled


@pytest.fixture
def sqs(moto_url: str) -> Any:
    """A boto3 SQS client for the moto server."""
    return boto3.client("sqs", endpoint_url=moto_url, region_name="us-east-1")


@pytest.fixture
def probe() -> Iterator[ModuleType]:
    """The `lambda_probe` layer module, reset."""
    if str(PROBE_LAYER) not in sys.path:
        sys.path.append(str(PROBE_LAYER))
    import lambda_probe

    lambda_probe.reset()
    yield lambda_probe
    lambda_probe.reset()


@pytest.fixture
def runtime(clock: ScaledClock) -> Iterator[LambdaRuntime]:
    """A Lambda runtime on the test's clock."""
    installed_before = isinstance(os.environ, environment.ContextualEnviron)
    lambda_runtime = LambdaRuntime(clock=clock)
    yield lambda_runtime
    lambda_runtime.close()
    if not installed_before:
        environment.uninstall()


@pytest.fixture
def mapping_factory(sqs: Any, runtime: LambdaRuntime, clock: ScaledClock) -> Iterator[Any]:
    """Builds mappings on the test's client, runtime and clock; stops them afterwards."""
    created: list[SqsEventSourceMapping] = []

    def make(config: SqsEventSourceConfig, **settings: Any) -> SqsEventSourceMapping:
        mapping = SqsEventSourceMapping(config, sqs, runtime, clock, **settings)
        created.append(mapping)
        return mapping

    yield make
    for mapping in created:
        mapping.stop(5)
