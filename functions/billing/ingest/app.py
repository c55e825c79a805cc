"""Lambda handler: the shipment-confirmed webhook (`POST /webhooks/shipments/{source}`)."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.billing.ingest import ShipmentIngestDependencies, ingest_shipment
from sluice_shared.observability import instrument
from sluice_shared.webhooks.http import WebhookRequest


@instrument(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Verify, record and start the shipment's billing in an HTTP API (payload 2.0) event."""
    request = WebhookRequest.from_api_gateway(event)
    deps = ShipmentIngestDependencies.from_environment()
    return ingest_shipment(request, deps).to_api_gateway()
