"""The provider client maps every failure to the error the state machine matches."""

import contextlib
import time
from datetime import UTC, datetime

import pytest

from sluice_shared import invocation
from sluice_shared.providers.client import (
    MIN_READ_TIMEOUT_SECONDS,
    REPORT_MARGIN_SECONDS,
    USER_AGENT,
    ProviderClient,
    ProviderRequest,
)
from sluice_shared.providers.errors import (
    ProviderRejected,
    ProviderThrottled,
    ProviderTimeout,
    ProviderUnavailable,
)
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.provider_server import ScriptedResponse, refused_url
from tests.fixtures.providers import fake_provider_settings, http_client

ASYNC_TIMEOUT_SECONDS = 100.0
CONNECT_TIMEOUT_SECONDS = 1.0


def test_a_successful_call_returns_the_json_object(provider_server):
    """GIVEN a 201 with a JSON object WHEN posted THEN that object is returned."""
    provider_server.script("POST", "/things", ScriptedResponse(201, {"id": "T-1"}))
    client = http_client("erp", provider_server.base_url)
    assert client.request("POST", "/things", body={"a": 1}) == {"id": "T-1"}


def test_requests_carry_bearer_auth_json_and_a_user_agent(provider_server):
    """GIVEN a client WHEN it posts THEN bearer token, JSON body and User-Agent are sent."""
    provider_server.script("POST", "/things", ScriptedResponse(201, {"id": "T-1"}))
    http_client("erp", provider_server.base_url).request("POST", "/things", body={"a": 1})
    [sent] = provider_server.requests_to("POST", "/things")
    assert sent.headers["authorization"] == "Bearer erp-test-key"
    assert sent.headers["user-agent"] == USER_AGENT
    assert sent.headers["content-type"] == "application/json"
    assert sent.body == {"a": 1}


def test_the_idempotency_key_header_is_sent(provider_server):
    """GIVEN an idempotency key WHEN posting THEN the Idempotency-Key header carries it."""
    provider_server.script("POST", "/things", ScriptedResponse(201, {"id": "T-1"}))
    client = http_client("erp", provider_server.base_url)
    client.request("POST", "/things", body={}, idempotency_key="order-shopify-1042-sales-order")
    [sent] = provider_server.requests_to("POST", "/things")
    assert sent.headers["idempotency-key"] == "order-shopify-1042-sales-order"


def test_no_idempotency_header_without_a_key(provider_server):
    """GIVEN a GET without a key WHEN sent THEN no Idempotency-Key header."""
    provider_server.script("GET", "/things", ScriptedResponse(200, {"things": []}))
    http_client("erp", provider_server.base_url).request("GET", "/things")
    [sent] = provider_server.requests_to("GET", "/things")
    assert "idempotency-key" not in sent.headers


def test_429_with_delta_seconds_is_throttled(provider_server):
    """GIVEN 429 Retry-After: 7 WHEN called THEN ProviderThrottled with retry_after 7."""
    provider_server.script(
        "GET", "/things", ScriptedResponse(429, {"message": "slow down"}, {"Retry-After": "7"})
    )
    with pytest.raises(ProviderThrottled) as raised:
        http_client("erp", provider_server.base_url).request("GET", "/things")
    assert (raised.value.status, raised.value.retry_after) == (429, 7)
    assert raised.value.provider == "erp"


def test_429_with_an_http_date_is_throttled_until_then(provider_server):
    """GIVEN 429 Retry-After as an HTTP-date 30 s ahead WHEN called THEN retry_after 30."""
    provider_server.script(
        "GET",
        "/things",
        ScriptedResponse(429, None, {"Retry-After": "Fri, 14 Mar 2025 09:00:30 GMT"}),
    )
    client = ProviderClient(
        "erp",
        fake_provider_settings(provider_server.base_url),
        "key",
        clock=lambda: datetime(2025, 3, 14, 9, 0, 0, tzinfo=UTC),
    )
    with pytest.raises(ProviderThrottled) as raised:
        client.request("GET", "/things")
    assert raised.value.retry_after == 30


def test_429_without_retry_after_is_still_throttled(provider_server):
    """GIVEN a bare 429 WHEN called THEN ProviderThrottled without a wait."""
    provider_server.script("GET", "/things", ScriptedResponse(429))
    with pytest.raises(ProviderThrottled) as raised:
        http_client("erp", provider_server.base_url).request("GET", "/things")
    assert raised.value.retry_after is None


