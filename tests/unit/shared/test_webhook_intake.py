"""Webhook intake: the shared checks, their order, and reading the body as a model."""

import base64
from decimal import Decimal

import pytest
from pydantic import BaseModel

from sluice_shared.webhooks.http import WebhookRequest, WebhookResponse
from sluice_shared.webhooks.intake import parse_model, rejected, verified_body
from sluice_shared.webhooks.signature import SIGNATURE_HEADER, sign
from tests.fixtures.logs import capture_logs

SECRET = "intake-test-secret"
BODY = b'{"id":"A-1","total":12.10}'


class Priced(BaseModel):
    """A small model with a money field."""

    id: str
    total: Decimal


def request(**changes: object) -> WebhookRequest:
    """A signed JSON POST of `BODY` from source `shop`, with `changes` applied."""
    values: dict[str, object] = {
        "method": "POST",
        "body": BODY.decode("utf-8"),
        "is_base64_encoded": False,
        "headers": {"content-type": "application/json", SIGNATURE_HEADER: sign(BODY, SECRET)},
        "source": "shop",
    }
    values.update(changes)
    return WebhookRequest(**values)


def check(webhook: WebhookRequest, max_body_bytes: int = 1024) -> bytes | WebhookResponse:
    """Run the checks with the test secret."""
    return verified_body(webhook, max_body_bytes=max_body_bytes, webhook_secret=lambda: SECRET)


def test_a_signed_json_post_yields_its_raw_body() -> None:
    """GIVEN a signed JSON POST WHEN checked THEN the body bytes come back unchanged."""
    assert check(request()) == BODY


def test_a_base64_encoded_body_is_decoded_before_the_signature_is_checked() -> None:
    """GIVEN API Gateway base64-encoded the body WHEN checked THEN the decoded bytes verify."""
    encoded = request(body=base64.b64encode(BODY).decode("ascii"), is_base64_encoded=True)
    assert check(encoded) == BODY


@pytest.mark.parametrize(
    ("changes", "max_body_bytes", "status_code", "message"),
    [
        ({"method": "GET"}, 1024, 405, "method not allowed"),
        ({"source": "Bad/Source"}, 1024, 404, "unknown webhook source"),
        ({"source": None}, 1024, 404, "unknown webhook source"),
        ({"body": "not base64!", "is_base64_encoded": True}, 1024, 400, "body is not valid base64"),
        ({}, 8, 413, "body is larger than 8 bytes"),
        (
            {"headers": {"content-type": "text/plain"}},
            1024,
            415,
            "content type must be application/json",
        ),
        (
            {"headers": {"content-type": "application/json"}},
            1024,
            401,
            "missing X-Sluice-Signature header",
        ),
        (
            {"headers": {"content-type": "application/json", SIGNATURE_HEADER: "sha256=00"}},
            1024,
            401,
            "invalid signature",
        ),
    ],
)
def test_each_failed_check_answers_with_its_status(
    changes: dict, max_body_bytes: int, status_code: int, message: str
) -> None:
    """GIVEN a request failing one check WHEN checked THEN that check's answer comes back."""
    answer = check(request(**changes), max_body_bytes)
    assert isinstance(answer, WebhookResponse)
    assert (answer.status_code, answer.body["message"]) == (status_code, message)


def test_the_secret_is_not_read_when_a_cheaper_check_fails() -> None:
    """GIVEN an oversized body WHEN checked THEN the secret getter is never called."""

    def secret() -> str:
        raise AssertionError("secret read for a request refused earlier")

    answer = verified_body(request(), max_body_bytes=8, webhook_secret=secret)
    assert isinstance(answer, WebhookResponse)
    assert answer.status_code == 413


def test_a_method_refusal_names_the_allowed_method() -> None:
    """GIVEN a GET WHEN checked THEN the 405 carries `allow: POST`."""
    answer = check(request(method="GET"))
    assert isinstance(answer, WebhookResponse)
    assert answer.headers == {"allow": "POST"}


def test_a_json_object_is_read_as_the_model_with_the_given_float_parser() -> None:
    """GIVEN a valid body and `parse_float=Decimal` WHEN parsed THEN money stays exact."""
    parsed = parse_model(BODY, Priced, "order", parse_float=Decimal)
    assert parsed == Priced(id="A-1", total=Decimal("12.10"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "body is not valid JSON"),
        (b"\xff\xfe", "body is not valid JSON"),
        (b"[1, 2]", "body must be a JSON object"),
        (b'{"id": "A-1"}', "order has invalid fields"),
    ],
)
def test_a_body_that_is_not_the_model_answers_400(body: bytes, message: str) -> None:
    """GIVEN a body that is not a valid model WHEN parsed THEN a 400 says why."""
    answer = parse_model(body, Priced, "order")
    assert isinstance(answer, WebhookResponse)
    assert (answer.status_code, answer.body["message"]) == (400, message)


def test_invalid_fields_are_listed_in_the_answer() -> None:
    """GIVEN a body missing a field WHEN parsed THEN the answer lists the field errors."""
    answer = parse_model(b'{"id": "A-1"}', Priced, "shipment")
    assert isinstance(answer, WebhookResponse)
    assert answer.body["message"] == "shipment has invalid fields"
    assert answer.body["errors"]


def test_a_refusal_is_logged_with_its_status_and_returned_unchanged() -> None:
    """GIVEN a refusal WHEN passed to `rejected` THEN it is logged and returned as is."""
    logs = capture_logs()
    answer = WebhookResponse(415, {"message": "content type must be application/json"})
    assert rejected(answer) is answer
    assert [(line["message"], line["statusCode"]) for line in logs.lines()] == [
        ("webhook rejected", 415)
    ]
