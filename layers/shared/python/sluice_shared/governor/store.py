"""The governor's DynamoDB table: one state item and a few lease items per provider account.

Layout (partition key `pk` = `<provider>#<account>`, sort key `sk`):
- `sk = "state"`: `consecutiveErrors`, `nextAttemptAt`, `lastError`, `lastErrorAt`,
  `lastSuccessAt`, `watchingSince` (epoch seconds). When a backoff ends, the one caller that
  moves `nextAttemptAt` on (`claim_probe`) tries the account; the others wait for its outcome.
- `sk = "lease#NN"`: one per sync slot in use: `leaseId`, `expiresAt` (whole epoch seconds,
  also the table's TTL attribute, so forgotten leases are eventually deleted too).

Every write that decides who holds what is conditional; nothing is read-modify-written.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

STATE_SORT_KEY = "state"
LEASE_PREFIX = "lease#"
CONDITION_FAILED = "ConditionalCheckFailedException"


@dataclass(frozen=True)
class AccountState:
    """What the table knows about one provider account's health."""

    consecutive_errors: int = 0
    next_attempt_at: float | None = None
    last_success_at: float | None = None
    watching_since: float | None = None


@dataclass(frozen=True)
class Lease:
    """A sync slot held until `expires_at` unless released first."""

    integration: str
    slot: int
    lease_id: str
    expires_at: int


def _number(value: float) -> dict[str, str]:
    """A DynamoDB number attribute (milliseconds are enough)."""
    return {"N": f"{value:.3f}".rstrip("0").rstrip(".")}


def _read_number(item: dict[str, Any], name: str) -> float | None:
    """A number attribute of `item`, if present."""
    value = item.get(name)
    return float(value["N"]) if value else None


def _state_from(item: dict[str, Any]) -> AccountState:
    """The state item as an `AccountState` (an absent item is a healthy, unknown account)."""
    return AccountState(
        consecutive_errors=int(_read_number(item, "consecutiveErrors") or 0),
        next_attempt_at=_read_number(item, "nextAttemptAt"),
        last_success_at=_read_number(item, "lastSuccessAt"),
        watching_since=_read_number(item, "watchingSince"),
    )


def _slot_key(slot: int) -> str:
    """The sort key of lease slot `slot`."""
    return f"{LEASE_PREFIX}{slot:02d}"


def _condition_failed(error: ClientError) -> bool:
    """Whether a write was refused by its condition (someone else won)."""
    return error.response.get("Error", {}).get("Code") == CONDITION_FAILED


