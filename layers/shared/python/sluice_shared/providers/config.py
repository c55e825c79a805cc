"""Provider settings (SSM parameter, JSON) and API keys, cached by Powertools.

One parameter describes a provider's default account (`account`, its `baseUrl` and the
function's API key secret) and, optionally, more `accounts` of the same provider, each with
its own API key secret and optionally its own base URL (docs/conventions.md, "Provider
accounts"). `account_access` picks the one a request names.
"""

from dataclasses import dataclass
from typing import Annotated, Self

from aws_lambda_powertools.utilities import parameters
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from sluice_shared.secrets import get_plain_secret

DEFAULT_ACCOUNT = "default"
# Account names end up in the governor's `<provider>#<account>` keys, hence no `#`.
ACCOUNT_NAME_PATTERN = r"^[^#]+$"
MAX_ACCOUNT_NAME_LENGTH = 64
MAX_ACCOUNTS = 100

# How long a warm Lambda reuses a fetched value before reading it again (rotation delay).
SETTINGS_MAX_AGE_SECONDS = 300


def _base_url(value: str) -> str:
    """Require an http(s) URL and drop a trailing slash, so paths join as `base + /path`."""
    if not value.startswith(("https://", "http://")):
        raise ValueError("baseUrl must start with https:// or http://")
    return value.rstrip("/")


BaseUrl = Annotated[str, AfterValidator(_base_url)]


class ProviderAccount(BaseModel):
    """Another account of the provider: `{"name", "apiKeySecretName"?, "baseUrl"?}`.

    Without `apiKeySecretName` its key is the secret `<default key secret name>/<name>` (the
    name the template's IAM policy grants); without `baseUrl` it shares the provider's.
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    name: str = Field(
        min_length=1, max_length=MAX_ACCOUNT_NAME_LENGTH, pattern=ACCOUNT_NAME_PATTERN
    )
    api_key_secret_name: str | None = Field(default=None, min_length=1, max_length=512)
    base_url: BaseUrl | None = None


class ProviderSettings(BaseModel):
    """How to reach one provider account: `{"baseUrl", "timeoutSeconds", ...}` in SSM."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    base_url: BaseUrl
    timeout_seconds: float = Field(default=25.0, gt=0, le=900)
    # The read timeout of the dispatcher's (async) calls, which may take minutes (None: as sync
    # calls). It must outlast the provider's slowest call: a call given up on still holds one
    # of the provider's connections until the provider finishes it, so the next request of
    # that lane would go over the cap (a 429) while the abandoned one runs. The client also
    # cuts it to what the dispatcher's invocation has left (client.py), so the template sets
    # it from the dispatcher's timeout (ErpDispatcherTimeoutSeconds, docs/conventions.md).
    async_timeout_seconds: float | None = Field(default=None, gt=0, le=900)
    connect_timeout_seconds: float = Field(default=3.05, gt=0, le=60)
    connection_cap: int = Field(default=25, ge=1, le=1000)
    # Connections sync callers may hold at once (the governor's lease slots); the rest of the
    # cap belongs to the dispatcher. None: no dispatcher, the whole cap is the sync budget.
    sync_budget: int | None = Field(default=None, ge=0, le=1000)
    # The provider account the calls belong to: the governor backs off per account.
    account: str = Field(
        default=DEFAULT_ACCOUNT,
        min_length=1,
        max_length=MAX_ACCOUNT_NAME_LENGTH,
        pattern=ACCOUNT_NAME_PATTERN,
    )
    # More accounts of the provider that requests may name; `account` is the default one.
    accounts: tuple[ProviderAccount, ...] = Field(default=(), max_length=MAX_ACCOUNTS)

    @model_validator(mode="after")
    def _distinct_account_names(self) -> Self:
        """Refuse settings that name an account twice (which one would a request get?)."""
        names = [self.account, *(extra.name for extra in self.accounts)]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"account names must be distinct; repeated: {', '.join(repeated)}")
        return self

    @property
    def account_names(self) -> tuple[str, ...]:
        """Every account a request may name, the default one first."""
        return (self.account, *(extra.name for extra in self.accounts))

    def for_async_calls(self) -> "ProviderSettings":
        """These settings with the async read timeout (the dispatcher's calls).

        The client bounds it, like any read timeout, by the running invocation's deadline.
        """
        if self.async_timeout_seconds is None:
            return self
        return self.model_copy(update={"timeout_seconds": self.async_timeout_seconds})

    @property
    def sync_slots(self) -> int:
        """How many sync calls may be in flight at once: the sync budget, else the cap."""
        return self.connection_cap if self.sync_budget is None else self.sync_budget


@dataclass(frozen=True)
class AccountAccess:
    """How to reach one provider account: its settings and the secret holding its API key."""

    settings: ProviderSettings
    api_key_secret_name: str


def account_access(
    settings: ProviderSettings, api_key_secret_name: str, account: str | None = None
) -> AccountAccess | None:
    """How to reach `account` (None: the default one); None when `settings` do not list it.

    `api_key_secret_name` is the default account's key secret. Another account gets settings
    of its own (its name as `account`, its base URL), so its client and its governor backoff
    are its own too.
    """
    if account is None or account == settings.account:
        return AccountAccess(settings, api_key_secret_name)
    for extra in settings.accounts:
        if extra.name == account:
            own = settings.model_copy(
                update={
                    "account": extra.name,
                    "base_url": extra.base_url or settings.base_url,
                    "accounts": (),
                }
            )
            secret = extra.api_key_secret_name or f"{api_key_secret_name}/{extra.name}"
            return AccountAccess(own, secret)
    return None


def load_provider_settings(parameter_name: str) -> ProviderSettings:
    """Read and validate a provider's settings from the SSM parameter `parameter_name`."""
    raw = parameters.get_parameter(
        parameter_name, transform="json", max_age=SETTINGS_MAX_AGE_SECONDS
    )
    return ProviderSettings.model_validate(raw)


def load_api_key(secret_name: str) -> str:
    """Read a provider's API key (a plain-string secret) from Secrets Manager."""
    return get_plain_secret(secret_name)
