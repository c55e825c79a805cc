"""Perform a request once per account and idempotency key: a duplicate returns the saved result.

Keyed by the envelope's provider, operation and `idempotencyKey` (Powertools idempotency on
DynamoDB), and by its account when it names one other than the provider's default: the key's
provider is then `<provider>#<account>` (provider and account names hold no `#`), so two
accounts' requests with the same `idempotencyKey` are two requests. A request naming no account
and one naming the default account are one request: the same account, API key and
`Idempotency-Key` reach the provider, which would take them for one anyway. Their key is the
one used before accounts were part of it, so records written before a deploy (they live 24 h)
still catch a duplicate delivered after it.

The provider request carries the key as its `Idempotency-Key` (`for_provider`), which also
covers a duplicate arriving after the record expired: `<account>#<idempotencyKey>` for a named
account other than the default, since a provider may keep one key store for all its accounts
(the ERP simulator does, and refuses a key reused with another path).
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
from sluice_shared.governor import integration_key

KEY_PREFIX = "sluice.dispatch"
KEY_PATH = "[provider, operation, idempotencyKey]"
EXPIRES_AFTER_SECONDS = 24 * 60 * 60
_REQUEST_ARGUMENT = "request"


def for_provider(request: RequestEnvelope, account: str | None) -> RequestEnvelope:
    """`request` as its operation sends it: for a named `account` other than the provider's
    default (None: the default), its `idempotencyKey` becomes `<account>#<idempotencyKey>`."""
    if account is None:
        return request
    return request.model_copy(update={"idempotency_key": f"{account}#{request.idempotency_key}"})


def _key_fields(request: RequestEnvelope, account: str | None) -> dict[str, str]:
    """What the record's key is made of (`KEY_PATH`): provider, operation, `idempotencyKey`,
    the provider as `<provider>#<account>` for a named `account` other than the default."""
    provider = request.provider if account is None else integration_key(request.provider, account)
    return {
        "provider": provider,
        "operation": request.operation,
        "idempotencyKey": request.idempotency_key,
    }


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

    def run(
        self,
        request: RequestEnvelope,
        work: Callable[[], dict[str, Any]],
        account: str | None = None,
    ) -> dict[str, Any]:
        """`work()`'s result: computed on the first delivery, the saved one on a duplicate.

        `account` is the request's account when it is not the provider's default (None: the
        default). A duplicate that arrives while the first is still running raises Powertools'
        `IdempotencyAlreadyInProgressError`; the first's record expires in progress when its
        invocation ends (the Lambda context registered here), so a copy received after that
        performs the request if the first never finished.
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

        def perform(request: dict[str, str]) -> dict[str, Any]:
            return work()

        once: Callable[..., dict[str, Any]] = idempotent_function(
            perform,
            data_keyword_argument=_REQUEST_ARGUMENT,
            persistence_store=persistence,
            config=config,
            key_prefix=KEY_PREFIX,
        )
        return once(request=_key_fields(request, account))
