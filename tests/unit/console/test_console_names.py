"""Re-run names: `<business key>-rerun-<n>`, counted on from the same key, at most 80 chars."""

import re

import pytest

from sluice.console.names import first_rerun_number, rerun_base, rerun_name

FORBIDDEN = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~$&,;:/]")


def test_given_an_execution_named_by_its_key_then_its_first_rerun_is_rerun_1():
    assert first_rerun_number("order-shopify-1042") == 1
    assert rerun_name("order-shopify-1042", 1) == "order-shopify-1042-rerun-1"


def test_given_a_rerun_when_rerun_again_then_the_series_counts_on_from_the_business_key():
    assert rerun_base("order-shopify-1042-rerun-3") == "order-shopify-1042"
    assert first_rerun_number("order-shopify-1042-rerun-3") == 4
    assert rerun_name("order-shopify-1042-rerun-3", 4) == "order-shopify-1042-rerun-4"


def test_given_a_name_that_only_looks_like_a_rerun_then_it_is_its_own_base():
    assert rerun_base("order-shopify-rerun-") == "order-shopify-rerun-"
    assert rerun_base("order-shopify-rerun-0") == "order-shopify-rerun-0"


def test_given_an_80_character_key_then_the_rerun_name_keeps_the_suffix_within_80():
    key = "inventory-" + "a" * 70

    name = rerun_name(key, 12)

    assert len(name) == 80
    assert name.endswith("-rerun-12")
    assert name.startswith(key[:70])
    assert not FORBIDDEN.search(name)


def test_given_number_zero_then_no_name_is_made():
    with pytest.raises(ValueError):
        rerun_name("order-shopify-1", 0)
