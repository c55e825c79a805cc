"""Lambda handler: record a failed, timed-out or aborted execution in the ops table."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.observability import append_correlation_ids, get_logger, instrument
from sluice_shared.ops import record_failure


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """EventBridge `Step Functions Execution Status Change` -> `{"recorded": bool}`, once."""
    detail = event["detail"]
    append_correlation_ids(detail["name"], detail["executionArn"])
    written = record_failure(detail)
    get_logger().info("failure recorded" if written else "failure already recorded")
    return {"recorded": written}
