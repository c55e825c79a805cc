"""Records a failed, timed-out or aborted execution in the ops table (EventBridge status change)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.observability import logger
from sluice_shared.ops import record_failure


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Write the failure record once; a redelivered event changes nothing."""
    detail = event["detail"]
    logger.append_keys(business_key=detail.get("name"), execution_arn=detail["executionArn"])
    written = record_failure(detail)
    logger.info("failure recorded" if written else "failure already recorded")
    return {"recorded": written}
