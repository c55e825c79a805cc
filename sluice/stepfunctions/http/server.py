"""The Step Functions API served over HTTP on 127.0.0.1, one thread per connection."""

from __future__ import annotations

import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from sluice.stepfunctions.http.responses import ApiResponse, StepFunctionsResponses

logger = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"

# boto3 reads these when a client is built with no endpoint_url. StartSyncExecution and
# TestState carry the host prefix "sync-", which an IP endpoint cannot take.
ENDPOINT_URL_ENV = "AWS_ENDPOINT_URL_SFN"
DISABLE_HOST_PREFIX_ENV = "AWS_DISABLE_HOST_PREFIX_INJECTION"


class StepFunctionsServer:
    """Serves a Step Functions service on loopback for boto3, the `aws` CLI and SDKs.

    Use it as a context manager, or call `start()` (which returns the URL) and `stop()`.
    Port 0 (the default) picks a free ephemeral port.
    """

    def __init__(self, service: object, *, port: int = 0) -> None:
        self._http = _ApiHTTPServer((LOOPBACK, port), StepFunctionsResponses(service))
        self._thread = threading.Thread(
            target=self._http.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"sluice-stepfunctions-api-{self.port}",
            daemon=True,
        )

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return self._http.server_address[1]

    @property
    def url(self) -> str:
        """The endpoint URL to give clients (`endpoint_url`, `--endpoint-url`)."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def client_environment(self) -> dict[str, str]:
        """Environment variables that point `boto3.client("stepfunctions")` at this server."""
        return {ENDPOINT_URL_ENV: self.url, DISABLE_HOST_PREFIX_ENV: "true"}

    def start(self) -> str:
        """Start serving in a background thread; return the endpoint URL."""
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving, close open connections and release the port."""
        if self._thread.is_alive():
            self._http.shutdown()
            self._thread.join()
        self._http.close_connections()
        self._http.server_close()

    def __enter__(self) -> StepFunctionsServer:
        """Start the server."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the server."""
        self.stop()


class _ApiHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its open connections, so it can close them."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], responses: StepFunctionsResponses) -> None:
        self.responses = responses
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _ApiRequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Remember the connection, then serve it in its own thread."""
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget the connection once its thread is done with it."""
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down every open (e.g. keep-alive) connection so its thread ends."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                logger.debug("connection already closed", exc_info=True)


class _ApiRequestHandler(BaseHTTPRequestHandler):
    """Handles AWS JSON 1.0 requests: a POST routed by its `X-Amz-Target` header."""

    server: _ApiHTTPServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle on, the body waits for the
    # client's delayed ACK (about 40 ms a request).
    disable_nagle_algorithm = True

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

    def log_message(self, format: str, *args: Any) -> None:
        """Log requests through `logging` at debug level instead of stderr."""
        logger.debug("%s " + format, self.address_string(), *args)
