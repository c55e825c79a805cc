"""Business keys are valid Step Functions execution names and stay unique when shortened."""

import re

from sluice_shared import keys

VALID_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def test_order_key_joins_source_and_id_with_dashes():
    """GIVEN a source and an order id WHEN keyed THEN `order-<source>-<id>`."""
    assert keys.order_business_key("shopify", "1042") == "order-shopify-1042"


def test_characters_a_name_may_not_hold_become_underscores():
    """GIVEN an id with `:`, `/`, spaces and `#` WHEN keyed THEN each becomes `_`."""
    assert keys.order_business_key("shop", "A:1/2 #3") == "order-shop-A_1_2__3"


def test_non_ascii_characters_become_underscores():
    """GIVEN an id with an accented letter WHEN keyed THEN the key stays plain ASCII."""
    assert keys.order_business_key("shop", "café") == "order-shop-caf_"


def test_a_key_of_exactly_80_characters_is_kept_whole():
    """GIVEN an id that makes an 80-character key WHEN keyed THEN it is not shortened."""
    order_id = "x" * (80 - len("order-shop-"))
    key = keys.order_business_key("shop", order_id)
    assert key == f"order-shop-{order_id}"
    assert len(key) == 80


def test_a_longer_key_keeps_a_readable_prefix_and_a_digest():
    """GIVEN a 200-character id WHEN keyed THEN 80 valid characters, prefix kept."""
    key = keys.order_business_key("shop", "a" * 200)
    assert VALID_NAME.match(key)
    assert len(key) == 80
    assert key.startswith("order-shop-aaaa")


def test_long_keys_that_share_a_prefix_stay_distinct():
    """GIVEN two long ids differing only at the end WHEN keyed THEN the keys differ."""
    first = keys.order_business_key("shop", "a" * 200 + "1")
    second = keys.order_business_key("shop", "a" * 200 + "2")
    assert first != second


def test_the_same_order_always_gets_the_same_key():
    """GIVEN one long id keyed twice WHEN compared THEN equal (redeliveries map together)."""
    assert keys.order_business_key("shop", "b" * 120) == keys.order_business_key("shop", "b" * 120)


def test_shipment_key_follows_the_convention():
    """GIVEN a warehouse shipment WHEN keyed THEN `shipment-<source>-<id>`."""
    assert keys.shipment_business_key("3pl", "SH-9") == "shipment-3pl-SH-9"


def test_provider_idempotency_keys_derive_from_the_business_key():
    """GIVEN a business key WHEN deriving provider keys THEN the contract's suffixes."""
    assert (
        keys.sales_order_idempotency_key("order-shopify-1042") == "order-shopify-1042-sales-order"
    )
    assert keys.fulfilment_idempotency_key("order-shopify-1042") == "order-shopify-1042-fulfilment"


def test_customer_idempotency_key_ignores_email_case_and_spaces():
    """GIVEN one email in two spellings WHEN keyed for one order THEN one key."""
    key = keys.customer_idempotency_key("Ada@Example.com ", "order-shop-1")
    assert key == keys.customer_idempotency_key("ada@example.com", "order-shop-1")
    assert re.fullmatch(r"customer-[0-9a-f]{24}-[0-9a-f]{8}", key)


def test_customer_idempotency_key_differs_per_order():
    """GIVEN two orders of one customer WHEN keyed THEN two keys (their bodies may differ)."""
    first = keys.customer_idempotency_key("ada@example.com", "order-shop-1")
    assert first != keys.customer_idempotency_key("ada@example.com", "order-shop-2")
