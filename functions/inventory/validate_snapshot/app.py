"""Lambda handler: validate a snapshot's rows; accepted rows and a rejected-rows report to S3."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared import settings
from sluice_shared.inventory.clients import s3_client
from sluice_shared.inventory.steps import ValidateSnapshotInput, parse_step
from sluice_shared.inventory.validation import validate_snapshot
from sluice_shared.observability import append_correlation_ids, instrument


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """`{"businessKey", "bucket", "key", "etag"}` -> counts, `overThreshold` and file keys."""
    step = parse_step(ValidateSnapshotInput, event)
    append_correlation_ids(step.business_key, step.execution_arn)
    threshold = settings.inventory_reject_threshold_percent()
    return validate_snapshot(s3_client(), step, threshold).to_json()
