"""Test helpers for the governor: a fake clock and a moto-backed governor table."""

import boto3

from sluice_shared.governor import GovernorTable

GOVERNOR_TABLE_NAME = "sluice-test-GovernorTable"
START = 1_800_000_000.0


class FakeClock:
    """A clock that only moves when told to (or when something sleeps on it)."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        """The current fake time."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        """Record the wait and move time forward by it, instantly."""
        self.sleeps.append(seconds)
        self.now += seconds


def create_governor_table(table_name: str = GOVERNOR_TABLE_NAME) -> GovernorTable:
    """The governor table as template.yaml defines it: `pk` + `sk`, TTL on `expiresAt`."""
    client = boto3.client("dynamodb")
    client.create_table(
        TableName=table_name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiresAt"},
    )
    return GovernorTable(table_name, client)
