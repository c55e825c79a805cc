"""Run a step's side effect once per business key (Powertools idempotency on DynamoDB).

Records expire, so provider requests also carry an Idempotency-Key: the key protects a
duplicate that arrives after the record is gone.
https://docs.powertools.aws.dev/lambda/python/latest/utilities/idempotency/
"""

from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import (
    PydanticSerializer,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from sluice_shared import settings
from sluice_shared.aws import dynamodb_client
from sluice_shared.observability import count, get_logger

EXPIRES_AFTER_SECONDS = 24 * 60 * 60
# The step input is passed as this keyword; its `business_key` is what is hashed.
STEP_ARGUMENT = "step"
BUSINESS_KEY_PATH = "business_key"

Result = TypeVar("Result", bound=BaseModel)


def _replayed(response: Any, record: DataRecord) -> Any:
    """Count and log a repeat that got the saved result instead of running again."""
    count("IdempotentReplays")
    get_logger().info("side effect already done; returning its saved result")
    return response


def once_per_business_key(
    function: Callable[..., Result],
    *,
    key_prefix: str,
    result_model: type[Result],
    context: LambdaContext | None,
    table_name: str | None = None,
) -> Callable[..., Result]:
    """`function`, made to run once per `step.business_key`; repeats return the saved result.

    Built per invocation (cheap) because Powertools' config and persistence layer hold
    per-invocation state: the registered Lambda context lets the in-progress record of a
    timed-out invocation expire with it.
    """
    config = IdempotencyConfig(
        event_key_jmespath=BUSINESS_KEY_PATH,
        raise_on_no_idempotency_key=True,
        expires_after_seconds=EXPIRES_AFTER_SECONDS,
        response_hook=_replayed,
    )
    if context is not None:
        config.register_lambda_context(context)
    persistence = DynamoDBPersistenceLayer(
        table_name=settings.idempotency_table_name(table_name), boto3_client=dynamodb_client()
    )
    once: Callable[..., Any] = idempotent_function(
        function,
        data_keyword_argument=STEP_ARGUMENT,
        persistence_store=persistence,
        config=config,
        output_serializer=PydanticSerializer(result_model),
        key_prefix=key_prefix,
    )
    return once
