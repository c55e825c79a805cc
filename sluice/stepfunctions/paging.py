"""Pages of list results and their opaque, tamper-evident `nextToken` values.

A token is the base64url text of a JSON cursor (which listing, at which offset) followed by an
HMAC of it under a secret of this service, so a client can only hand back tokens it was given,
for the listing it was given them for; anything else is refused with `InvalidToken`, as AWS
refuses tokens it did not issue.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from typing import Any

from sluice.stepfunctions.errors import InvalidToken, ValidationException

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
_SIGNATURE_BYTES = 16


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Pager:
    """Cuts lists into pages and issues the tokens that continue them."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]

    def token(self, listing: str, offset: int) -> str:
        """The token that continues `listing` at `offset`."""
        payload = json.dumps({"listing": listing, "offset": offset}, separators=(",", ":"))
        raw = payload.encode()
        return f"{_encode(raw)}.{_encode(self._sign(raw))}"

    def offset(self, listing: str, token: Any) -> int:
        """The offset a token continues `listing` at; `InvalidToken` for any other token."""
        if not isinstance(token, str) or token.count(".") != 1:
            raise InvalidToken(f"Invalid Token: '{token}'")
        payload_text, signature_text = token.split(".")
        try:
            raw, signature = _decode(payload_text), _decode(signature_text)
        except (binascii.Error, ValueError) as error:
            raise InvalidToken(f"Invalid Token: '{token}'") from error
        if not hmac.compare_digest(signature, self._sign(raw)):
            raise InvalidToken(f"Invalid Token: '{token}'")
        cursor = json.loads(raw)
        if cursor["listing"] != listing:
            raise InvalidToken(f"Invalid Token: the token belongs to another request: '{token}'")
        return int(cursor["offset"])

    def page(
        self, items: list[Any], request: dict[str, Any], listing: str
    ) -> tuple[list[Any], str | None]:
        """The page of `items` the request asks for and the token of the next one, if any.

        `listing` names what is listed (the operation and the request members that select the
        items), so a token only continues the listing it came from.
        """
        token = request.get("nextToken")
        start = 0 if token is None else self.offset(listing, token)
        end = start + _page_size(request.get("maxResults"))
        return items[start:end], (self.token(listing, end) if end < len(items) else None)


def _page_size(max_results: Any) -> int:
    """`maxResults` as a page size (absent or 0: the default); out of range is refused."""
    if max_results is None or max_results == 0:
        return DEFAULT_PAGE_SIZE
    if isinstance(max_results, bool) or not isinstance(max_results, int):
        raise ValidationException(f"Invalid maxResults: '{max_results}'")
    if not 0 < max_results <= MAX_PAGE_SIZE:
        raise ValidationException(
            "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: "
            f"Member must have value less than or equal to {MAX_PAGE_SIZE}"
        )
    return max_results
