"""A local API Gateway HTTP API: a threaded HTTP server on loopback that invokes Lambda routes.

Each request is matched to a route (404 `{"message":"Not Found"}` when none serves it),
checked against that route's throttling (429; `DefaultRouteSettings` limits apply to each
route separately), turned into the payload-format event and sent to the function
synchronously; the result is mapped back as HTTP APIs map it.

Errors, as HTTP APIs answer them:
- body over 10 MB: 413 (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html);
- function error or malformed result: 500 `{"message":"Internal Server Error"}`;
- the integration does not answer within `TimeoutInMillis`, or Lambda refuses the call
  because the function is throttled: 503 `{"message":"Service Unavailable"}`
  (REST APIs answer a timeout with 504; HTTP APIs with 503);
- any other Invoke error (function missing, bad payload): 500.
Every response carries the `apigw-requestid` header; the event's `requestContext.requestId`
holds the same id.
"""

from __future__ import annotations

import base64
import logging
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from sluice.clock import Clock, RealClock
from sluice.entrypoints.http_event import HttpRequest, RequestContext, build_event
from sluice.entrypoints.http_response import (
    INTERNAL_SERVER_ERROR,
    NOT_FOUND,
    REQUEST_TOO_LARGE,
    SERVICE_UNAVAILABLE,
    TOO_MANY_REQUESTS,
    HttpResponse,
    MalformedResponse,
    lambda_response,
)
from sluice.entrypoints.http_routes import Route, RouteTable
from sluice.entrypoints.invoker import REQUEST_RESPONSE, Invoke, is_throttle
from sluice.entrypoints.throttle import TokenBucket
from sluice.loopback import KeepAliveRequestHandler, LoopbackHTTPServer, LoopbackService
from sluice.timeouts import wait_for_work

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
_SHUTDOWN_POLL_SECONDS = 0.02

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageThrottling:
    """A stage's default route throttling: steady rate (requests/s) and burst."""

    rate_limit: float
    burst_limit: int

    @classmethod
    def from_route_settings(cls, settings: dict[str, Any] | None) -> StageThrottling | None:
        """Read `DefaultRouteSettings`; None when it sets no throttling."""
        settings = settings or {}
        rate = settings.get("ThrottlingRateLimit")
        burst = settings.get("ThrottlingBurstLimit")
        if rate is None and burst is None:
            return None
        return cls(
            rate_limit=float(rate if rate is not None else burst),
            burst_limit=int(burst if burst is not None else rate),
        )


def new_request_id() -> str:
    """An id shaped like API Gateway's, e.g. `JKJaXmPLvHcESHA=`."""
    return base64.b64encode(secrets.token_bytes(11)).decode("ascii")


class HttpApi(LoopbackService):
    """One HTTP API's `$default` stage served on 127.0.0.1 (port 0 picks a free port).

    Use it as a context manager, or call `start()` (which returns the base URL) and `stop()`.
    """

    def __init__(
        self,
        routes: list[Route],
        invoke: Invoke,
        *,
        clock: Clock | None = None,
        api_id: str | None = None,
        account_id: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
        throttling: StageThrottling | None = None,
        port: int = 0,
    ) -> None:
        self.routes = RouteTable(routes)
        self.clock = clock or RealClock()
        self.api_id = api_id or secrets.token_hex(5)
        self.account_id = account_id
        self.region = region
        self._invoke = invoke
        self._buckets = {
            route.route_key: TokenBucket(self.clock, throttling.rate_limit, throttling.burst_limit)
            for route in routes
            if throttling is not None
        }
        super().__init__(
            LoopbackHTTPServer(_handler_for(self), port=port),
            thread_name=f"http-api-{self.api_id}",
            poll_interval=_SHUTDOWN_POLL_SECONDS,
        )

    def handle(self, request: HttpRequest, request_id: str) -> HttpResponse:
        """Answer one request as API Gateway would."""
        match = self.routes.find(request.method, request.raw_path)
        if match is None:
            return NOT_FOUND
        bucket = self._buckets.get(match.route.route_key)
        if bucket is not None and not bucket.take():
            return TOO_MANY_REQUESTS
        context = RequestContext(
            self.api_id, self.account_id, self.region, request_id, self.clock.now()
        )
        event = build_event(request, match, context)
        return self._integrate(match.route, event)

    def _integrate(self, route: Route, event: dict[str, Any]) -> HttpResponse:
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def call() -> None:
            try:
                outcome["result"] = self._invoke(route.function_name, event, REQUEST_RESPONSE)
            except Exception as error:
                outcome["error"] = error
            finally:
                done.set()

        threading.Thread(target=call, name=f"http-api-{route.function_name}", daemon=True).start()
        if not wait_for_work(self.clock, done, route.timeout_millis / 1000):
            logger.warning("%s: no answer within %d ms", route.route_key, route.timeout_millis)
            return SERVICE_UNAVAILABLE
        error = outcome.get("error")
        if error is not None:
            logger.warning("%s: Invoke failed: %s", route.route_key, error)
            return SERVICE_UNAVAILABLE if is_throttle(error) else INTERNAL_SERVER_ERROR
        result = outcome["result"]
        if result.function_error is not None:
            return INTERNAL_SERVER_ERROR
        try:
            return lambda_response(result.payload, route.payload_format_version)
        except MalformedResponse as malformed:
            logger.warning("%s: malformed Lambda response: %s", route.route_key, malformed)
            return INTERNAL_SERVER_ERROR


def _handler_for(api: HttpApi) -> type[BaseHTTPRequestHandler]:
    class _Handler(_ApiRequestHandler):
        target = api

    return _Handler


class _ApiRequestHandler(KeepAliveRequestHandler):
    """Reads a request, hands it to the API, writes the answer."""

    target: HttpApi

    def do_request(self) -> None:
        """Serve any method."""
        request_id = new_request_id()
        raw_path, _, raw_query = self.path.partition("?")
        body = self._read_body()
        if body is None:
            self._write(REQUEST_TOO_LARGE, request_id)
            self.close_connection = True
            return
        client_ip = self.client_address[0]
        server_port = self.server.server_address[1]
        headers = [*self.headers.items()]
        headers += [
            ("X-Amzn-Trace-Id", f"Root=1-{secrets.token_hex(4)}-{secrets.token_hex(12)}"),
            ("X-Forwarded-For", str(client_ip)),
            ("X-Forwarded-Port", str(server_port)),
            ("X-Forwarded-Proto", "http"),
        ]
        request = HttpRequest(
            method=self.command,
            raw_path=raw_path,
            raw_query=raw_query,
            headers=headers,
            body=body,
            source_ip=str(client_ip),
            protocol=self.request_version,
        )
        self._write(self.target.handle(request, request_id), request_id)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_request

    def _read_body(self) -> bytes | None:
        """The body, or None when it is over the payload limit."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_PAYLOAD_BYTES:
            return None
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        total = 0
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return b"".join(chunks)
            total += size
            if total > MAX_PAYLOAD_BYTES:
                return None
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _write(self, response: HttpResponse, request_id: str) -> None:
        self.send_response_only(response.status)
        self.send_header("Date", self.date_time_string())
        names = {name.lower() for name, _ in response.headers}
        for name, value in response.headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        if "content-type" not in names and response.body:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("apigw-requestid", request_id)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
