"""Webhook signatures: HMAC-SHA256 of the raw body, `sha256=<hex>`."""

import hashlib
import hmac

from sluice_shared.webhooks.signature import is_valid_signature, sign

BODY = b'{"id":1042}'
SECRET = "local-webhook-secret"


def test_sign_is_the_hex_hmac_sha256_of_the_body():
    """GIVEN a body and secret WHEN signed THEN `sha256=` + the HMAC hex digest."""
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert sign(BODY, SECRET) == f"sha256={expected}"


def test_the_correct_signature_is_valid():
    """GIVEN the body's own signature WHEN verified THEN valid."""
    assert is_valid_signature(BODY, SECRET, sign(BODY, SECRET))


def test_an_upper_case_hex_digest_is_accepted():
    """GIVEN the signature in upper case WHEN verified THEN valid (hex is case-free)."""
    assert is_valid_signature(BODY, SECRET, sign(BODY, SECRET).upper())


def test_a_signature_made_with_another_secret_is_invalid():
    """GIVEN a signature from another secret WHEN verified THEN invalid."""
    assert not is_valid_signature(BODY, SECRET, sign(BODY, "other-secret"))


def test_a_signature_of_another_body_is_invalid():
    """GIVEN a signature of a changed body WHEN verified THEN invalid."""
    assert not is_valid_signature(BODY, SECRET, sign(b'{"id":1043}', SECRET))


def test_a_missing_signature_is_invalid():
    """GIVEN no header value WHEN verified THEN invalid."""
    assert not is_valid_signature(BODY, SECRET, None)


def test_a_bare_digest_without_the_scheme_is_invalid():
    """GIVEN the digest without `sha256=` WHEN verified THEN invalid."""
    assert not is_valid_signature(BODY, SECRET, sign(BODY, SECRET).removeprefix("sha256="))


def test_an_empty_secret_never_validates():
    """GIVEN an empty secret WHEN verified THEN invalid, even for a matching signature."""
    assert not is_valid_signature(BODY, "", sign(BODY, ""))
