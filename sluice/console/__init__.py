"""The local console: executions by workflow and status, their steps, redrive and re-run.

`sluice up` serves it on loopback. It reads and acts through the Step Functions API only.
"""

from sluice.console.server import ConsoleServer

__all__ = ["ConsoleServer"]
