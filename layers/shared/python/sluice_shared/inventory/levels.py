"""The last inventory level sent to the storefront per SKU (DynamoDB, partition key `sku`).

A level is recorded when its request is queued (after the message is sent, never before:
a level recorded but never queued would look unchanged forever). Requests that end in the
storefront queue's DLQ are redriven from there.
"""

from collections.abc import Callable, Iterator, Sequence

from botocore.client import BaseClient

from sluice_shared import clock as shared_clock
from sluice_shared.inventory.errors import LevelsTableBusy
from sluice_shared.inventory.rows import InventoryLevel

# DynamoDB's limits per BatchGetItem and BatchWriteItem call.
MAX_GET_KEYS = 100
MAX_WRITE_ITEMS = 25
# Unprocessed keys are asked for again with a growing pause, this many times at most.
MAX_UNPROCESSED_ROUNDS = 6
FIRST_PAUSE_SECONDS = 0.05

Sleep = Callable[[float], None]


def chunks(items: Sequence[InventoryLevel], size: int) -> Iterator[Sequence[InventoryLevel]]:
    """`items` in consecutive slices of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class LevelsTable:
    """Reads and records levels in batches, retrying what DynamoDB leaves unprocessed."""

    def __init__(
        self, client: BaseClient, table_name: str, sleep: Sleep = shared_clock.sleep
    ) -> None:
        self._client = client
        self._table_name = table_name
        self._sleep = sleep

    def last_sent(self, skus: Sequence[str]) -> dict[str, int]:
        """The recorded level of each of `skus` that has one (at most 100 per call)."""
        keys = [{"sku": {"S": sku}} for sku in dict.fromkeys(skus)]
        request = {
            self._table_name: {
                "Keys": keys,
                "ProjectionExpression": "sku, #available",
                "ExpressionAttributeNames": {"#available": "available"},
                "ConsistentRead": True,
            }
        }
        found: dict[str, int] = {}
        for round_number in range(MAX_UNPROCESSED_ROUNDS):
            answer = self._client.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(self._table_name, []):
                found[item["sku"]["S"]] = int(item["available"]["N"])
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                return found
            self._sleep(FIRST_PAUSE_SECONDS * 2**round_number)
        raise LevelsTableBusy(f"{self._table_name}: keys still unprocessed after retries")

    def record_sent(self, levels: Sequence[InventoryLevel], run_key: str, sent_at: str) -> None:
        """Record `levels` as the last sent, by `run_key` at `sent_at`."""
        for chunk in chunks(levels, MAX_WRITE_ITEMS):
            self._write(
                [
                    {
                        "PutRequest": {
                            "Item": {
                                "sku": {"S": level.sku},
                                "available": {"N": str(level.available)},
                                "runKey": {"S": run_key},
                                "sentAt": {"S": sent_at},
                            }
                        }
                    }
                    for level in chunk
                ]
            )

    def _write(self, requests: list[dict[str, object]]) -> None:
        """One BatchWriteItem, repeated for unprocessed items."""
        pending = {self._table_name: requests}
        for round_number in range(MAX_UNPROCESSED_ROUNDS):
            answer = self._client.batch_write_item(RequestItems=pending)
            pending = answer.get("UnprocessedItems") or {}
            if not pending:
                return
            self._sleep(FIRST_PAUSE_SECONDS * 2**round_number)
        raise LevelsTableBusy(f"{self._table_name}: writes still unprocessed after retries")
