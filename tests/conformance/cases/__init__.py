"""Every conformance case, one module per feature area."""

from __future__ import annotations

from ..case import Case
from . import (
    data_flow,
    definitions,
    integrations,
    intrinsics,
    jsonata_variables,
    map_distributed,
    map_inline,
    parallel,
    pass_choice,
    redrive,
    retry_catch,
    wait,
)

_MODULES = (
    pass_choice,
    wait,
    data_flow,
    intrinsics,
    retry_catch,
    parallel,
    map_inline,
    map_distributed,
    jsonata_variables,
    integrations,
    definitions,
    redrive,
)

CASES: tuple[Case, ...] = tuple(case for module in _MODULES for case in module.CASES)
