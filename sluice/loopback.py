"""A threading HTTP server on 127.0.0.1, its request handler bases, and its life cycle.

The local cloud's HTTP faces (the Step Functions API, the HTTP APIs, the console, the provider
simulators) all serve this way: start in a background thread, give out the URL, stop. Stopping
ends the serving loop, shuts down the connections still open (an idle keep-alive one would
otherwise hold its handler thread), and releases the port.
"""

from __future__ import annotations

import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

logger = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"


class QuietRequestHandler(BaseHTTPRequestHandler):
    """A request handler that logs each request at debug level instead of writing to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        """Log through the logger of the module that defines the handler."""
        logger_name = type(self).__module__
        logging.getLogger(logger_name).debug("%s " + format, self.address_string(), *args)


class KeepAliveRequestHandler(QuietRequestHandler):
    """A handler for HTTP/1.1 keep-alive: every answer must carry its Content-Length."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle on, the body waits for the
    # client's delayed ACK (about 40 ms a request).
    disable_nagle_algorithm = True


class LoopbackHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server on loopback that counts and can close its open connections.

    Port 0 (the default) picks a free ephemeral port.
    """

    daemon_threads = True

    def __init__(self, handler_class: type[BaseHTTPRequestHandler], *, port: int = 0) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((LOOPBACK, port), handler_class)

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return self.server_address[1]

    @property
    def url(self) -> str:
        """The base URL, e.g. `http://127.0.0.1:54321`."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def open_connections(self) -> int:
        """The number of TCP connections open now (busy or idle keep-alive)."""
        with self._connections_lock:
            return len(self._connections)

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
        """Shut down every open connection so its thread ends."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                logger.debug("connection already closed", exc_info=True)


class LoopbackService:
    """Runs a `LoopbackHTTPServer` in a background thread.

    Use it as a context manager, or call `start()` (which returns the URL) and `stop()`.
    `thread_name` is suffixed with the port; `poll_interval` bounds how long `stop()` waits for
    the serving loop to notice.
    """

    def __init__(
        self, http: LoopbackHTTPServer, *, thread_name: str, poll_interval: float = 0.05
    ) -> None:
        self._http = http
        self._thread_name = f"{thread_name}-{http.port}"
        self._poll_interval = poll_interval
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return self._http.port

    @property
    def url(self) -> str:
        """The base URL to give clients, e.g. `http://127.0.0.1:54321`."""
        return self._http.url

    def start(self) -> str:
        """Start serving in a background thread (once); return the URL."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._http.serve_forever,
                kwargs={"poll_interval": self._poll_interval},
                name=self._thread_name,
                daemon=True,
            )
            self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving, close open connections and release the port."""
        if self._thread is not None:
            self._http.shutdown()
            self._thread.join()
            self._thread = None
        self._http.close_connections()
        self._http.server_close()

    def __enter__(self) -> Self:
        """Start serving."""
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop serving, whether or not the block raised."""
        self.stop()
