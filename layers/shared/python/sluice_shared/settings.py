"""Environment variable names and getters that read them at call time (arguments win)."""

import os

POWERTOOLS_SERVICE_NAME = "POWERTOOLS_SERVICE_NAME"
SLUICE_ENVIRONMENT = "SLUICE_ENVIRONMENT"
ORDERS_STATE_MACHINE_ARN = "ORDERS_STATE_MACHINE_ARN"
ORDERS_TABLE_NAME = "ORDERS_TABLE_NAME"
WEBHOOK_SECRET_NAME = "WEBHOOK_SECRET_NAME"
MAX_WEBHOOK_BYTES = "MAX_WEBHOOK_BYTES"
IDEMPOTENCY_TABLE_NAME = "IDEMPOTENCY_TABLE_NAME"
ERP_SETTINGS_PARAMETER = "ERP_SETTINGS_PARAMETER"
ERP_API_KEY_SECRET_NAME = "ERP_API_KEY_SECRET_NAME"
WAREHOUSE_SETTINGS_PARAMETER = "WAREHOUSE_SETTINGS_PARAMETER"
WAREHOUSE_API_KEY_SECRET_NAME = "WAREHOUSE_API_KEY_SECRET_NAME"
GOVERNOR_TABLE_NAME = "GOVERNOR_TABLE_NAME"
OPS_FAILURES_TABLE_NAME = "OPS_FAILURES_TABLE_NAME"
WATCHED_INTEGRATIONS = "WATCHED_INTEGRATIONS"
SILENCE_ALERT_SECONDS = "SILENCE_ALERT_SECONDS"
SHIPMENTS_TABLE_NAME = "SHIPMENTS_TABLE_NAME"
BILLING_STATE_MACHINE_ARN = "BILLING_STATE_MACHINE_ARN"
PAYMENTS_SETTINGS_PARAMETER = "PAYMENTS_SETTINGS_PARAMETER"
PAYMENTS_API_KEY_SECRET_NAME = "PAYMENTS_API_KEY_SECRET_NAME"
RECONCILE_AFTER_SECONDS = "RECONCILE_AFTER_SECONDS"
MAX_BILLING_ATTEMPTS = "MAX_BILLING_ATTEMPTS"
INVENTORY_STATE_MACHINE_ARN = "INVENTORY_STATE_MACHINE_ARN"
INVENTORY_BUCKET_NAME = "INVENTORY_BUCKET_NAME"
INVENTORY_SNAPSHOT_PREFIX = "INVENTORY_SNAPSHOT_PREFIX"
INVENTORY_LEVELS_TABLE_NAME = "INVENTORY_LEVELS_TABLE_NAME"
INVENTORY_RUNS_TABLE_NAME = "INVENTORY_RUNS_TABLE_NAME"
INVENTORY_REJECT_THRESHOLD_PERCENT = "INVENTORY_REJECT_THRESHOLD_PERCENT"
STOREFRONT_REQUEST_QUEUE_URL = "STOREFRONT_REQUEST_QUEUE_URL"
STOREFRONT_SETTINGS_PARAMETER = "STOREFRONT_SETTINGS_PARAMETER"
STOREFRONT_API_KEY_SECRET_NAME = "STOREFRONT_API_KEY_SECRET_NAME"
STOREFRONT_RATE_LIMIT_PER_SECOND = "STOREFRONT_RATE_LIMIT_PER_SECOND"
STOREFRONT_DISPATCHER_CONCURRENCY = "STOREFRONT_DISPATCHER_CONCURRENCY"
SLACK_WEBHOOK_URL_SECRET_NAME = "SLACK_WEBHOOK_URL_SECRET_NAME"
SLACK_BOT_TOKEN_SECRET_NAME = "SLACK_BOT_TOKEN_SECRET_NAME"
SLACK_CHANNEL_ID = "SLACK_CHANNEL_ID"
SLACK_API_BASE_URL = "SLACK_API_BASE_URL"
ALERTS_TABLE_NAME = "ALERTS_TABLE_NAME"
ALERT_DIGEST_THRESHOLD = "ALERT_DIGEST_THRESHOLD"
DISPATCH_POISON_DELAY_SECONDS = "DISPATCH_POISON_DELAY_SECONDS"

DEFAULT_ENVIRONMENT = "dev"
# The Step Functions execution input limit: a bigger body could never start a workflow.
DEFAULT_MAX_WEBHOOK_BYTES = 262_144
# Billing executions a shipment may get (the first plus reconciliation's re-runs) before
# reconciliation only alerts on it.
DEFAULT_MAX_BILLING_ATTEMPTS = 3
# Alerts in one notifier batch above which they are posted as one digest message.
DEFAULT_ALERT_DIGEST_THRESHOLD = 5
DEFAULT_SLACK_API_BASE_URL = "https://slack.com/api"
# How long the dispatcher hides a poison message before its next receive: with
# maxReceiveCount 10 it reaches the DLQ in about 5 minutes.
DEFAULT_DISPATCH_POISON_DELAY_SECONDS = 30


