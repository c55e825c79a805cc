"""Helpers for the Lambda runtime tests: handler functions and bounded polling."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sluice.clock import VirtualClock
from sluice.lambda_runtime import FunctionConfig, InvocationResult, LambdaRuntime

HANDLERS = Path(__file__).parent / "handlers"
PROBE_LAYER = (HANDLERS / "probe_layer" / "python").resolve()


def function(name: str, code: str, **settings: Any) -> FunctionConfig:
    """A function whose code is `handlers/<code>`, with the probe layer."""
    return FunctionConfig(
        name=name, code_dir=HANDLERS / code, layer_dirs=(PROBE_LAYER,), **settings
    )


def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll `condition` every few milliseconds for up to `timeout` real seconds."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.005)):
        if condition():
            return True
        pause.wait(0.005)
    return condition()


def invoke_while_advancing(
    runtime: LambdaRuntime, clock: VirtualClock, reference: str, payload: Any, step: float = 0.5
) -> InvocationResult:
    """Invoke on another thread, moving the virtual clock `step` s every few ms until it returns."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(runtime.invoke, reference, payload)
        for _ in range(1000):
            try:
                return future.result(timeout=0.003)
            except TimeoutError:
                clock.advance(step)
        return future.result(timeout=5)
