"""The HTTP side of a simulator: a threading server on loopback that hands requests over."""

from __future__ import annotations

import logging
import socket
import struct
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from sluice.loopback import KeepAliveRequestHandler, LoopbackHTTPServer
from sluice.simulators.messages import Response

logger = logging.getLogger(__name__)

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


class SimulatorHTTPServer(LoopbackHTTPServer):
    """A loopback HTTP server that hands every request to its simulator's exchange."""

    # The default listen backlog of 5 drops connection bursts (the client then waits for a
    # SYN retransmit); a cap test opens dozens at once.
    request_queue_size = 256

    def __init__(self, exchange: Exchange, *, port: int = 0) -> None:
        self.exchange = exchange
        super().__init__(_SimulatorRequestHandler, port=port)


class _SimulatorRequestHandler(KeepAliveRequestHandler):
    """Reads one request, asks the simulator for the answer, writes it (keep-alive)."""

    server: SimulatorHTTPServer

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