class SettingMissing(RuntimeError):
    """A required environment variable is not set (the template should set it)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"environment variable {name} is not set")
        self.name = name


def required(name: str, value: str | None = None) -> str:
    """Return `value` when given, else the environment variable `name`; raise when neither is."""
    if value:
        return value
    from_env = os.environ.get(name, "")
    if not from_env:
        raise SettingMissing(name)
    return from_env


def environment(value: str | None = None) -> str:
    """The deployment environment (dev, staging, prod)."""
    return value or os.environ.get(SLUICE_ENVIRONMENT) or DEFAULT_ENVIRONMENT


def orders_state_machine_arn(value: str | None = None) -> str:
    """ARN of the orders state machine that ingest starts."""
    return required(ORDERS_STATE_MACHINE_ARN, value)


def orders_table_name(value: str | None = None) -> str:
    """Name of the DynamoDB table that records received orders."""
    return required(ORDERS_TABLE_NAME, value)


def webhook_secret_name(value: str | None = None) -> str:
    """Secrets Manager name of the storefront webhook HMAC key."""
    return required(WEBHOOK_SECRET_NAME, value)


def max_webhook_bytes(value: int | None = None) -> int:
    """Largest webhook body ingest accepts, in bytes."""
    if value is not None:
        return value
    from_env = os.environ.get(MAX_WEBHOOK_BYTES, "")
    return int(from_env) if from_env else DEFAULT_MAX_WEBHOOK_BYTES


def idempotency_table_name(value: str | None = None) -> str:
    """Name of the Powertools idempotency table."""
    return required(IDEMPOTENCY_TABLE_NAME, value)


def erp_settings_parameter(value: str | None = None) -> str:
    """SSM parameter name holding the ERP's provider settings (JSON)."""
    return required(ERP_SETTINGS_PARAMETER, value)


def erp_api_key_secret_name(value: str | None = None) -> str:
    """Secrets Manager name of the ERP API key."""
    return required(ERP_API_KEY_SECRET_NAME, value)


def warehouse_settings_parameter(value: str | None = None) -> str:
    """SSM parameter name holding the warehouse's provider settings (JSON)."""
    return required(WAREHOUSE_SETTINGS_PARAMETER, value)


def warehouse_api_key_secret_name(value: str | None = None) -> str:
    """Secrets Manager name of the warehouse API key."""
    return required(WAREHOUSE_API_KEY_SECRET_NAME, value)


def governor_table_name(value: str | None = None) -> str:
    """Name of the governor's DynamoDB table."""
    return required(GOVERNOR_TABLE_NAME, value)


def optional_governor_table_name() -> str | None:
    """The governor's table when this function is governed, else None."""
    return os.environ.get(GOVERNOR_TABLE_NAME) or None


def watched_integrations(value: str | None = None) -> list[str]:
    """Integrations the dead man's switch watches: comma-separated `<provider>#<account>`."""
    raw = required(WATCHED_INTEGRATIONS, value)
    return [item.strip() for item in raw.split(",") if item.strip()]


def silence_alert_seconds(value: float | None = None) -> float:
    """How long an integration may go without a success before it is reported."""
    if value is not None:
        return value
    return float(required(SILENCE_ALERT_SECONDS))


def ops_failures_table_name(value: str | None = None) -> str:
    """Name of the DynamoDB table of failed executions that staff act on."""
    return required(OPS_FAILURES_TABLE_NAME, value)


def shipments_table_name(value: str | None = None) -> str:
    """Name of the DynamoDB table that records confirmed shipments and their billing."""
    return required(SHIPMENTS_TABLE_NAME, value)


def billing_state_machine_arn(value: str | None = None) -> str:
    """ARN of the billing state machine that shipment ingest and reconciliation start."""
    return required(BILLING_STATE_MACHINE_ARN, value)


def payments_settings_parameter(value: str | None = None) -> str:
    """SSM parameter name holding the payment gateway's provider settings (JSON)."""
    return required(PAYMENTS_SETTINGS_PARAMETER, value)


def payments_api_key_secret_name(value: str | None = None) -> str:
    """Secrets Manager name of the payment gateway API key."""
    return required(PAYMENTS_API_KEY_SECRET_NAME, value)


def reconcile_after_seconds(value: float | None = None) -> float:
    """How old an unbilled shipment must be before reconciliation acts on it."""
    if value is not None:
        return value
    return float(required(RECONCILE_AFTER_SECONDS))


