"""HMAC-SHA256 webhook signatures: `X-Sluice-Signature: sha256=<hex digest of the raw body>`."""

import hashlib
import hmac

SIGNATURE_HEADER = "x-sluice-signature"
SCHEME = "sha256="


def sign(body: bytes, secret: str) -> str:
    """The header value a sender computes for `body` with the shared `secret`."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return SCHEME + digest


def is_valid_signature(body: bytes, secret: str, header_value: str | None) -> bool:
    """Whether `header_value` signs `body` with `secret` (compared in constant time)."""
    if not header_value or not secret:
        return False
    expected = sign(body, secret).encode("ascii")
    return hmac.compare_digest(expected, header_value.strip().lower().encode("utf-8"))
