"""Lambda handler: start the inventory run of each snapshot an S3 notification reports."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared import settings
from sluice_shared.aws import stepfunctions_client
from sluice_shared.inventory.start import start_notified_runs
from sluice_shared.observability import instrument


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """S3 notification -> `{"runs": [{"runKey", "key", "executionArn", "started"}, ...]}`."""
    outcomes = start_notified_runs(
        event, stepfunctions_client(), settings.inventory_state_machine_arn()
    )
    return {"runs": [outcome.to_json() for outcome in outcomes]}