def max_billing_attempts(value: int | None = None) -> int:
    """How many billing executions a shipment may get before reconciliation only alerts."""
    if value is not None:
        return value
    from_env = os.environ.get(MAX_BILLING_ATTEMPTS, "")
    return int(from_env) if from_env else DEFAULT_MAX_BILLING_ATTEMPTS


def inventory_state_machine_arn(value: str | None = None) -> str:
    """ARN of the inventory state machine that snapshot drops and the sync schedule start."""
    return required(INVENTORY_STATE_MACHINE_ARN, value)


def inventory_bucket_name(value: str | None = None) -> str:
    """Name of the S3 bucket that receives the warehouse's inventory snapshots."""
    return required(INVENTORY_BUCKET_NAME, value)


def inventory_snapshot_prefix(value: str | None = None) -> str:
    """Key prefix under which snapshots arrive (e.g. `incoming/`)."""
    return required(INVENTORY_SNAPSHOT_PREFIX, value)


def inventory_levels_table_name(value: str | None = None) -> str:
    """Name of the DynamoDB table of the last inventory level sent per SKU."""
    return required(INVENTORY_LEVELS_TABLE_NAME, value)


def inventory_runs_table_name(value: str | None = None) -> str:
    """Name of the DynamoDB table of inventory run summaries."""
    return required(INVENTORY_RUNS_TABLE_NAME, value)


def inventory_reject_threshold_percent(value: float | None = None) -> float:
    """Largest share of rejected rows (percent) a snapshot may have and still be sent."""
    if value is not None:
        return value
    return float(required(INVENTORY_REJECT_THRESHOLD_PERCENT))


def storefront_request_queue_url(value: str | None = None) -> str:
    """URL of the storefront request queue (async calls for the storefront dispatcher)."""
    return required(STOREFRONT_REQUEST_QUEUE_URL, value)


def storefront_settings_parameter(value: str | None = None) -> str:
    """SSM parameter name holding the storefront's provider settings (JSON)."""
    return required(STOREFRONT_SETTINGS_PARAMETER, value)


def storefront_api_key_secret_name(value: str | None = None) -> str:
    """Secrets Manager name of the storefront API key."""
    return required(STOREFRONT_API_KEY_SECRET_NAME, value)


def storefront_rate_limit_per_second(value: float | None = None) -> float:
    """Requests per second the storefront allows this account (its rate limit)."""
    if value is not None:
        return value
    return float(required(STOREFRONT_RATE_LIMIT_PER_SECOND))


def storefront_dispatcher_concurrency(value: int | None = None) -> int:
    """MaximumConcurrency (R) of the storefront dispatcher's SQS event source."""
    if value is not None:
        return value
    return int(required(STOREFRONT_DISPATCHER_CONCURRENCY))


def slack_webhook_url_secret_name(value: str | None = None) -> str:
    """Secrets Manager name of the Slack incoming-webhook URL alerts are posted to."""
    return required(SLACK_WEBHOOK_URL_SECRET_NAME, value)


def slack_bot_token_secret_name(value: str | None = None) -> str:
    """Secrets Manager name of the Slack bot token ("" when alerts go to the webhook)."""
    return value if value is not None else os.environ.get(SLACK_BOT_TOKEN_SECRET_NAME, "")


def slack_channel_id(value: str | None = None) -> str:
    """ID of the channel the bot token posts alerts to (Web API mode)."""
    return required(SLACK_CHANNEL_ID, value)


def slack_api_base_url(value: str | None = None) -> str:
    """Base URL of Slack's Web API (the local cloud points it at its Slack simulator)."""
    return value or os.environ.get(SLACK_API_BASE_URL) or DEFAULT_SLACK_API_BASE_URL


def alerts_table_name(value: str | None = None) -> str:
    """Name of the DynamoDB table that records each alert once (and whether it was posted)."""
    return required(ALERTS_TABLE_NAME, value)


def alert_digest_threshold(value: int | None = None) -> int:
    """Alerts in one batch above which the notifier posts one digest instead of each alert."""
    if value is not None:
        return value
    from_env = os.environ.get(ALERT_DIGEST_THRESHOLD, "")
    return int(from_env) if from_env else DEFAULT_ALERT_DIGEST_THRESHOLD


def dispatch_poison_delay_seconds(value: int | None = None) -> int:
    """How long the dispatcher hides a poison message before SQS may deliver it again."""
    if value is not None:
        return value
    from_env = os.environ.get(DISPATCH_POISON_DELAY_SECONDS, "")
    return int(from_env) if from_env else DEFAULT_DISPATCH_POISON_DELAY_SECONDS
