"""The scheduled dead man's switch: log and count the integrations gone silent.

The `SilentIntegrations` metric (with the service and environment dimensions) feeds a
CloudWatch alarm that also treats missing data as breaching, so a check that stops running
alarms too.
"""

from aws_lambda_powertools.metrics import MetricUnit

from sluice_shared import clock as shared_clock
from sluice_shared import settings
from sluice_shared.aws import dynamodb_client
from sluice_shared.governor.config import Clock
from sluice_shared.governor.silence import Silence, find_silent_integrations
from sluice_shared.governor.store import GovernorTable
from sluice_shared.observability import get_logger, get_metrics

SILENT_INTEGRATIONS_METRIC = "SilentIntegrations"


def check_silence(clock: Clock = shared_clock.time) -> list[Silence]:
    """The watched integrations with no success for too long, each logged as an error."""
    table = GovernorTable(settings.governor_table_name(), dynamodb_client())
    silent = find_silent_integrations(
        table, settings.watched_integrations(), settings.silence_alert_seconds(), clock()
    )
    for silence in silent:
        get_logger().error("integration has had no success", extra=silence.to_json())
    get_metrics().add_metric(
        name=SILENT_INTEGRATIONS_METRIC, unit=MetricUnit.Count, value=len(silent)
    )
    return silent
