"""Create fulfilment: once per business key, shipped to the order's address."""

import pytest

from sluice_shared.models.steps import FulfilmentResult, FulfilmentStepInput
from sluice_shared.orders.errors import OrderInvalid
from sluice_shared.orders.fulfilment import create_fulfilment
from sluice_shared.providers.warehouse import WarehouseClient
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.orders import BUSINESS_KEY, order_model
from tests.fixtures.provider_server import ScriptedResponse
from tests.fixtures.providers import http_client

CREATED = ScriptedResponse(201, {"id": "F-1", "status": "accepted"})


@pytest.fixture
def warehouse(provider_server) -> WarehouseClient:
    """A warehouse client talking to the fake provider."""
    return WarehouseClient(http_client("warehouse", provider_server.base_url))


def fulfilment_step(**changes) -> FulfilmentStepInput:
    """The create_fulfilment input for the sample order."""
    return FulfilmentStepInput(
        business_key=BUSINESS_KEY, order=order_model(**changes), sales_order_id="SO-1"
    )


def test_the_fulfilment_is_created_once(aws_resources, provider_server, warehouse):
    """GIVEN a fulfilment created WHEN the step runs again THEN same id, one request."""
    provider_server.script("POST", "/fulfilments", CREATED)
    first = create_fulfilment(fulfilment_step(), FakeLambdaContext(), warehouse=warehouse)
    second = create_fulfilment(fulfilment_step(), FakeLambdaContext(), warehouse=warehouse)
    assert first == second == FulfilmentResult(fulfilment_id="F-1")
    [sent] = provider_server.requests_to("POST", "/fulfilments")
    assert sent.headers["idempotency-key"] == f"{BUSINESS_KEY}-fulfilment"


def test_an_order_without_a_shipping_address_is_invalid(aws_resources, provider_server, warehouse):
    """GIVEN no shipping address WHEN fulfilled THEN OrderInvalid and nothing sent."""
    with pytest.raises(OrderInvalid, match="shipping_address"):
        create_fulfilment(
            fulfilment_step(shipping_address=None), FakeLambdaContext(), warehouse=warehouse
        )
    assert provider_server.requests == []
