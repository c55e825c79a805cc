"""Re-run names derived from the business key."""

import pytest

from sluice_shared.ops.reruns import rerun_name, rerun_number


def test_a_rerun_is_named_after_the_business_key_and_its_number():
    assert rerun_name("order-shopify-1042", 2) == "order-shopify-1042-rerun-2"


def test_a_long_key_is_shortened_so_the_name_stays_a_valid_execution_name():
    name = rerun_name("order-" + "x" * 80, 12)
    assert len(name) == 80
    assert name.endswith("-rerun-12")


def test_rerun_numbers_start_at_one():
    with pytest.raises(ValueError):
        rerun_name("order-shopify-1042", 0)


def test_the_number_is_read_back_from_a_rerun_name_only():
    assert rerun_number("order-shopify-1042-rerun-3") == 3
    assert rerun_number("order-shopify-1042") is None
