"""HTTP API route data: SAM events, validation and matching."""

from __future__ import annotations

import pytest

from sluice.entrypoints.http_routes import Route, RouteTable, route_from_sam_event


def test_given_the_template_webhook_event_then_the_route_has_its_settings():
    route = route_from_sam_event(
        "IngestOrderFunction",
        {
            "ApiId": "OrdersApi",
            "Method": "POST",
            "Path": "/webhooks/orders/{source}",
            "PayloadFormatVersion": "2.0",
            "TimeoutInMillis": 10000,
        },
    )

    assert route.route_key == "POST /webhooks/orders/{source}"
    assert route.timeout_millis == 10_000
    assert route.payload_format_version == "2.0"


def test_given_a_sam_event_without_method_and_path_then_it_is_the_default_route():
    route = route_from_sam_event("Fallback", {"ApiId": "OrdersApi"})

    assert route.route_key == "$default"


def test_given_a_greedy_variable_then_it_captures_the_rest_of_the_path():
    match = RouteTable([Route("ANY", "/files/{key+}", "F")]).find("PUT", "/files/a/b%20c")

    assert match is not None
    assert match.path_parameters == {"key": "a/b c"}


def test_given_specific_and_any_methods_then_the_specific_method_wins():
    table = RouteTable([Route("ANY", "/x", "Any"), Route("GET", "/x", "Get")])

    assert table.find("GET", "/x").route.function_name == "Get"  # type: ignore[union-attr]
    assert table.find("POST", "/x").route.function_name == "Any"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (lambda: Route("GET", "/{a+}/b", "F"), "greedy"),
        (lambda: Route("GET", "/a", "F", timeout_millis=40_000), "TimeoutInMillis"),
        (lambda: Route("GET", "/a", "F", payload_format_version="3.0"), "payload format"),
        (lambda: RouteTable([Route("GET", "/a", "F"), Route("get", "/a", "G")]), "duplicate"),
    ],
)
def test_given_invalid_route_data_then_it_is_rejected(route, message):
    with pytest.raises(ValueError, match=message):
        route()
