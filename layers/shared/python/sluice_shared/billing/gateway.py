"""The payment gateway API: captures, with a decline (HTTP 402) raised as `PaymentDeclined`.

The client and its connection pool are cached per settings, API key and governor table, and
governed (backoff gate, sync lease slots) as `sluice_shared.providers.factory` describes.
"""

import functools
from decimal import Decimal

from pydantic import Field

from sluice_shared import settings
from sluice_shared.billing.errors import PaymentDeclined
from sluice_shared.providers.client import ProviderClient
from sluice_shared.providers.config import ProviderSettings, load_api_key, load_provider_settings
from sluice_shared.providers.errors import ProviderRejected
from sluice_shared.providers.factory import governed_client
from sluice_shared.providers.responses import ProviderResponse, parse_response

PROVIDER = "payments"
PAYMENT_REQUIRED = 402


class GatewayCapture(ProviderResponse):
    """A capture the gateway made."""

    id: str = Field(min_length=1)
    status: str = ""


class PaymentGatewayClient:
    """Typed calls to the payment gateway over a `ProviderClient`."""

    def __init__(self, http: ProviderClient) -> None:
        self.http = http

    def capture(
        self,
        *,
        business_key: str,
        amount: Decimal,
        currency: str,
        payment_reference: str,
        idempotency_key: str,
    ) -> GatewayCapture:
        """Capture `amount`; a repeated `idempotency_key` returns the first capture (or decline)."""
        body = {
            "amount": f"{amount:.2f}",
            "currency": currency,
            "paymentReference": payment_reference,
            "externalReference": business_key,
        }
        try:
            payload = self.http.request(
                "POST", "/captures", body=body, idempotency_key=idempotency_key
            )
        except ProviderRejected as error:
            if error.status == PAYMENT_REQUIRED:
                raise PaymentDeclined(business_key, error.message) from error
            raise
        return parse_response(PROVIDER, GatewayCapture, payload)


@functools.lru_cache(maxsize=4)
def _gateway_client(
    provider_settings: ProviderSettings, api_key: str, governor_table: str | None
) -> PaymentGatewayClient:
    """The gateway client for these settings, key and governor table."""
    return PaymentGatewayClient(
        governed_client(PROVIDER, provider_settings, api_key, governor_table)
    )


def payment_gateway_client(
    settings_parameter: str | None = None, api_key_secret_name: str | None = None
) -> PaymentGatewayClient:
    """The client configured by `PAYMENTS_SETTINGS_PARAMETER`, its key's secret, the governor."""
    provider_settings = load_provider_settings(
        settings.payments_settings_parameter(settings_parameter)
    )
    api_key = load_api_key(settings.payments_api_key_secret_name(api_key_secret_name))
    return _gateway_client(provider_settings, api_key, settings.optional_governor_table_name())


def clear_clients() -> None:
    """Forget the cached gateway clients (tests, or after changing settings in-process)."""
    _gateway_client.cache_clear()
