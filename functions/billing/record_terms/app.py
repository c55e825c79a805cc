"""Lambda handler: record an order's billing terms from its OrderProcessed event (EventBridge)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.billing.terms import TermsDependencies, parse_terms, record_terms
from sluice_shared.observability import append_correlation_ids, instrument


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """OrderProcessed event -> `{"orderKey", "outcome"}` (recorded, duplicate or conflict)."""
    terms = parse_terms(event)
    append_correlation_ids(terms.order_key)
    outcome = record_terms(terms, str(event.get("id", "")), TermsDependencies.from_environment())
    return {"orderKey": terms.order_key, "outcome": outcome}
