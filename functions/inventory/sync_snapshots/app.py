"""Lambda handler: the scheduled sync, which starts the newest snapshot's run if it never ran."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared import settings
from sluice_shared.aws import dynamodb_client, stepfunctions_client
from sluice_shared.inventory.clients import s3_client
from sluice_shared.inventory.sync import SyncTargets, sync_newest_snapshot
from sluice_shared.observability import get_logger, instrument


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Scheduler event -> `{"action", "snapshotKey", "runKey"}`."""
    targets = SyncTargets(
        bucket=settings.inventory_bucket_name(),
        prefix=settings.inventory_snapshot_prefix(),
        runs_table_name=settings.inventory_runs_table_name(),
        state_machine_arn=settings.inventory_state_machine_arn(),
    )
    outcome = sync_newest_snapshot(s3_client(), dynamodb_client(), stepfunctions_client(), targets)
    get_logger().info("inventory sync done", extra=outcome.to_json())
    return outcome.to_json()
