"""The local cloud: the suite's template, state machines and handlers running on one machine."""

from sluice.cloud.local_cloud import LocalCloud
from sluice.cloud.settings import CloudSettings

__all__ = ["CloudSettings", "LocalCloud"]
