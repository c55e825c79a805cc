"""Lambda handler: write the levels that changed since they were last sent to a changes file."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared import settings
from sluice_shared.aws import dynamodb_client
from sluice_shared.inventory.clients import s3_client
from sluice_shared.inventory.deltas import compute_deltas
from sluice_shared.inventory.levels import LevelsTable
from sluice_shared.inventory.steps import ComputeDeltasInput, parse_step
from sluice_shared.observability import append_correlation_ids, instrument


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """`{"businessKey", "bucket", "acceptedKey"}` -> `{"changed", "unchanged", "changesKey"}`."""
    step = parse_step(ComputeDeltasInput, event)
    append_correlation_ids(step.business_key, step.execution_arn)
    levels = LevelsTable(dynamodb_client(), settings.inventory_levels_table_name())
    return compute_deltas(s3_client(), levels, step).to_json()
