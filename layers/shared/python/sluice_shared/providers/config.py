"""Provider settings (SSM parameter, JSON) and API keys, cached by Powertools."""

from typing import Annotated

from aws_lambda_powertools.utilities import parameters
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from sluice_shared.secrets import get_plain_secret

DEFAULT_ACCOUNT = "default"

# How long a warm Lambda reuses a fetched value before reading it again (rotation delay).
SETTINGS_MAX_AGE_SECONDS = 300


def _base_url(value: str) -> str:
    """Require an http(s) URL and drop a trailing slash, so paths join as `base + /path`."""
    if not value.startswith(("https://", "http://")):
        raise ValueError("baseUrl must start with https:// or http://")
    return value.rstrip("/")


class ProviderSettings(BaseModel):
    """How to reach one provider account: `{"baseUrl", "timeoutSeconds", ...}` in SSM."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    base_url: Annotated[str, AfterValidator(_base_url)]
    timeout_seconds: float = Field(default=25.0, gt=0, le=900)
    connect_timeout_seconds: float = Field(default=3.05, gt=0, le=60)
    connection_cap: int = Field(default=25, ge=1, le=1000)
    # Connections sync callers may hold at once (the governor's lease slots); the rest of the
    # cap belongs to the dispatcher. None: no dispatcher, the whole cap is the sync budget.
    sync_budget: int | None = Field(default=None, ge=0, le=1000)
    # The provider account the calls belong to: the governor backs off per account.
    account: str = Field(default=DEFAULT_ACCOUNT, min_length=1, max_length=64, pattern=r"^[^#]+$")

    @property
    def sync_slots(self) -> int:
        """How many sync calls may be in flight at once: the sync budget, else the cap."""
        return self.connection_cap if self.sync_budget is None else self.sync_budget


def load_provider_settings(parameter_name: str) -> ProviderSettings:
    """Read and validate a provider's settings from the SSM parameter `parameter_name`."""
    raw = parameters.get_parameter(
        parameter_name, transform="json", max_age=SETTINGS_MAX_AGE_SECONDS
    )
    return ProviderSettings.model_validate(raw)


def load_api_key(secret_name: str) -> str:
    """Read a provider's API key (a plain-string secret) from Secrets Manager."""
    return get_plain_secret(secret_name)
