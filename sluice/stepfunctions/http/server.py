"""The Step Functions API served over HTTP on 127.0.0.1, one thread per connection."""

from __future__ import annotations

from sluice.loopback import KeepAliveRequestHandler, LoopbackHTTPServer, LoopbackService
from sluice.stepfunctions.http.responses import ApiResponse, StepFunctionsResponses

# boto3 reads these when a client is built with no endpoint_url. StartSyncExecution and
# TestState carry the host prefix "sync-", which an IP endpoint cannot take.
ENDPOINT_URL_ENV = "AWS_ENDPOINT_URL_SFN"
DISABLE_HOST_PREFIX_ENV = "AWS_DISABLE_HOST_PREFIX_INJECTION"


class StepFunctionsServer(LoopbackService):
    """Serves a Step Functions service on loopback for boto3, the `aws` CLI and SDKs.

    Use it as a context manager, or call `start()` (which returns the URL) and `stop()`.
    Port 0 (the default) picks a free ephemeral port.
    """

    def __init__(self, service: object, *, port: int = 0) -> None:
        http = _ApiHTTPServer(StepFunctionsResponses(service), port=port)
        super().__init__(http, thread_name="sluice-stepfunctions-api")

    @property
    def client_environment(self) -> dict[str, str]:
        """Environment variables that point `boto3.client("stepfunctions")` at this server."""
        return {ENDPOINT_URL_ENV: self.url, DISABLE_HOST_PREFIX_ENV: "true"}


class _ApiHTTPServer(LoopbackHTTPServer):
    """A loopback HTTP server that holds the Step Functions responses."""

    def __init__(self, responses: StepFunctionsResponses, *, port: int) -> None:
        self.responses = responses
        super().__init__(_ApiRequestHandler, port=port)


class _ApiRequestHandler(KeepAliveRequestHandler):
    """Handles AWS JSON 1.0 requests: a POST routed by its `X-Amz-Target` header."""

    server: _ApiHTTPServer

    def do_POST(self) -> None:
        """Dispatch the operation named by `X-Amz-Target` to the service."""
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._send(self.server.responses.dispatch(self.headers.get("X-Amz-Target"), body))

    def _send(self, response: ApiResponse) -> None:
        """Write `response` with its Content-Length (connections are kept alive)."""
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)
