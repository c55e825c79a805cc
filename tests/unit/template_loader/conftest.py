"""Fixtures for the template loader tests: inline templates on disk and a moto server."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from moto.server import ThreadedMotoServer

from sluice.template import TemplateModel, load_template
from sluice.template.aws_clients import AwsClients

ROOT = Path(__file__).resolve().parents[3]
REAL_TEMPLATE = ROOT / "template.yaml"


@pytest.fixture
def write_template(tmp_path: Path) -> Callable[[str], Path]:
    """Write an inline YAML template (dedented) to a temporary directory; return its path."""

    def write(text: str) -> Path:
        path = tmp_path / "template.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def load_yaml(write_template: Callable[[str], Path]) -> Callable[..., TemplateModel]:
    """Load an inline YAML template as stack `test`, with no samconfig."""

    def load(text: str, **options: Any) -> TemplateModel:
        options.setdefault("stack_name", "test")
        return load_template(write_template(text), **options)

    return load


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """The URL of an in-process moto server on a loopback port, shared by a test module."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def moto_clients(moto_endpoint: str) -> AwsClients:
    """boto3 clients aimed at the module's moto server (built once: clients are slow to make)."""
    return AwsClients.for_endpoint(moto_endpoint, "us-east-1")


@pytest.fixture
def aws(moto_endpoint: str, moto_clients: AwsClients) -> AwsClients:
    """boto3 clients aimed at a moto server whose state is empty at the start of the test."""
    requests.post(f"{moto_endpoint}/moto-api/reset", timeout=5).raise_for_status()
    return moto_clients
