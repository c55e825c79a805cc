"""Business keys (Step Functions execution names) and provider idempotency keys.

Execution names allow 1-80 characters and no whitespace, brackets, wildcards or
`< > { } [ ] ? * " # % \\ ^ | ~ $ & , ; : /`; keys keep only letters, digits, `-` and `_`
(the characters CloudWatch logging also accepts) and join their parts with `-`.
https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
"""

import hashlib
import re

MAX_NAME_LENGTH = 80
DIGEST_LENGTH = 16
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_-]")


def _digest(text: str, length: int) -> str:
    """The first `length` hex characters of the SHA-256 of `text`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def sanitize(part: str) -> str:
    """Replace every character an execution name should not hold with `_`."""
    return _NOT_ALLOWED.sub("_", part)


def business_key(kind: str, *parts: str) -> str:
    """Join `kind` and `parts` with `-` into a valid execution name of at most 80 characters.

    A key that would be longer keeps a readable prefix and ends with a digest of the whole
    unsanitized key, so two long keys stay distinct.
    """
    raw = "-".join((kind, *parts))
    name = sanitize(raw)
    if len(name) <= MAX_NAME_LENGTH:
        return name
    prefix = name[: MAX_NAME_LENGTH - DIGEST_LENGTH - 1]
    return f"{prefix}-{_digest(raw, DIGEST_LENGTH)}"


def order_business_key(source: str, order_id: str) -> str:
    """The business key of a storefront order: `order-<source>-<id>`."""
    return business_key("order", source, order_id)


def shipment_business_key(source: str, shipment_id: str) -> str:
    """The business key of a warehouse shipment: `shipment-<source>-<id>`."""
    return business_key("shipment", source, shipment_id)


def sales_order_idempotency_key(order_key: str) -> str:
    """The ERP Idempotency-Key of an order's sales order."""
    return f"{order_key}-sales-order"


def fulfilment_idempotency_key(order_key: str) -> str:
    """The warehouse Idempotency-Key of an order's fulfilment."""
    return f"{order_key}-fulfilment"


def customer_idempotency_key(email: str, order_key: str) -> str:
    """The ERP Idempotency-Key of one order's creation of the customer with this email.

    Per order, not per email: a retry of the same order replays its own creation, while two
    orders of one new customer racing (with different names or addresses) do not reuse one key
    with different bodies, which the ERP refuses; the loser finds the winner's customer.
    """
    return f"customer-{_digest(email.strip().lower(), 24)}-{_digest(order_key, 8)}"
