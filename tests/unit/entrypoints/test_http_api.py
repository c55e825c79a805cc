"""The local HTTP API: routing, the API Gateway events it sends, and the answers it maps back."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator

import pytest
import requests

from sluice.clock import ScaledClock, VirtualClock
from sluice.entrypoints.http_api import MAX_PAYLOAD_BYTES, HttpApi, StageThrottling
from sluice.entrypoints.http_routes import Route
from tests.unit.entrypoints.support import (
    Call,
    FakeResult,
    FunctionMissing,
    RecordingInvoke,
    Throttled,
)

ORDER_ROUTE = Route("POST", "/webhooks/orders/{source}", "IngestOrder", timeout_millis=10_000)


@pytest.fixture
def invoke() -> RecordingInvoke:
    """An invoke that answers `{"ok": true}`."""
    return RecordingInvoke()


def serve(routes: list[Route], invoke: RecordingInvoke, **options: object) -> HttpApi:
    api = HttpApi(routes, invoke, api_id="abc123", **options)  # type: ignore[arg-type]
    api.start()
    return api


@pytest.fixture
def api(invoke: RecordingInvoke) -> Iterator[HttpApi]:
    """The orders webhook route, served on loopback."""
    server = serve([ORDER_ROUTE, Route("GET", "/files/{path+}", "Files")], invoke)
    yield server
    server.stop()


def test_given_a_v2_route_when_posting_json_then_the_function_gets_the_v2_event(api, invoke):
    response = requests.post(
        f"{api.url}/webhooks/orders/shopify?a=1&a=2&b=x%20y",
        data=b'{"id": 1}',
        headers={"Content-Type": "application/json", "X-Custom": "v", "Cookie": "c1=1; c2=2"},
        timeout=5,
    )

    assert response.status_code == 200
    event = invoke.calls[0].payload
    assert invoke.calls[0].function_name == "IngestOrder"
    assert invoke.calls[0].invocation_type == "RequestResponse"
    assert event["version"] == "2.0"
    assert event["routeKey"] == "POST /webhooks/orders/{source}"
    assert event["rawPath"] == "/webhooks/orders/shopify"
    assert event["rawQueryString"] == "a=1&a=2&b=x%20y"
    assert event["queryStringParameters"] == {"a": "1,2", "b": "x y"}
    assert event["cookies"] == ["c1=1", "c2=2"]
    assert "cookie" not in event["headers"]
    assert event["headers"]["x-custom"] == "v"
    assert event["headers"]["content-type"] == "application/json"
    assert event["pathParameters"] == {"source": "shopify"}
    assert event["body"] == '{"id": 1}'
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["http"]["method"] == "POST"
    assert context["http"]["path"] == "/webhooks/orders/shopify"
    assert context["http"]["sourceIp"] == "127.0.0.1"
    assert context["http"]["userAgent"].startswith("python-requests")
    assert context["stage"] == "$default"
    assert context["apiId"] == "abc123"
    assert context["domainName"] == "abc123.execute-api.us-east-1.amazonaws.com"
    assert context["requestId"] == response.headers["apigw-requestid"]
    assert context["routeKey"] == "POST /webhooks/orders/{source}"
    assert isinstance(context["timeEpoch"], int)


def test_given_a_header_also_set_by_the_gateway_when_posting_then_v2_joins_values(api, invoke):
    response = requests.post(
        f"{api.url}/webhooks/orders/x",
        data=b"{}",
        headers={"X-Forwarded-For": "203.0.113.9"},
        timeout=5,
    )

    assert response.status_code == 200
    assert invoke.calls[0].payload["headers"]["x-forwarded-for"] == "203.0.113.9,127.0.0.1"


def test_given_a_binary_body_when_posting_then_it_arrives_base64_encoded(api, invoke):
    requests.post(
        f"{api.url}/webhooks/orders/x",
        data=b"\x00\x01\xff",
        headers={"Content-Type": "application/octet-stream"},
        timeout=5,
    )

    event = invoke.calls[0].payload
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x00\x01\xff"


def test_given_no_body_when_getting_then_the_v2_event_has_no_body(api, invoke):
    requests.get(f"{api.url}/files/a/b/c.txt", timeout=5)

    event = invoke.calls[0].payload
    assert "body" not in event
    assert "queryStringParameters" not in event
    assert event["pathParameters"] == {"path": "a/b/c.txt"}
    assert event["routeKey"] == "GET /files/{path+}"


def test_given_no_matching_route_when_requesting_then_404_not_found(api, invoke):
    response = requests.get(f"{api.url}/webhooks/orders/x", timeout=5)

    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}
    assert invoke.calls == []


def test_given_a_default_route_when_nothing_else_matches_then_it_serves(invoke):
    api = serve([ORDER_ROUTE, Route("$default", "$default", "Fallback")], invoke)
    try:
        requests.delete(f"{api.url}/anything/here", timeout=5)
        requests.post(f"{api.url}/webhooks/orders/y", data=b"{}", timeout=5)
    finally:
        api.stop()

    assert [call.function_name for call in invoke.calls] == ["Fallback", "IngestOrder"]
    assert invoke.calls[0].payload["routeKey"] == "$default"


def test_given_a_literal_and_a_variable_route_when_both_match_then_the_literal_wins(invoke):
    routes = [Route("ANY", "/items/{id}", "Any"), Route("GET", "/items/special", "Special")]
    api = serve(routes, invoke)
    try:
        requests.get(f"{api.url}/items/special", timeout=5)
        requests.get(f"{api.url}/items/7", timeout=5)
    finally:
        api.stop()

    assert [call.function_name for call in invoke.calls] == ["Special", "Any"]


def test_given_a_v1_route_when_posting_then_the_function_gets_the_v1_event(invoke):
    invoke.respond = lambda call: FakeResult(payload={"statusCode": 201, "body": "made"})
    api = serve([Route("POST", "/v1/{id}", "V1", payload_format_version="1.0")], invoke)
    try:
        response = requests.post(
            f"{api.url}/v1/42?q=1&q=2",
            data=b"hi",
            headers={"Content-Type": "text/plain"},
            timeout=5,
        )
    finally:
        api.stop()

    assert response.status_code == 201
    assert response.text == "made"
    event = invoke.calls[0].payload
    assert event["version"] == "1.0"
    assert event["resource"] == "/v1/{id}"
    assert event["path"] == "/v1/42"
    assert event["httpMethod"] == "POST"
    assert event["queryStringParameters"] == {"q": "2"}
    assert event["multiValueQueryStringParameters"] == {"q": ["1", "2"]}
    assert event["multiValueHeaders"]["content-type"] == ["text/plain"]
    assert event["pathParameters"] == {"id": "42"}
    assert event["stageVariables"] is None
    assert event["body"] == "hi"
    assert event["requestContext"]["requestId"] == response.headers["apigw-requestid"]


def test_given_a_v1_route_when_the_function_returns_no_status_code_then_500(invoke):
    invoke.respond = lambda call: FakeResult(payload={"hello": "world"})
    api = serve([Route("GET", "/v1", "V1", payload_format_version="1.0")], invoke)
    try:
        response = requests.get(f"{api.url}/v1", timeout=5)
    finally:
        api.stop()

    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}


def test_given_a_v2_result_with_status_code_when_answering_then_it_is_the_response(api, invoke):
    invoke.respond = lambda call: FakeResult(
        payload={
            "statusCode": 202,
            "headers": {"X-Order": "o-1", "Content-Type": "text/plain"},
            "cookies": ["a=1; Path=/", "b=2"],
            "body": base64.b64encode(b"accepted").decode(),
            "isBase64Encoded": True,
        }
    )

    response = requests.post(f"{api.url}/webhooks/orders/x", data=b"{}", timeout=5)

    assert response.status_code == 202
    assert response.content == b"accepted"
    assert response.headers["x-order"] == "o-1"
    assert response.headers["content-type"] == "text/plain"
    assert response.raw.headers.getlist("set-cookie") == ["a=1; Path=/", "b=2"]


def test_given_a_v2_result_without_status_code_when_answering_then_200_json(api, invoke):
    invoke.respond = lambda call: FakeResult(payload={"message": "Hello"})

    response = requests.post(f"{api.url}/webhooks/orders/x", data=b"{}", timeout=5)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"message": "Hello"}


def test_given_a_function_error_when_answering_then_500_internal_server_error(api, invoke):
    invoke.respond = lambda call: FakeResult(
        payload={"errorType": "OrderInvalid", "errorMessage": "bad"}, function_error="Unhandled"
    )

    response = requests.post(f"{api.url}/webhooks/orders/x", data=b"{}", timeout=5)

    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}


def test_given_a_throttled_function_when_posting_then_503_service_unavailable(api, invoke):
    def refuse(call: Call) -> FakeResult:
        raise Throttled("Rate Exceeded.")

    invoke.respond = refuse

    response = requests.post(f"{api.url}/webhooks/orders/x", data=b"{}", timeout=5)

    assert response.status_code == 503
    assert response.json() == {"message": "Service Unavailable"}


def test_given_a_missing_function_when_posting_then_500(api, invoke):
    def refuse(call: Call) -> FakeResult:
        raise FunctionMissing("Function not found")

    invoke.respond = refuse

    response = requests.post(f"{api.url}/webhooks/orders/x", data=b"{}", timeout=5)

    assert response.status_code == 500


def test_given_a_slow_function_when_the_integration_times_out_then_503(invoke):
    release = threading.Event()

    def slow(call: Call) -> FakeResult:
        release.wait(5)
        return FakeResult(payload={})

    invoke.respond = slow
    clock = ScaledClock(1000)
    api = serve([Route("GET", "/slow", "Slow", timeout_millis=30_000)], invoke, clock=clock)
    try:
        response = requests.get(f"{api.url}/slow", timeout=5)
    finally:
        release.set()
        api.stop()

    assert response.status_code == 503
    assert response.json() == {"message": "Service Unavailable"}


def test_given_a_body_over_10_mb_when_posting_then_413(api, invoke):
    response = requests.post(
        f"{api.url}/webhooks/orders/x", data=b"x" * (MAX_PAYLOAD_BYTES + 1), timeout=10
    )

    assert response.status_code == 413
    assert invoke.calls == []


def test_given_stage_throttling_when_the_burst_is_spent_then_429_until_tokens_refill(invoke):
    clock = VirtualClock()
    api = serve(
        [Route("GET", "/t", "T")],
        invoke,
        clock=clock,
        throttling=StageThrottling(rate_limit=1, burst_limit=2),
    )
    try:
        statuses = [requests.get(f"{api.url}/t", timeout=5).status_code for _ in range(3)]
        clock.advance(1.0)
        after_refill = requests.get(f"{api.url}/t", timeout=5)
    finally:
        api.stop()

    assert statuses == [200, 200, 429]
    assert after_refill.status_code == 200
    assert len(invoke.calls) == 3


def test_given_stage_throttling_then_each_route_has_its_own_bucket(invoke):
    clock = VirtualClock()
    api = serve(
        [Route("GET", "/a", "A"), Route("GET", "/b", "B")],
        invoke,
        clock=clock,
        throttling=StageThrottling(rate_limit=1, burst_limit=1),
    )
    try:
        statuses = [
            requests.get(f"{api.url}/{path}", timeout=5).status_code for path in ("a", "b", "a")
        ]
    finally:
        api.stop()

    assert statuses == [200, 200, 429]


def test_given_default_route_settings_when_reading_throttling_then_rate_and_burst():
    throttling = StageThrottling.from_route_settings(
        {"ThrottlingBurstLimit": 200, "ThrottlingRateLimit": 100}
    )

    assert throttling == StageThrottling(rate_limit=100.0, burst_limit=200)
    assert StageThrottling.from_route_settings({}) is None


def test_given_the_same_request_twice_then_request_ids_differ(api, invoke):
    first = requests.post(f"{api.url}/webhooks/orders/x", data=b"{}", timeout=5)
    second = requests.post(f"{api.url}/webhooks/orders/x", data=b"{}", timeout=5)

    assert first.headers["apigw-requestid"] != second.headers["apigw-requestid"]
    assert json.loads(first.content) == {"ok": True}
