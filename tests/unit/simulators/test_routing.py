"""Path templates and route resolution."""

from sluice.simulators.messages import Response
from sluice.simulators.routing import PathPattern, ResolvedRoute, Route, Router


def _ok(request):
    return Response(200)


def test_a_segment_parameter_matches_one_decoded_segment():
    """GIVEN `/sales-orders/{id}` WHEN matched THEN the id is captured, percent-decoded."""
    assert PathPattern("/sales-orders/{id}").match("/sales-orders/SO%2D1") == {"id": "SO-1"}
    assert PathPattern("/sales-orders/{id}").match("/sales-orders/1/lines") is None


def test_a_path_parameter_matches_the_rest_of_the_path():
    """GIVEN `/services/{hook:path}` WHEN matched THEN every remaining segment is captured."""
    assert PathPattern("/services/{hook:path}").match("/services/T1/B2/xyz") == {
        "hook": "T1/B2/xyz"
    }


def test_a_known_path_with_another_method_is_405_with_allow():
    """GIVEN only GET on a path WHEN POSTed THEN 405 naming the allowed method."""
    resolved = Router([Route("GET", "/things", _ok)]).resolve("POST", "/things")
    assert isinstance(resolved, Response)
    assert (resolved.status, resolved.headers["Allow"]) == (405, "GET")


def test_an_unknown_path_is_404():
    """GIVEN no route for a path WHEN resolved THEN 404."""
    resolved = Router([Route("GET", "/things", _ok)]).resolve("GET", "/other")
    assert isinstance(resolved, Response)
    assert resolved.status == 404


def test_a_matching_route_carries_its_parameters():
    """GIVEN a templated route WHEN resolved THEN the route and parameters come back."""
    route = Route("GET", "/things/{id}", _ok)
    resolved = Router([route]).resolve("GET", "/things/42")
    assert resolved == ResolvedRoute(route, {"id": "42"})
