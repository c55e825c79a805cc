"""HTTP API routes as data, and how API Gateway picks the route for a request.

https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
A route key is `METHOD /path` (method may be `ANY`) or `$default`. Paths may hold `{name}`
variables and one trailing greedy `{name+}`. The most specific match wins: a full literal
match first, then the route with the most literal segments, a specific method before `ANY`,
and `$default` only when nothing else matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

DEFAULT_ROUTE = "$default"
ANY_METHOD = "ANY"
PAYLOAD_V2 = "2.0"
PAYLOAD_V1 = "1.0"
# HTTP APIs allow 50 ms to 30 s; 30 s is the default.
# https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-integrations.html
DEFAULT_TIMEOUT_MILLIS = 30_000
MIN_TIMEOUT_MILLIS = 50
MAX_TIMEOUT_MILLIS = 30_000

_VARIABLE = re.compile(r"^\{([A-Za-z0-9._-]+)(\+?)\}$")


@dataclass(frozen=True)
class Route:
    """One route: its method and path (or `$default`), the function, payload format, timeout."""

    method: str
    path: str
    function_name: str
    payload_format_version: str = PAYLOAD_V2
    timeout_millis: int = DEFAULT_TIMEOUT_MILLIS
    _segments: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.payload_format_version not in (PAYLOAD_V1, PAYLOAD_V2):
            raise ValueError(f"unsupported payload format version {self.payload_format_version}")
        if not MIN_TIMEOUT_MILLIS <= self.timeout_millis <= MAX_TIMEOUT_MILLIS:
            raise ValueError(f"TimeoutInMillis must be 50..30000, got {self.timeout_millis}")
        segments = () if self.is_default else tuple(self.path.strip("/").split("/"))
        for position, segment in enumerate(segments):
            variable = _VARIABLE.match(segment)
            if variable and variable.group(2) and position != len(segments) - 1:
                raise ValueError(f"a greedy variable must be the last segment: {self.path}")
        object.__setattr__(self, "method", self.method.upper())
        object.__setattr__(self, "_segments", segments)

    @property
    def is_default(self) -> bool:
        """Whether this is the `$default` catch-all route."""
        return self.path == DEFAULT_ROUTE or self.method == DEFAULT_ROUTE

    @property
    def route_key(self) -> str:
        """The route key as API Gateway reports it, e.g. `POST /orders/{id}` or `$default`."""
        return DEFAULT_ROUTE if self.is_default else f"{self.method} {self.path}"

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """The path parameters when this route serves `method path`, else None."""
        if self.is_default:
            return {}
        if self.method not in (ANY_METHOD, method.upper()):
            return None
        parts = path.strip("/").split("/")
        parameters: dict[str, str] = {}
        for position, segment in enumerate(self._segments):
            variable = _VARIABLE.match(segment)
            if variable and variable.group(2):
                rest = parts[position:]
                if not rest or rest == [""]:
                    return None
                parameters[variable.group(1)] = unquote("/".join(rest))
                return parameters
            if position >= len(parts):
                return None
            if variable:
                if not parts[position]:
                    return None
                parameters[variable.group(1)] = unquote(parts[position])
            elif segment != parts[position]:
                return None
        return parameters if len(parts) == len(self._segments) else None

    def specificity(self) -> tuple[int, int, int, int]:
        """Sort key: higher is more specific (never `$default` over a real route)."""
        if self.is_default:
            return (0, 0, 0, 0)
        literal = sum(1 for segment in self._segments if not _VARIABLE.match(segment))
        greedy = any(segment.endswith("+}") for segment in self._segments)
        return (1, 0 if greedy else 1, literal, 0 if self.method == ANY_METHOD else 1)


@dataclass(frozen=True)
class RouteMatch:
    """The route chosen for a request and the path parameters it captured."""

    route: Route
    path_parameters: dict[str, str]


class RouteTable:
    """The routes of one API."""

    def __init__(self, routes: list[Route]) -> None:
        keys = [route.route_key for route in routes]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"duplicate route keys: {duplicates}")
        self.routes = sorted(routes, key=Route.specificity, reverse=True)

    def find(self, method: str, path: str) -> RouteMatch | None:
        """The most specific route for `method path`, or None (API Gateway answers 404)."""
        for route in self.routes:
            parameters = route.match(method, path)
            if parameters is not None:
                return RouteMatch(route, parameters)
        return None


def route_from_sam_event(function_name: str, properties: dict[str, Any]) -> Route:
    """A route from the resolved `Properties` of a SAM function's `HttpApi` event.

    Without `Method` and `Path` the event is the API's `$default` route.
    """
    method = properties.get("Method")
    path = properties.get("Path")
    if method is None and path is None:
        method, path = DEFAULT_ROUTE, DEFAULT_ROUTE
    version = str(properties.get("PayloadFormatVersion", PAYLOAD_V2))
    timeout = int(properties.get("TimeoutInMillis", DEFAULT_TIMEOUT_MILLIS))
    method_name = str(method or ANY_METHOD).upper()
    if method_name == "X-AMAZON-APIGATEWAY-ANY-METHOD":
        method_name = ANY_METHOD
    return Route(
        method=method_name,
        path=str(path or DEFAULT_ROUTE),
        function_name=function_name,
        payload_format_version=version,
        timeout_millis=timeout,
    )
