"""Lambda handler: queue one Map batch of changed levels for the storefront dispatcher."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared import settings
from sluice_shared.aws import dynamodb_client
from sluice_shared.inventory.clients import sqs_client
from sluice_shared.inventory.levels import LevelsTable
from sluice_shared.inventory.queueing import queue_levels
from sluice_shared.inventory.steps import QueueLevelsInput, parse_step
from sluice_shared.observability import append_correlation_ids, instrument


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """`{"businessKey", "levels": [{"sku", "available"}, ...]}` -> `{"queued"}`."""
    step = parse_step(QueueLevelsInput, event)
    append_correlation_ids(step.business_key, step.execution_arn)
    return queue_levels(
        step,
        sqs=sqs_client(),
        queue_url=settings.storefront_request_queue_url(),
        levels=LevelsTable(dynamodb_client(), settings.inventory_levels_table_name()),
    ).to_json()
