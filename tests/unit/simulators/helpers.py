"""Helpers of the simulator tests: authenticated sessions and bounded concurrent calls."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from sluice.simulators import Simulator

TIMEOUT = (2.0, 5.0)


def session_for(simulator: Simulator) -> requests.Session:
    """A session carrying the simulator's bearer API key (if it has one)."""
    session = requests.Session()
    if simulator.settings.api_key is not None:
        session.headers["Authorization"] = f"Bearer {simulator.settings.api_key}"
    return session


def post(simulator: Simulator, path: str, body: Any, **headers: str) -> requests.Response:
    """One authenticated POST on a fresh connection."""
    with session_for(simulator) as session:
        return session.post(simulator.url + path, json=body, headers=headers, timeout=TIMEOUT)


def get(
    simulator: Simulator,
    path: str,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    """One authenticated GET on a fresh connection."""
    with session_for(simulator) as session:
        return session.get(simulator.url + path, params=params, headers=headers, timeout=TIMEOUT)


def run_concurrently(calls: list[Callable[[], Any]], workers: int) -> list[Any]:
    """Run the calls on `workers` threads; return their results in order."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result(timeout=10) for future in futures]
