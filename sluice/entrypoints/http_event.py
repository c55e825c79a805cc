"""The event API Gateway HTTP APIs send to a Lambda integration, in payload format 2.0 or 1.0.

https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
- Header names are lower-cased. Format 2.0 joins repeated headers and query parameters with
  commas and moves the cookies to `cookies`; format 1.0 keeps the last value in `headers` /
  `queryStringParameters` and every value in the `multiValue*` fields.
- A body whose content type is not text is base64-encoded, with `isBase64Encoded: true`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from sluice.entrypoints.http_routes import PAYLOAD_V1, RouteMatch

STAGE = "$default"
_TEXT_TYPES = ("application/json", "application/xml", "application/javascript")
_TEXT_SUFFIXES = ("+json", "+xml")


@dataclass(frozen=True)
class HttpRequest:
    """An incoming request as the server read it."""

    method: str
    raw_path: str
    raw_query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        """The last value of a header (case-insensitive), or None."""
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        return values[-1] if values else None


@dataclass(frozen=True)
class RequestContext:
    """Who serves the request: the API, account, region, request id and arrival time."""

    api_id: str
    account_id: str
    region: str
    request_id: str
    time: datetime

    @property
    def domain_name(self) -> str:
        """The API's default endpoint host."""
        return f"{self.api_id}.execute-api.{self.region}.amazonaws.com"


def is_text(content_type: str | None) -> bool:
    """Whether API Gateway passes a body of this content type as text (else base64)."""
    if not content_type:
        return False
    media_type = content_type.split(";")[0].strip().lower()
    return (
        media_type.startswith("text/")
        or media_type in _TEXT_TYPES
        or media_type.endswith(_TEXT_SUFFIXES)
    )


def build_event(request: HttpRequest, match: RouteMatch, context: RequestContext) -> dict[str, Any]:
    """The Lambda event for the route's payload format version."""
    if match.route.payload_format_version == PAYLOAD_V1:
        return _event_v1(request, match, context)
    return _event_v2(request, match, context)


def _body(request: HttpRequest) -> tuple[str | None, bool]:
    if not request.body:
        return None, False
    if is_text(request.header("content-type")):
        return request.body.decode("utf-8", errors="replace"), False
    return base64.b64encode(request.body).decode("ascii"), True


def _request_time(moment: datetime) -> tuple[str, int]:
    """`12/Mar/2020:19:03:58 +0000` and epoch milliseconds."""
    return moment.strftime("%d/%b/%Y:%H:%M:%S +0000"), int(moment.timestamp() * 1000)


def _lower_headers(request: HttpRequest) -> list[tuple[str, str]]:
    return [(name.lower(), value) for name, value in request.headers]


def _event_v2(request: HttpRequest, match: RouteMatch, context: RequestContext) -> dict[str, Any]:
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in _lower_headers(request):
        if name == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    query: dict[str, str] = {}
    for name, value in parse_qsl(request.raw_query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    body, encoded = _body(request)
    time_text, time_epoch = _request_time(context.time)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": match.route.route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if query:
        event["queryStringParameters"] = query
    event["requestContext"] = {
        "accountId": context.account_id,
        "apiId": context.api_id,
        "domainName": context.domain_name,
        "domainPrefix": context.api_id,
        "http": {
            "method": request.method,
            "path": request.raw_path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": context.request_id,
        "routeKey": match.route.route_key,
        "stage": STAGE,
        "time": time_text,
        "timeEpoch": time_epoch,
    }
    if body is not None:
        event["body"] = body
    if match.path_parameters:
        event["pathParameters"] = dict(match.path_parameters)
    event["isBase64Encoded"] = encoded
    return event


def _event_v1(request: HttpRequest, match: RouteMatch, context: RequestContext) -> dict[str, Any]:
    multi_headers: dict[str, list[str]] = {}
    for name, value in _lower_headers(request):
        multi_headers.setdefault(name, []).append(value)
    multi_query: dict[str, list[str]] = {}
    for name, value in parse_qsl(request.raw_query, keep_blank_values=True):
        multi_query.setdefault(name, []).append(value)
    body, encoded = _body(request)
    time_text, time_epoch = _request_time(context.time)
    resource = match.route.route_key if match.route.is_default else match.route.path
    user_agent = request.header("user-agent")
    return {
        "version": "1.0",
        "resource": resource,
        "path": request.raw_path,
        "httpMethod": request.method,
        "headers": {name: values[-1] for name, values in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": (
            {name: values[-1] for name, values in multi_query.items()} if multi_query else None
        ),
        "multiValueQueryStringParameters": multi_query or None,
        "requestContext": {
            "accountId": context.account_id,
            "apiId": context.api_id,
            "domainName": context.domain_name,
            "domainPrefix": context.api_id,
            "extendedRequestId": context.request_id,
            "httpMethod": request.method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": request.source_ip,
                "user": None,
                "userAgent": user_agent,
                "userArn": None,
            },
            "path": request.raw_path,
            "protocol": request.protocol,
            "requestId": context.request_id,
            "requestTime": time_text,
            "requestTimeEpoch": time_epoch,
            "resourceId": None,
            "resourcePath": resource,
            "stage": STAGE,
        },
        "pathParameters": dict(match.path_parameters) or None,
        "stageVariables": None,
        "body": body,
        "isBase64Encoded": encoded,
    }
