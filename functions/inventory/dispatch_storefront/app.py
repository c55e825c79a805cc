"""Lambda handler: perform one SQS batch of storefront requests within the rate limit."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.dispatch.wiring import publish_outcomes
from sluice_shared.inventory.storefront_dispatch import dispatch_storefront_batch
from sluice_shared.observability import instrument


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """SQS event -> `{"batchItemFailures": [{"itemIdentifier": <messageId>}, ...]}`."""
    result = dispatch_storefront_batch(event, context)
    publish_outcomes(result.outcomes)
    return dict(result.response)
