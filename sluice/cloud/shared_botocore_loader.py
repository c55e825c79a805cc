"""One botocore data loader for every boto3 session in the local cloud's process.

Each botocore session builds its own `Loader`, which lists botocore's ~400 service directories
(a stat of each) and parses a service's JSON model the first time a client of it is made. On
Lambda every execution environment pays that once, in its own process, at cold start. The
local cloud runs every function's environments in one process, where Powertools' parameter
and secret providers make a session per provider: when 25 dispatcher environments start at
once, 25 copies of that work queue for the one Python core (about 10 s before the first
provider call in `bench_dispatch.py`). The loader's data (service models, endpoints) is read
only and the same for every session, so sessions share one loader per data path here.
`install_shared_loader` is idempotent and process-wide.
"""

from __future__ import annotations

import functools

import botocore.session
from botocore.loaders import Loader, create_loader


@functools.cache
def _shared_loader(search_path_string: str | None = None) -> Loader:
    """The process's loader for a data path (`AWS_DATA_PATH`)."""
    return create_loader(search_path_string)


def install_shared_loader() -> None:
    """Make every botocore session created from now on use the shared loader."""
    botocore.session.create_loader = _shared_loader  # type: ignore[attr-defined]
