"""Lambda handler: the scheduled reconciliation of shipments that are still not billed."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.billing.reconciliation import ReconcileDependencies, reconcile
from sluice_shared.observability import instrument


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Schedule event -> `{"reconciled": [{"businessKey", "action", "executionArn", "reason"}]}`."""
    outcomes = reconcile(ReconcileDependencies.from_environment())
    return {"reconciled": [outcome.to_json() for outcome in outcomes]}
