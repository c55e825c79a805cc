"""Lambda handler: perform the async provider requests of one SQS batch (partial failures)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.dispatch.wiring import build_dispatcher, publish_outcomes
from sluice_shared.observability import instrument


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """SQS event -> `{"batchItemFailures": [{"itemIdentifier": <messageId>}, ...]}`."""
    result = build_dispatcher(context).process_batch(event, context)
    publish_outcomes(result.outcomes)
    return dict(result.response)
