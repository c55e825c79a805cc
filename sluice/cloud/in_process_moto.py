"""Answer the local cloud's boto3 calls to moto on the calling thread, not over loopback HTTP.

Handlers, the engine's integrations and the event source pollers reach moto through boto3
clients whose endpoint is the local cloud's moto server. Over HTTP each call also pays for a
socket round trip, urllib3 and werkzeug's request parsing on a server thread, about as much
CPU again as moto's own work (a DynamoDB PutItem: 5.2 ms over HTTP, 2.3 ms in-process), and
the local cloud has one Python core for all of it.

`InProcessMoto(url).install()` routes every botocore request for `url` to the WSGI
application moto's server runs (`DomainDispatcherApplication`), through a `before-send` hook
(the event botocore emits with the signed request, where moto's own `mock_aws` answers too),
and returns its answer as botocore's `AWSResponse`. Routing, accounts, regions and answers
are the server's own; an exception in moto becomes a 500, as the server would send. The call
runs in an empty `contextvars` context, as on a server thread: what moto's hooks start from
inside it (an S3 notification's invocation) must not inherit the caller's context. The
server keeps listening for clients outside the process (the AWS CLI, a browser) and for
plain HTTP (`requests`). Requests for any other URL go on as usual.

The hook is added once per process to botocore's built-in handlers (every session made later
has it) and to boto3's default session; a client made before that keeps using HTTP, which
gives the same answers.

Lambda timeouts: a call runs inside moto on the handler's thread. A timeout interrupt raised
there could leave moto's models half-changed (a message taken from its queue and not yet in
its DLQ), which a timeout cannot do on AWS, so the call is sealed against interrupts
(`safepoints.seal`): the timeout lands when the call returns, as on AWS, where a request
already sent is carried out.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.handlers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from moto.core.botocore_stubber import MockRawResponse
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.test import EnvironBuilder, run_wsgi_app

from sluice.lambda_runtime.safepoints import seal

_EVENT = "before-send"
_HOOK_ID = "sluice-in-process-moto"

logger = logging.getLogger(__name__)

# The moto servers routed in-process, by base URL (one per running local cloud).
_applications: dict[str, DomainDispatcherApplication] = {}
_lock = threading.Lock()


class InProcessMoto:
    """Routes boto3 requests for one moto server's base URL to moto in-process."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def install(self) -> InProcessMoto:
        """Route the URL's requests in-process (from now on, for every client made after)."""
        with _lock:
            _add_hook()
            _applications[self.url] = DomainDispatcherApplication(create_backend_app)
        return self

    def uninstall(self) -> None:
        """Send the URL's requests over HTTP again."""
        with _lock:
            _applications.pop(self.url, None)


def _add_hook() -> None:
    """Add the hook to the built-in handlers and to the default session, once each.

    botocore calls every `before-send` handler of a request (and uses the first answer), so a
    hook registered twice would run the call twice: the default session's registration (from
    the built-in handlers if it was made after them) is replaced by one under a unique id.
    """
    if (_EVENT, _answer_in_process) not in botocore.handlers.BUILTIN_HANDLERS:
        botocore.handlers.BUILTIN_HANDLERS.append((_EVENT, _answer_in_process))
    if boto3.DEFAULT_SESSION is not None:
        session = boto3.DEFAULT_SESSION._session
        session.unregister(_EVENT, _answer_in_process)
        session.register(_EVENT, _answer_in_process, unique_id=_HOOK_ID)


def _application_for(url: str) -> DomainDispatcherApplication | None:
    """The application routed for `url`'s base URL, if any."""
    for base, application in list(_applications.items()):
        if url == base or url.startswith(base + "/") or url.startswith(base + "?"):
            return application
    return None


def _answer_in_process(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
    """moto's answer to a signed request for a routed URL; None for any other URL."""
    application = _application_for(request.url)
    if application is None:
        return None
    # An empty context, as a server thread has: moto's hooks (S3 notifications, EventBridge)
    # start invocations from inside the call, which must not inherit the caller's
    # per-invocation context variables (its environment, its deadline).
    status, headers, body = contextvars.Context().run(_call, application, request)
    return AWSResponse(request.url, status, headers, MockRawResponse(body))


def _call(
    application: DomainDispatcherApplication, request: AWSPreparedRequest
) -> tuple[int, dict[str, str], bytes]:
    """Run the WSGI application on the request; its status, headers and body."""
    parts = urlsplit(request.url)
    environ = EnvironBuilder(
        path=parts.path or "/",
        base_url=f"{parts.scheme}://{parts.netloc}",
        query_string=parts.query,
        method=request.method,
        headers={name: _text(value) for name, value in request.headers.items()},
        data=_body(request.body),
    ).get_environ()
    try:
        chunks, status, headers = run_wsgi_app(application, environ, buffered=True)
        body = b"".join(chunks)
    except Exception:
        logger.exception("moto failed on %s %s", request.method, request.url)
        return 500, {}, b""
    return int(status.split(" ", 1)[0]), dict(headers.items()), body


seal(_call.__code__)


def _text(value: str | bytes) -> str:
    """A header value as text (signed requests carry some as bytes)."""
    return value.decode() if isinstance(value, bytes) else value


def _body(body: Any) -> bytes:
    """The request body as bytes (botocore sends bytes, text, a file or a stream)."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    if hasattr(body, "read"):
        data = body.read()
        return data.encode() if isinstance(data, str) else data
    return b"".join(chunk.encode() if isinstance(chunk, str) else chunk for chunk in body)
