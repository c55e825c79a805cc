"""Perform a request once per idempotency key: a duplicate delivery returns the saved result.

Keyed by the envelope's provider, operation and `idempotencyKey` (Powertools idempotency on
DynamoDB). The provider request carries the same key as its `Idempotency-Key`, which also
covers a duplicate arriving after the record expired.
https://docs.powertools.aws.dev/lambda/python/latest/utilities/idempotency/
"""

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.client import BaseClient

from sluice_shared.dispatch.envelope import RequestEnvelope

KEY_PREFIX = "sluice.dispatch"
KEY_PATH = "[provider, operation, idempotencyKey]"
EXPIRES_AFTER_SECONDS = 24 * 60 * 60
_REQUEST_ARGUMENT = "request"


class OnceRunner:
    """Runs a request's work at most once per key, saving its JSON result."""

    def __init__(
        self, table_name: str, client: BaseClient, context: LambdaContext | None = None
    ) -> None:
        self._table_name = table_name
        self._client = client
        self._context = context

    @property
    def table_name(self) -> str:
        """The idempotency table's name."""
        return self._table_name

    @property
    def client(self) -> BaseClient:
        """The DynamoDB client it reaches the table with."""
        return self._client

    def run(self, request: RequestEnvelope, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """`work()`'s result: computed on the first delivery, the saved one on a duplicate.

        A duplicate that arrives while the first is still running raises Powertools'
        `IdempotencyAlreadyInProgressError`: the message is retried later.
        """
        # Built per request: Powertools' config and persistence layer keep per-call state,
        # and the dispatcher runs a batch's requests on several threads.
        config = IdempotencyConfig(
            event_key_jmespath=KEY_PATH,
            raise_on_no_idempotency_key=True,
            expires_after_seconds=EXPIRES_AFTER_SECONDS,
        )
        if self._context is not None:
            config.register_lambda_context(self._context)
        persistence = DynamoDBPersistenceLayer(
            table_name=self._table_name, boto3_client=self._client
        )

        def perform(request: dict[str, Any]) -> dict[str, Any]:
            return work()

        once: Callable[..., dict[str, Any]] = idempotent_function(
            perform,
            data_keyword_argument=_REQUEST_ARGUMENT,
            persistence_store=persistence,
            config=config,
            key_prefix=KEY_PREFIX,
        )
        return once(request=request.to_json())