def test_503_with_retry_after_is_throttled(provider_server):
    """GIVEN 503 Retry-After: 3 WHEN called THEN ProviderThrottled, retry_after 3."""
    provider_server.script("GET", "/things", ScriptedResponse(503, None, {"Retry-After": "3"}))
    with pytest.raises(ProviderThrottled) as raised:
        http_client("erp", provider_server.base_url).request("GET", "/things")
    assert (raised.value.status, raised.value.retry_after) == (503, 3)


def test_503_without_retry_after_is_unavailable(provider_server):
    """GIVEN a bare 503 WHEN called THEN ProviderUnavailable."""
    provider_server.script("GET", "/things", ScriptedResponse(503))
    with pytest.raises(ProviderUnavailable) as raised:
        http_client("erp", provider_server.base_url).request("GET", "/things")
    assert raised.value.status == 503


def test_500_is_unavailable(provider_server):
    """GIVEN a 500 WHEN called THEN ProviderUnavailable with the provider's message."""
    provider_server.script("POST", "/things", ScriptedResponse(500, {"error": "db down"}))
    with pytest.raises(ProviderUnavailable, match="db down") as raised:
        http_client("erp", provider_server.base_url).request("POST", "/things", body={})
    assert raised.value.status == 500


def test_connection_refused_is_unavailable():
    """GIVEN nothing listening WHEN called THEN ProviderUnavailable without a status."""
    with pytest.raises(ProviderUnavailable) as raised:
        http_client("erp", refused_url()).request("GET", "/things")
    assert raised.value.status is None


def test_a_read_timeout_is_a_timeout(provider_server):
    """GIVEN a provider that does not answer in time WHEN called THEN ProviderTimeout."""
    provider_server.script("POST", "/things", ScriptedResponse(201, {"id": "late"}, hold=True))
    with pytest.raises(ProviderTimeout, match="read timeout"):
        client = http_client("erp", provider_server.base_url, timeoutSeconds=0.05)
        client.request("POST", "/things", body={})


def test_408_is_a_timeout(provider_server):
    """GIVEN a 408 WHEN called THEN ProviderTimeout."""
    provider_server.script("POST", "/things", ScriptedResponse(408))
    with pytest.raises(ProviderTimeout) as raised:
        http_client("erp", provider_server.base_url).request("POST", "/things", body={})
    assert raised.value.status == 408


def test_400_is_rejected_with_the_providers_message(provider_server):
    """GIVEN 400 {"message": ...} WHEN called THEN ProviderRejected carrying that message."""
    provider_server.script(
        "POST", "/things", ScriptedResponse(400, {"message": "customerId is unknown"})
    )
    with pytest.raises(ProviderRejected) as raised:
        http_client("erp", provider_server.base_url).request("POST", "/things", body={})
    assert raised.value.message == "customerId is unknown"
    assert str(raised.value) == "erp: customerId is unknown (HTTP 400)"


def test_a_list_of_errors_is_joined_into_one_message(provider_server):
    """GIVEN 422 with `errors: [{message}, {message}]` WHEN called THEN both messages."""
    body = {"errors": [{"message": "sku unknown"}, {"message": "bad country"}]}
    provider_server.script("POST", "/things", ScriptedResponse(422, body))
    with pytest.raises(ProviderRejected) as raised:
        http_client("erp", provider_server.base_url).request("POST", "/things", body={})
    assert raised.value.message == "sku unknown; bad country"


def test_a_plain_text_error_body_is_the_message(provider_server):
    """GIVEN 404 with a text body WHEN called THEN ProviderRejected with that text."""
    provider_server.script("GET", "/things", ScriptedResponse(404, "no such route"))
    with pytest.raises(ProviderRejected, match="no such route"):
        http_client("erp", provider_server.base_url).request("GET", "/things")


def test_a_failed_call_is_sent_exactly_once(provider_server):
    """GIVEN a 500 WHEN called THEN the client did not retry on its own."""
    provider_server.script("POST", "/things", ScriptedResponse(500))
    with pytest.raises(ProviderUnavailable):
        http_client("erp", provider_server.base_url).request("POST", "/things", body={})
    assert len(provider_server.requests_to("POST", "/things")) == 1


def test_a_successful_response_that_is_not_json_is_unavailable(provider_server):
    """GIVEN 200 with a text body WHEN called THEN ProviderUnavailable."""
    provider_server.script("GET", "/things", ScriptedResponse(200, "<html>maintenance</html>"))
    with pytest.raises(ProviderUnavailable, match="not JSON"):
        http_client("erp", provider_server.base_url).request("GET", "/things")


