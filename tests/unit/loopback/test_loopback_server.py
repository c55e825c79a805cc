"""The shared loopback HTTP server: where it listens, its life cycle, its open connections."""

from __future__ import annotations

import http.client
import logging
import socket

import pytest

from sluice.loopback import (
    LOOPBACK,
    KeepAliveRequestHandler,
    LoopbackHTTPServer,
    LoopbackService,
)

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])


class _Echo(KeepAliveRequestHandler):
    """Answers every GET with its path, keeping the connection alive."""

    def do_GET(self) -> None:
        body = self.path.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def service() -> LoopbackService:
    """An echo service on a free port."""
    return LoopbackService(LoopbackHTTPServer(_Echo), thread_name="test-echo")


def get(url: str, path: str) -> tuple[http.client.HTTPConnection, bytes]:
    """GET `path` on a fresh keep-alive connection; return the open connection and the body."""
    connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=5)
    connection.request("GET", path)
    return connection, connection.getresponse().read()


def test_start_serves_on_loopback_and_returns_the_url() -> None:
    """GIVEN a service on port 0 WHEN started THEN it answers at http://127.0.0.1:<its port>."""
    with service() as echo:
        assert echo.url == f"http://{LOOPBACK}:{echo.port}" and echo.port > 0
        connection, body = get(echo.url, "/hello")
        connection.close()
    assert body == b"/hello"


def test_starting_twice_keeps_one_server() -> None:
    """GIVEN a started service WHEN started again THEN the same URL comes back, still serving."""
    echo = service()
    try:
        assert echo.start() == echo.start()
        connection, body = get(echo.url, "/again")
        connection.close()
        assert body == b"/again"
    finally:
        echo.stop()


def test_stop_closes_idle_keep_alive_connections() -> None:
    """GIVEN an idle keep-alive connection WHEN the service stops THEN the server closed it."""
    http_server = LoopbackHTTPServer(_Echo)
    echo = LoopbackService(http_server, thread_name="test-echo")
    echo.start()
    connection, _ = get(echo.url, "/idle")
    try:
        assert http_server.open_connections == 1
        echo.stop()
        assert connection.sock is not None
        assert connection.sock.recv(1) == b""
    finally:
        connection.close()


def test_stop_releases_the_port() -> None:
    """GIVEN a stopped service WHEN its port is bound again THEN the bind succeeds."""
    echo = service()
    echo.start()
    port = echo.port
    echo.stop()
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((LOOPBACK, port))


def test_stop_without_start_releases_the_port() -> None:
    """GIVEN a service never started WHEN stopped THEN nothing hangs and the socket is closed."""
    echo = service()
    echo.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((LOOPBACK, echo.port), timeout=5).close()


def test_requests_are_logged_at_debug_level_by_the_handlers_module(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """GIVEN a served request WHEN the server has answered THEN its module logger has the line."""
    with caplog.at_level(logging.DEBUG, logger=__name__), service() as echo:
        connection, _ = get(echo.url, "/logged")
        connection.close()
    [record] = [r for r in caplog.records if r.name == __name__]
    assert record.levelno == logging.DEBUG
    assert '"GET /logged HTTP/1.1" 200' in record.getMessage()
