"""Helpers for the Lambda runtime tests: handler functions and bounded polling."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sluice.lambda_runtime import FunctionConfig

HANDLERS = Path(__file__).parent / "handlers"
PROBE_LAYER = (HANDLERS / "probe_layer" / "python").resolve()


def function(name: str, code: str, **settings: Any) -> FunctionConfig:
    """A function whose code is `handlers/<code>`, with the probe layer."""
    return FunctionConfig(
        name=name, code_dir=HANDLERS / code, layer_dirs=(PROBE_LAYER,), **settings
    )


def eventually(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    """Poll `condition` every few milliseconds for up to `timeout` real seconds."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.005)):
        if condition():
            return True
        pause.wait(0.005)
    return condition()
