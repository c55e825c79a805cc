"""The console served over HTTP on 127.0.0.1 (stdlib `http.server`, one thread per request).

Loopback only, and guarded as a local admin page must be: requests must name this server in
`Host` (a DNS-rebinding page cannot reach it), forms are accepted only from its own pages
(`Origin` / `Sec-Fetch-Site`), and every page forbids scripts, framing and foreign form
targets through its Content-Security-Policy.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sluice.console.api import ExecutionsApi
from sluice.console.app import ConsoleApp, Response
from sluice.console.layout import error_page
from sluice.loopback import LOOPBACK, LoopbackHTTPServer, LoopbackService, QuietRequestHandler

# A form carries at most a 256 KiB input, which form encoding can triple.
MAX_FORM_BYTES = 1024 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    # Not no-referrer: under it Chromium posts forms with `Origin: null`, which fails the check.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class ConsoleServer(LoopbackService):
    """Serves the console for a Step Functions endpoint on loopback.

    Use it as a context manager, or call `start()` (which returns the URL) and `stop()`.
    Port 0 (the default) picks a free ephemeral port.
    """

    def __init__(self, endpoint_url: str, *, region_name: str = "us-east-1", port: int = 0) -> None:
        app = ConsoleApp(ExecutionsApi.for_endpoint(endpoint_url, region_name))
        super().__init__(_ConsoleHTTPServer(app, port=port), thread_name="sluice-console")


class _ConsoleHTTPServer(LoopbackHTTPServer):
    """A loopback HTTP server that holds the console app."""

    def __init__(self, app: ConsoleApp, *, port: int) -> None:
        self.app = app
        super().__init__(_ConsoleRequestHandler, port=port)

    def own_hosts(self) -> set[str]:
        """The `Host` values that name this server."""
        return {f"{LOOPBACK}:{self.port}", f"localhost:{self.port}"}


class _ConsoleRequestHandler(QuietRequestHandler):
    """Checks where a request comes from, hands it to the app and writes the answer."""

    server: _ConsoleHTTPServer

    def do_GET(self) -> None:
        """Serve a page."""
        if not self._from_this_host():
            return
        parts = urlsplit(self.path)
        self._send(self.server.app.get(parts.path, _first_values(parts.query)))

    def do_POST(self) -> None:
        """Run a form's action."""
        if not self._from_this_host() or not self._from_own_page():
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_FORM_BYTES:
            self._send(Response(413, error_page("The form is larger than the console accepts.")))
            return
        body = self.rfile.read(length)
        if self.headers.get_content_type() != FORM_TYPE:
            self._send(Response(415, error_page("Send the form as a web form.")))
            return
        form = _first_values(body.decode("utf-8", errors="replace"))
        self._send(self.server.app.post(urlsplit(self.path).path, form))

    def _from_this_host(self) -> bool:
        """Refuse requests for another host name (DNS rebinding)."""
        if self.headers.get("Host") in self.server.own_hosts():
            return True
        self._send(Response(421, error_page("This console answers only on its own address.")))
        return False

    def _from_own_page(self) -> bool:
        """Refuse forms posted from another site's page (cross-site request forgery)."""
        origin = self.headers.get("Origin")
        site = self.headers.get("Sec-Fetch-Site")
        own_origins = {f"http://{host}" for host in self.server.own_hosts()}
        if (origin is None or origin in own_origins) and site in (None, "same-origin", "none"):
            return True
        self._send(Response(403, error_page("Forms are accepted only from the console's pages.")))
        return False

    def _send(self, response: Response) -> None:
        body = response.body.encode("utf-8")
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in {**SECURITY_HEADERS, **response.headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _first_values(encoded: str) -> dict[str, str]:
    """The first value of each field of a query string or form body."""
    return {name: values[0] for name, values in parse_qs(encoded, keep_blank_values=True).items()}
