"""Remember that a provider rejected a message for good, so its later receives do not ask again.

A request without a task token that the provider rejects permanently (`ProviderRejected`) is
poison: it stays on the queue until SQS's redrive policy moves it to the DLQ after
maxReceiveCount receives. Asking the provider on each of those receives would only repeat the
rejection, so the first rejection is written to the idempotency table under the message's id
(the key of no Powertools record) with the receive that saw it, the error and its reason; a
later receive of the same message finds it and is poison again without a provider call.

Keyed by message id, not by idempotency key: a duplicate of the request (another message) or
a message redriven from the DLQ once the data is fixed (a new message, with a new id) asks the
provider again. Only receives later than the remembered one use the memory, so a message that
came back under its old id with its receive count reset would be asked again too. The memory
expires with the idempotency records (the table's TTL attribute `expiration`); an expired
item is ignored before DynamoDB's TTL gets round to deleting it.
"""

from dataclasses import dataclass

from botocore.client import BaseClient

from sluice_shared import clock
from sluice_shared.dispatch.idempotency import EXPIRES_AFTER_SECONDS, KEY_PREFIX

KEY_FORMAT = KEY_PREFIX + ".rejected#{message_id}"
_KEY = "id"
_EXPIRATION = "expiration"


@dataclass(frozen=True)
class Rejection:
    """A provider's permanent rejection of a message, seen at receive `receive_count`."""

    receive_count: int
    error_type: str
    reason: str


class RejectionMemory:
    """Rejections by SQS message id, in the idempotency table."""

    def __init__(
        self,
        table_name: str,
        client: BaseClient,
        expires_after_seconds: int = EXPIRES_AFTER_SECONDS,
    ) -> None:
        self._table_name = table_name
        self._client = client
        self._expires_after_seconds = expires_after_seconds

    def remember(self, message_id: str, rejection: Rejection) -> None:
        """Write down that the provider rejected `message_id` for good."""
        expiration = int(clock.time()) + self._expires_after_seconds
        self._client.put_item(
            TableName=self._table_name,
            Item={
                _KEY: {"S": KEY_FORMAT.format(message_id=message_id)},
                _EXPIRATION: {"N": str(expiration)},
                "receiveCount": {"N": str(rejection.receive_count)},
                "errorType": {"S": rejection.error_type},
                "reason": {"S": rejection.reason},
            },
        )

    def recall(self, message_id: str, receive_count: int) -> Rejection | None:
        """The rejection an earlier receive of `message_id` saw, if any (and not expired)."""
        if receive_count <= 1:
            return None
        item = self._client.get_item(
            TableName=self._table_name,
            Key={_KEY: {"S": KEY_FORMAT.format(message_id=message_id)}},
            ConsistentRead=True,
        ).get("Item")
        if item is None or int(item[_EXPIRATION]["N"]) <= clock.time():
            return None
        rejection = Rejection(
            receive_count=int(item["receiveCount"]["N"]),
            error_type=item["errorType"]["S"],
            reason=item["reason"]["S"],
        )
        return rejection if rejection.receive_count < receive_count else None
