"""A provider's settings may list more accounts; a request's account picks its settings and key."""

import pytest
from pydantic import ValidationError

from sluice_shared.providers.config import ProviderSettings, account_access

DEFAULT_SECRET = "sluice/dev/erp/api-key"


def _settings(*accounts: dict[str, str]) -> ProviderSettings:
    return ProviderSettings.model_validate(
        {"baseUrl": "https://erp.example.com/api", "connectionCap": 25, "accounts": list(accounts)}
    )


def test_settings_without_accounts_have_only_the_default_account():
    """GIVEN the single-account settings JSON WHEN read THEN one account, named default."""
    settings = ProviderSettings.model_validate({"baseUrl": "https://erp.example.com"})
    assert settings.accounts == ()
    assert settings.account_names == ("default",)


def test_no_account_named_means_the_default_account_with_the_functions_key():
    """GIVEN settings with another account WHEN no account is named THEN the default's access."""
    settings = _settings({"name": "beta"})
    access = account_access(settings, DEFAULT_SECRET, None)
    assert access is not None
    assert access.settings is settings
    assert access.api_key_secret_name == DEFAULT_SECRET


def test_naming_the_default_account_is_the_same_as_naming_none():
    """GIVEN settings WHEN the default account is named THEN the default's access."""
    settings = _settings({"name": "beta"})
    assert account_access(settings, DEFAULT_SECRET, "default") == account_access(
        settings, DEFAULT_SECRET, None
    )


def test_another_account_gets_its_own_url_key_and_name():
    """GIVEN an account with its own URL and key WHEN named THEN its settings and secret."""
    settings = _settings(
        {
            "name": "beta",
            "baseUrl": "https://beta.erp.example.com/api/",
            "apiKeySecretName": "erp/beta-key",
        }
    )
    access = account_access(settings, DEFAULT_SECRET, "beta")
    assert access is not None
    assert access.settings.account == "beta"
    assert access.settings.base_url == "https://beta.erp.example.com/api"
    assert access.settings.connection_cap == 25
    assert access.settings.accounts == ()
    assert access.api_key_secret_name == "erp/beta-key"


def test_an_account_without_url_or_secret_shares_the_url_and_names_its_secret_after_itself():
    """GIVEN an account with a name only WHEN named THEN the provider's URL and `<key>/<name>`."""
    access = account_access(_settings({"name": "beta"}), DEFAULT_SECRET, "beta")
    assert access is not None
    assert access.settings.base_url == "https://erp.example.com/api"
    assert access.api_key_secret_name == f"{DEFAULT_SECRET}/beta"


def test_an_account_the_settings_do_not_list_has_no_access():
    """GIVEN settings listing beta WHEN gamma is named THEN no access."""
    assert account_access(_settings({"name": "beta"}), DEFAULT_SECRET, "gamma") is None


def test_each_account_has_settings_of_its_own():
    """GIVEN two accounts WHEN both are resolved THEN their settings differ (own clients)."""
    settings = _settings({"name": "beta"}, {"name": "gamma"})
    beta = account_access(settings, DEFAULT_SECRET, "beta")
    gamma = account_access(settings, DEFAULT_SECRET, "gamma")
    assert beta is not None and gamma is not None
    assert beta.settings != gamma.settings


@pytest.mark.parametrize(
    "accounts",
    [
        [{"name": "beta"}, {"name": "beta"}],
        [{"name": "default"}],
    ],
)
def test_an_account_named_twice_is_refused(accounts):
    """GIVEN two accounts of one name WHEN read THEN a validation error names it."""
    with pytest.raises(ValidationError, match="repeated"):
        _settings(*accounts)


@pytest.mark.parametrize(
    "account",
    [{"name": "be#ta"}, {"name": ""}, {"name": "beta", "baseUrl": "beta.example.com"}],
)
def test_an_account_with_a_bad_name_or_url_is_refused(account):
    """GIVEN an account with `#` in its name, no name, or a URL without scheme THEN refused."""
    with pytest.raises(ValidationError):
        _settings(account)
