"""Create sales order: once per business key, even when the step runs again."""

import pytest
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
)

from sluice_shared.models.steps import SalesOrderResult, SalesOrderStepInput
from sluice_shared.orders.sales_orders import create_sales_order
from sluice_shared.providers.erp import ErpClient
from sluice_shared.providers.errors import ProviderTimeout
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.logs import capture_logs
from tests.fixtures.orders import BUSINESS_KEY, order_model
from tests.fixtures.provider_server import ScriptedResponse
from tests.fixtures.providers import http_client

CREATED = ScriptedResponse(201, {"id": "SO-1", "number": "10001"})


def sales_order_step(business_key: str = BUSINESS_KEY) -> SalesOrderStepInput:
    """The create_sales_order input for the sample order."""
    return SalesOrderStepInput(business_key=business_key, order=order_model(), customer_id="C-7")


@pytest.fixture
def erp(provider_server) -> ErpClient:
    """An ERP client talking to the fake provider."""
    return ErpClient(http_client("erp", provider_server.base_url, timeoutSeconds=0.05))


def test_the_sales_order_is_created_with_its_idempotency_key(aws_resources, provider_server, erp):
    """GIVEN a new order WHEN its sales order is created THEN the ERP's id and number."""
    provider_server.script("POST", "/sales-orders", CREATED)
    result = create_sales_order(sales_order_step(), FakeLambdaContext(), erp=erp)
    assert result == SalesOrderResult(sales_order_id="SO-1", sales_order_number="10001")
    [sent] = provider_server.requests_to("POST", "/sales-orders")
    assert sent.headers["idempotency-key"] == f"{BUSINESS_KEY}-sales-order"


def test_a_second_call_with_the_same_key_makes_no_second_request(
    aws_resources, provider_server, erp
):
    """GIVEN a created sales order WHEN the step runs again THEN same result, one request."""
    provider_server.script("POST", "/sales-orders", CREATED)
    first = create_sales_order(sales_order_step(), FakeLambdaContext(), erp=erp)
    second = create_sales_order(sales_order_step(), FakeLambdaContext(), erp=erp)
    assert second == first
    assert len(provider_server.requests_to("POST", "/sales-orders")) == 1


def test_a_replay_is_logged(aws_resources, provider_server, erp):
    """GIVEN a created sales order WHEN the step runs again THEN the replay is logged."""
    provider_server.script("POST", "/sales-orders", CREATED)
    create_sales_order(sales_order_step(), FakeLambdaContext(), erp=erp)
    logs = capture_logs()
    create_sales_order(sales_order_step(), FakeLambdaContext(), erp=erp)
    assert logs.messages() == ["side effect already done; returning its saved result"]


def test_another_business_key_creates_another_sales_order(aws_resources, provider_server, erp):
    """GIVEN two orders WHEN each gets a sales order THEN two requests."""
    provider_server.script("POST", "/sales-orders", CREATED)
    create_sales_order(sales_order_step(), FakeLambdaContext(), erp=erp)
    create_sales_order(sales_order_step("order-shopify-1043"), FakeLambdaContext(), erp=erp)
    assert len(provider_server.requests_to("POST", "/sales-orders")) == 2


def test_a_failed_attempt_is_not_remembered(aws_resources, provider_server, erp):
    """GIVEN a timeout on the first try WHEN retried THEN the ERP is asked again, same key."""
    provider_server.script(
        "POST", "/sales-orders", ScriptedResponse(201, {"id": "x", "number": "x"}, hold=True)
    )
    with pytest.raises(ProviderTimeout):
        create_sales_order(sales_order_step(), FakeLambdaContext(), erp=erp)
    provider_server.script("POST", "/sales-orders", CREATED)
    retried = create_sales_order(sales_order_step(), FakeLambdaContext(), erp=erp)
    sent = provider_server.requests_to("POST", "/sales-orders")
    assert retried.sales_order_id == "SO-1"
    assert [request.headers["idempotency-key"] for request in sent] == [
        f"{BUSINESS_KEY}-sales-order"
    ] * 2


def test_a_concurrent_duplicate_is_refused_while_the_first_runs(
    aws_resources, provider_server, erp
):
    """GIVEN an attempt still in progress WHEN the step runs again THEN it does not call the ERP."""
    calls: list[str] = []

    class ReentrantErp(ErpClient):
        """Runs the step again from inside the first ERP call."""

        def create_sales_order(self, *args, **kwargs):
            calls.append("erp")
            return create_sales_order(sales_order_step(), FakeLambdaContext(), erp=erp)

    with pytest.raises(IdempotencyAlreadyInProgressError):
        create_sales_order(sales_order_step(), FakeLambdaContext(), erp=ReentrantErp(erp.http))
    assert calls == ["erp"]
    assert provider_server.requests_to("POST", "/sales-orders") == []
