"""Environment variables of the governor and its dead man's switch, read at call time.

They belong with the others in `sluice_shared.settings`; kept here until that module takes
them, so that the shared settings module has a single owner.
"""

from sluice_shared import settings

GOVERNOR_TABLE_NAME = "GOVERNOR_TABLE_NAME"
WATCHED_INTEGRATIONS = "WATCHED_INTEGRATIONS"
SILENCE_ALERT_SECONDS = "SILENCE_ALERT_SECONDS"


def governor_table_name(value: str | None = None) -> str:
    """Name of the governor's DynamoDB table."""
    return settings.required(GOVERNOR_TABLE_NAME, value)


def watched_integrations(value: str | None = None) -> list[str]:
    """Integrations the dead man's switch watches: comma-separated `<provider>#<account>`."""
    raw = settings.required(WATCHED_INTEGRATIONS, value)
    return [item.strip() for item in raw.split(",") if item.strip()]


def silence_alert_seconds(value: float | None = None) -> float:
    """How long an integration may go without a success before it is reported."""
    if value is not None:
        return value
    return float(settings.required(SILENCE_ALERT_SECONDS))