def test_the_guard_wraps_each_request_and_sees_its_error(provider_server):
    """GIVEN a guard WHEN a request fails THEN the guard entered with the request and saw it."""
    seen: list[tuple[ProviderRequest, BaseException | None]] = []

    @contextlib.contextmanager
    def guard(request: ProviderRequest):
        try:
            yield
        except BaseException as error:
            seen.append((request, error))
            raise
        seen.append((request, None))

    provider_server.script("POST", "/things", ScriptedResponse(429))
    client = ProviderClient(
        "erp", fake_provider_settings(provider_server.base_url), "key", guard=guard
    )
    with pytest.raises(ProviderThrottled):
        client.request("POST", "/things", body={}, idempotency_key="k-1")
    [(request, error)] = seen
    assert request == ProviderRequest("erp", "POST", "/things", "k-1")
    assert isinstance(error, ProviderThrottled)


def test_the_pool_is_sized_to_the_connection_cap(provider_server):
    """GIVEN connectionCap 3 WHEN the client is built THEN its pool holds at most 3, blocking."""
    client = http_client("erp", provider_server.base_url, connectionCap=3)
    adapter = client._session.get_adapter(provider_server.base_url)
    assert (adapter._pool_maxsize, adapter._pool_block) == (3, True)
    assert adapter.max_retries.total == 0


# A call never outlives its invocation: the read timeout is cut to the time it has left.


def _dispatched_client(base_url: str) -> ProviderClient:
    """A client as the dispatcher builds it: the settings' async read timeout (100 s)."""
    settings = fake_provider_settings(
        base_url,
        timeoutSeconds=25,
        asyncTimeoutSeconds=ASYNC_TIMEOUT_SECONDS,
        connectTimeoutSeconds=CONNECT_TIMEOUT_SECONDS,
    )
    return ProviderClient("erp", settings.for_async_calls(), "key")


def _left(seconds: float) -> contextlib.AbstractContextManager[None]:
    """Run the block inside an invocation with `seconds` left before its timeout."""
    return invocation.running(FakeLambdaContext(remaining_millis=int(seconds * 1000)))


def test_given_10_seconds_left_then_a_dispatched_call_waits_less_for_its_answer(provider_server):
    """GIVEN an invocation with 10 s left WHEN a dispatched call is timed THEN its read timeout
    leaves the connect timeout and the report margin before the invocation ends."""
    client = _dispatched_client(provider_server.base_url)
    with _left(10):
        connect, read = client.timeouts()
    assert connect == CONNECT_TIMEOUT_SECONDS
    assert 0 < read <= 10 - CONNECT_TIMEOUT_SECONDS - REPORT_MARGIN_SECONDS < 10


def test_given_15_minutes_left_then_a_dispatched_call_waits_the_async_timeout(provider_server):
    """GIVEN an invocation with 15 minutes left WHEN timed THEN asyncTimeoutSeconds (100 s)."""
    client = _dispatched_client(provider_server.base_url)
    with _left(900):
        assert client.timeouts() == (CONNECT_TIMEOUT_SECONDS, ASYNC_TIMEOUT_SECONDS)


def test_sync_calls_keep_their_timeout_in_and_out_of_an_invocation(provider_server):
    """GIVEN sync settings (timeoutSeconds 25) WHEN timed in a 45 s step or outside any
    invocation THEN the read timeout is 25 s."""
    client = http_client("erp", provider_server.base_url, timeoutSeconds=25)
    with _left(45):
        assert client.timeouts()[1] == 25
    assert client.timeouts()[1] == 25


def test_a_call_the_invocation_cannot_wait_for_times_out_before_it_ends(provider_server):
    """GIVEN a provider that holds its answer and 0.5 s left for it WHEN a dispatched call is
    made THEN it ends as ProviderTimeout after about 0.5 s, not after 100 s."""
    provider_server.script("POST", "/things", ScriptedResponse(201, {"id": "late"}, hold=True))
    client = _dispatched_client(provider_server.base_url)
    left_for_answer = MIN_READ_TIMEOUT_SECONDS + 0.5
    started = time.monotonic()
    with (
        _left(left_for_answer + CONNECT_TIMEOUT_SECONDS + REPORT_MARGIN_SECONDS),
        pytest.raises(ProviderTimeout, match="read timeout"),
    ):
        client.request("POST", "/things", body={})
    assert time.monotonic() - started < left_for_answer + 1


def test_given_no_time_left_for_an_answer_then_nothing_is_sent(provider_server):
    """GIVEN an invocation ending within the report margin WHEN a dispatched call is made THEN
    ProviderTimeout, and the provider never saw the request."""
    provider_server.script("POST", "/things", ScriptedResponse(201, {"id": "T-1"}))
    client = _dispatched_client(provider_server.base_url)
    with _left(REPORT_MARGIN_SECONDS), pytest.raises(ProviderTimeout, match="not sent"):
        client.request("POST", "/things", body={})
    assert provider_server.requests_to("POST", "/things") == []
