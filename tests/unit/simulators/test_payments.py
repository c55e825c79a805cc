"""Payment gateway: idempotent captures, declines with codes."""

import pytest

from tests.unit.simulators.helpers import get, post

CAPTURE = {"amount": "49.90", "currency": "EUR", "paymentReference": "pay_123"}
KEY = {"Idempotency-Key": "shipment-shopify-SHP-000001-capture"}


def test_a_capture_succeeds_and_can_be_read(payments):
    """GIVEN a valid capture WHEN posted with a key THEN 201 succeeded, readable by id."""
    created = post(payments, "/captures", CAPTURE, **KEY)
    assert created.status_code == 201
    assert (created.json()["status"], created.json()["amount"]) == ("succeeded", "49.90")
    assert get(payments, f"/captures/{created.json()['id']}").json() == created.json()


def test_a_capture_without_an_idempotency_key_is_400(payments):
    """GIVEN no Idempotency-Key WHEN a capture is posted THEN 400 and nothing is captured."""
    assert post(payments, "/captures", CAPTURE).status_code == 400
    assert payments.captures == []


def test_a_repeated_capture_key_captures_once(payments):
    """GIVEN a capture WHEN the same request is repeated THEN one capture, same answer."""
    first = post(payments, "/captures", CAPTURE, **KEY)
    second = post(payments, "/captures", CAPTURE, **KEY)
    assert second.json() == first.json()
    assert len(payments.captures) == 1


def test_a_declined_reference_gets_402_with_its_code(payments):
    """GIVEN a reference configured to decline WHEN captured THEN 402 with the decline code."""
    body = {**CAPTURE, "paymentReference": "pay_insufficient_funds"}
    response = post(payments, "/captures", body, **KEY)
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "insufficient_funds"
    assert payments.captures == []


def test_declines_can_be_added_at_run_time_and_are_undone_by_reset(payments):
    """GIVEN a reference declined at run time WHEN captured THEN 402; after reset, 201."""
    payments.decline("pay_123", "do_not_honor")
    declined = post(payments, "/captures", CAPTURE, **KEY)
    payments.reset()
    captured = post(payments, "/captures", CAPTURE, **KEY)
    assert (declined.status_code, declined.json()["error"]["code"]) == (402, "do_not_honor")
    assert captured.status_code == 201


@pytest.mark.parametrize("amount", ["0.00", "1.005", "-3", "ten"])
def test_an_amount_that_is_not_a_positive_two_place_decimal_is_422(payments, amount):
    """GIVEN a zero, three-place, negative or non-numeric amount WHEN captured THEN 422."""
    response = post(payments, "/captures", {**CAPTURE, "amount": amount}, **KEY)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"