class GovernorTable:
    """Conditional reads and writes of the governor's items."""

    def __init__(self, table_name: str, client: BaseClient) -> None:
        self.table_name = table_name
        self._client = client

    def _key(self, integration: str, sort_key: str) -> dict[str, dict[str, str]]:
        """The primary key of one item."""
        return {"pk": {"S": integration}, "sk": {"S": sort_key}}

    def read_state(self, integration: str) -> AccountState:
        """The account's current state (strongly consistent)."""
        answer = self._client.get_item(
            TableName=self.table_name,
            Key=self._key(integration, STATE_SORT_KEY),
            ConsistentRead=True,
        )
        return _state_from(answer.get("Item", {}))

    def read_state_and_busy_slots(
        self, integration: str, now: float
    ) -> tuple[AccountState, set[int]]:
        """The account's state and the slots whose leases have not expired, in one query."""
        state = AccountState()
        busy: set[int] = set()
        for item in self._query(integration):
            sort_key = item["sk"]["S"]
            if sort_key == STATE_SORT_KEY:
                state = _state_from(item)
            elif sort_key.startswith(LEASE_PREFIX) and (_read_number(item, "expiresAt") or 0) > now:
                busy.add(int(sort_key.removeprefix(LEASE_PREFIX)))
        return state, busy

    def _query(self, integration: str) -> Iterator[dict[str, Any]]:
        """Every item of the account (a state item and at most one per slot)."""
        arguments: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": integration}},
            "ConsistentRead": True,
        }
        while True:
            page = self._client.query(**arguments)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def take_slot(self, lease: Lease, now: float) -> bool:
        """Write `lease` if its slot is free or its previous lease has expired."""
        try:
            self._client.put_item(
                TableName=self.table_name,
                Item={
                    **self._key(lease.integration, _slot_key(lease.slot)),
                    "leaseId": {"S": lease.lease_id},
                    "expiresAt": {"N": str(lease.expires_at)},
                },
                ConditionExpression="attribute_not_exists(pk) OR expiresAt <= :now",
                ExpressionAttributeValues={":now": _number(now)},
            )
        except ClientError as error:
            if _condition_failed(error):
                return False
            raise
        return True

    def free_slot(self, lease: Lease) -> bool:
        """Delete `lease` if it is still ours (an expired lease may have been taken over)."""
        try:
            self._client.delete_item(
                TableName=self.table_name,
                Key=self._key(lease.integration, _slot_key(lease.slot)),
                ConditionExpression="leaseId = :id",
                ExpressionAttributeValues={":id": {"S": lease.lease_id}},
            )
        except ClientError as error:
            if _condition_failed(error):
                return False
            raise
        return True

    def count_error(self, integration: str, error_name: str, now: float) -> int:
        """Add one to the account's consecutive errors; the new count."""
        answer = self._client.update_item(
            TableName=self.table_name,
            Key=self._key(integration, STATE_SORT_KEY),
            UpdateExpression="ADD consecutiveErrors :one "
            "SET lastError = :error, lastErrorAt = :now",
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":error": {"S": error_name},
                ":now": _number(now),
            },
            ReturnValues="UPDATED_NEW",
        )
        return int(answer["Attributes"]["consecutiveErrors"]["N"])

    def extend_backoff(
        self, integration: str, until: float, probe_hold: float | None = None
    ) -> None:
        """Hold the account until `until`, unless it is already held longer; a failed probe
        passes the hold it claimed (`probe_hold`), which its backoff replaces."""
        condition = "attribute_not_exists(nextAttemptAt) OR nextAttemptAt < :until"
        values = {":until": _number(until)}
        if probe_hold is not None:
            condition += " OR nextAttemptAt = :hold"
            values[":hold"] = _number(probe_hold)
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=self._key(integration, STATE_SORT_KEY),
                UpdateExpression="SET nextAttemptAt = :until",
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if not _condition_failed(error):
                raise

    def claim_probe(self, integration: str, now: float, hold_until: float) -> bool:
        """Be the one caller to try an account whose backoff has ended: hold everyone else
        until `hold_until` (the probe's outcome resets or extends the hold sooner). False when
        the backoff has not ended or another caller claimed the probe first."""
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=self._key(integration, STATE_SORT_KEY),
                UpdateExpression="SET nextAttemptAt = :hold",
                ConditionExpression="nextAttemptAt <= :now",
                ExpressionAttributeValues={":hold": _number(hold_until), ":now": _number(now)},
            )
        except ClientError as error:
            if not _condition_failed(error):
                raise
            return False
        return True

    def record_success(self, integration: str, now: float) -> None:
        """Note a success: full speed again (no errors, no hold) and `lastSuccessAt`."""
        self._client.update_item(
            TableName=self.table_name,
            Key=self._key(integration, STATE_SORT_KEY),
            UpdateExpression="SET lastSuccessAt = :now, consecutiveErrors = :zero "
            "REMOVE nextAttemptAt",
            ExpressionAttributeValues={":now": _number(now), ":zero": {"N": "0"}},
        )

    def watch(self, integration: str, now: float) -> AccountState:
        """The account's state, marking when the dead man's switch first looked at it."""
        answer = self._client.update_item(
            TableName=self.table_name,
            Key=self._key(integration, STATE_SORT_KEY),
            UpdateExpression="SET watchingSince = if_not_exists(watchingSince, :now)",
            ExpressionAttributeValues={":now": _number(now)},
            ReturnValues="ALL_NEW",
        )
        return _state_from(answer["Attributes"])
