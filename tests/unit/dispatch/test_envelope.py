"""Parsing request envelopes; a bad one names every problem."""

import json

import pytest

from sluice_shared.dispatch import RequestInvalid, parse_envelope
from sluice_shared.dispatch.envelope import task_token_in
from tests.unit.dispatch.support import envelope


def test_a_sample_envelope_parses_with_its_fields():
    request = parse_envelope(json.dumps(envelope("dispatcher/record-order-callback.json")))
    assert (request.provider, request.operation) == ("erp", "customers.recordOrder")
    assert request.business_key == "order-shopify-1043"
    assert request.task_token is not None


def test_an_envelope_without_fields_names_each_missing_one():
    with pytest.raises(RequestInvalid) as invalid:
        parse_envelope(json.dumps({"provider": "erp"}))
    for field in ("operation", "idempotencyKey", "businessKey", "payload"):
        assert field in str(invalid.value)


def test_a_body_that_is_not_json_is_invalid():
    with pytest.raises(RequestInvalid):
        parse_envelope('{"provider": ')


@pytest.mark.parametrize(
    ("body", "token"),
    [
        ('{"taskToken": "tok-1", "provider": 5}', "tok-1"),
        ('{"taskToken": ""}', None),
        ('{"taskToken": 7}', None),
        ('["taskToken"]', None),
        ("not json", None),
    ],
)
def test_the_token_of_an_invalid_body_is_found_when_there_is_one(body, token):
    assert task_token_in(body) == token


def test_an_envelope_without_an_account_is_for_the_default_account():
    request = parse_envelope(json.dumps(envelope()))
    assert request.account is None
    assert "account" not in request.to_json()


def test_an_envelope_names_its_account():
    request = parse_envelope(json.dumps(envelope(account="beta")))
    assert request.account == "beta"
    assert request.to_json()["account"] == "beta"


@pytest.mark.parametrize("account", ["", "be#ta", 7])
def test_an_envelope_with_a_bad_account_name_is_invalid(account):
    with pytest.raises(RequestInvalid, match="account"):
        parse_envelope(json.dumps(envelope(account=account)))
