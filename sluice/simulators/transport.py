"""The HTTP side of a simulator: a threading server on loopback that hands requests over."""

from __future__ import annotations

import logging
import socket
import struct
import threading
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sluice.simulators.messages import Response

logger = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
# SO_LINGER on with a zero timeout: close() sends RST instead of FIN.
_ABORTIVE_CLOSE = struct.pack("ii", 1, 0)


@dataclass(frozen=True)
class Incoming:
    """A request as read off the wire: header names lower-case, body still raw bytes."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    raw_body: bytes
    open_connections: int


Exchange = Callable[[Incoming], AbstractContextManager[Response | None]]
"""Turns a request into the response to write (None: reset the connection instead).

The context stays open while the response is written, so the request counts as in flight
until the client has its answer.
"""


class SimulatorHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server on loopback that counts and can close its open connections."""

    daemon_threads = True
    # The default listen backlog of 5 drops connection bursts (the client then waits for a
    # SYN retransmit); a cap test opens dozens at once.
    request_queue_size = 256

    def __init__(self, exchange: Exchange, *, port: int = 0) -> None:
        self.exchange = exchange
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((LOOPBACK, port), _SimulatorRequestHandler)

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return self.server_address[1]

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


class _SimulatorRequestHandler(BaseHTTPRequestHandler):
    """Reads one request, asks the simulator for the answer, writes it (keep-alive)."""

    server: SimulatorHTTPServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's
    # delayed ACK (about 40 ms per request).
    disable_nagle_algorithm = True

    def _handle(self) -> None:
        """Serve any method the same way; the simulator's router decides what is allowed."""
        target = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        incoming = Incoming(
            method=self.command,
            path=target.path,
            query=dict(parse_qsl(target.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in self.headers.items()},
            raw_body=self.rfile.read(length) if length > 0 else b"",
            open_connections=self.server.open_connections,
        )
        try:
            with self.server.exchange(incoming) as response:
                if response is None:
                    self._reset()
                else:
                    self._write(response)
        except (BrokenPipeError, ConnectionResetError):
            logger.debug("client went away before its answer", exc_info=True)
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def _write(self, response: Response) -> None:
        """Write `response` with its Content-Length, so the connection can be kept alive."""
        body, content_type = response.encode()
        self.send_response(response.status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _reset(self) -> None:
        """Drop the connection with a TCP reset and no answer at all."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _ABORTIVE_CLOSE)
        self.connection.close()

    def log_message(self, format: str, *args: Any) -> None:
        """Log requests through `logging` at debug level instead of stderr."""
        logger.debug("%s " + format, self.address_string(), *args)
