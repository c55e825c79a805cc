"""Routes of a simulator: a method and a path template such as `/sales-orders/{id}`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from sluice.simulators.messages import Request, Response, error

Handler = Callable[[Request], Response]

_PARAMETER = re.compile(r"\{(\w+)(:path)?\}")


class PathPattern:
    """A path template: `{name}` matches one segment, `{name:path}` the rest of the path."""

    def __init__(self, template: str) -> None:
        self.template = template
        pattern = ""
        position = 0
        for match in _PARAMETER.finditer(template):
            pattern += re.escape(template[position : match.start()])
            segment = ".+" if match.group(2) else "[^/]+"
            pattern += f"(?P<{match.group(1)}>{segment})"
            position = match.end()
        pattern += re.escape(template[position:])
        self._regex = re.compile(pattern + r"/?\Z")

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters (percent-decoded) if `path` fits the template, else None."""
        found = self._regex.match(path)
        if found is None:
            return None
        return {name: unquote(value) for name, value in found.groupdict().items()}


@dataclass(frozen=True)
class Route:
    """One operation: `requires_idempotency_key` answers 400 to a request without the header."""

    method: str
    path: str
    handler: Handler
    requires_idempotency_key: bool = False


@dataclass(frozen=True)
class ResolvedRoute:
    """A route that matched a request, with the path parameters it captured."""

    route: Route
    path_params: Mapping[str, str]


class Router:
    """Finds the route for a method and path; 404 for an unknown path, 405 for a wrong method."""

    def __init__(self, routes: Sequence[Route]) -> None:
        self._routes = [(route, PathPattern(route.path)) for route in routes]

    def resolve(self, method: str, path: str) -> ResolvedRoute | Response:
        """The matching route, or the error response to give instead."""
        allowed: list[str] = []
        for route, pattern in self._routes:
            params = pattern.match(path)
            if params is None:
                continue
            if route.method == method:
                return ResolvedRoute(route, params)
            allowed.append(route.method)
        if allowed:
            return Response(
                405, {"message": f"{method} not allowed on {path}"}, {"Allow": ", ".join(allowed)}
            )
        return error(404, f"no route for {path}")
