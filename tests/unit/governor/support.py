"""Test helpers for the governor: a fake clock and a moto-backed governor table."""

import boto3

from sluice_shared.governor import GovernorTable
from tests.fixtures.aws import GOVERNOR_TABLE_NAME
from tests.fixtures.aws import create_governor_table as create_template_governor_table

START = 1_800_000_000.0


class FakeClock:
    """A clock that only moves when told to (or when something sleeps on it)."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        """The current fake time."""
        return self.now

    def time(self) -> float:
        """The current fake time (as a `sluice_shared.clock.TimeSource`)."""
        return self.now

    def monotonic(self) -> float:
        """The current fake time, as a counter."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        """Record the wait and move time forward by it, instantly."""
        self.sleeps.append(seconds)
        self.now += seconds


def create_governor_table(table_name: str = GOVERNOR_TABLE_NAME) -> GovernorTable:
    """The governor table as template.yaml defines it, and the store on it."""
    create_template_governor_table(table_name)
    return GovernorTable(table_name, boto3.client("dynamodb"))
