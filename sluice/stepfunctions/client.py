"""An in-process Step Functions client: boto3's own client, answered without any network.

Why a real boto3 client: handler code written against `boto3.client("stepfunctions")` must
work unchanged with the local engine. Rather than imitate boto3 (method per operation,
parameter validation, response parsing, datetimes, `ClientError`, `client.exceptions`,
paginators), `StepFunctionsClient` builds a genuine boto3 client and short-circuits its
HTTP send: a `before-send` event hook hands the signed request to the same
`StepFunctionsResponses` dispatcher the HTTP server uses and returns its answer as an
`AWSResponse`, so botocore parses it exactly as it parses AWS's. `botocore.stub.Stubber`
does not fit: it replays canned responses and never reaches a backend.

The client's endpoint is a reserved `.invalid` host no moto URL pattern matches, so the hook
answers even while `moto.mock_aws` intercepts other AWS calls. Retries are off: an
in-process failure is deterministic and retrying would only repeat side effects.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.client import BaseClient
from botocore.config import Config

from sluice.stepfunctions.http.responses import StepFunctionsResponses

IN_PROCESS_ENDPOINT = "http://stepfunctions.sluice.invalid"

# Requests are signed before `before-send`, so the client needs credentials; these never
# leave the process.
_LOCAL_CREDENTIALS = {"aws_access_key_id": "sluice-local", "aws_secret_access_key": "sluice-local"}


class StepFunctionsClient:
    """A boto3 Step Functions client whose calls reach a local service in-process.

    Every attribute of boto3's client is available (`start_execution(...)`, `exceptions`,
    `get_paginator`, `meta`); `boto3_client` is the client itself, for code that needs the
    object (e.g. an `isinstance` check). Building one costs as much as `boto3.client(...)`,
    so build it once and share it (calls are thread-safe).
    """

    def __init__(self, service: object, *, region_name: str = "us-east-1") -> None:
        self._responses = StepFunctionsResponses(service)
        session = boto3.session.Session(region_name=region_name, **_LOCAL_CREDENTIALS)
        self.boto3_client: BaseClient = session.client(
            "stepfunctions",
            endpoint_url=IN_PROCESS_ENDPOINT,
            config=Config(retries={"total_max_attempts": 1}, inject_host_prefix=False),
        )
        self.boto3_client.meta.events.register_first("before-send.sfn", self._send_in_process)

    def __getattr__(self, name: str) -> Any:
        """Return the boto3 client's attribute `name` (operations, `exceptions`, `meta`...)."""
        if name == "boto3_client":  # not built yet (a failed __init__): no recursion
            raise AttributeError(name)
        return getattr(self.boto3_client, name)

    def __dir__(self) -> list[str]:
        """List this object's attributes and the boto3 client's."""
        return sorted({*super().__dir__(), *dir(self.boto3_client)})

    def _send_in_process(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        """Answer a signed request with the local service instead of sending it."""
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        answer = self._responses.dispatch(_text(request.headers.get("X-Amz-Target")), body)
        return AWSResponse(request.url, answer.status, answer.headers, _RawBody(answer.body))


def _text(header: str | bytes | None) -> str | None:
    """Return a header value as text (signed requests carry some as bytes)."""
    return header.decode() if isinstance(header, bytes) else header


class _RawBody:
    """The raw body of an in-process response, in the form botocore reads (`stream()`)."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        """Yield the whole body at once."""
        yield self._body
