"""Business rules: totals add up, no conflicting prices, a shipping address, sane quantities."""

import pytest

from sluice_shared.models.steps import OrderStepInput
from sluice_shared.orders.errors import OrderInvalid
from sluice_shared.orders.validation import business_problems, validate_order
from tests.fixtures.orders import BUSINESS_KEY, line_item, order_model


def test_the_sample_order_breaks_no_rule():
    """GIVEN the sample order WHEN checked THEN no problems."""
    assert business_problems(order_model()) == []


def test_totals_within_a_cent_pass():
    """GIVEN a total one cent off WHEN checked THEN accepted (storefront rounding)."""
    assert business_problems(order_model(total="111.44")) == []


def test_totals_that_do_not_add_up_are_reported_with_the_sums():
    """GIVEN a total two cents off WHEN checked THEN the problem shows both sums."""
    assert business_problems(order_model(total="111.45")) == [
        "total 111.45 does not equal lines 89.48 + shipping 4.95 + tax 17.00"
        " - discounts 0.00 = 111.43"
    ]


def test_discounts_are_taken_off_the_expected_total():
    """GIVEN a 10.00 discount and a total 10.00 lower WHEN checked THEN accepted."""
    assert business_problems(order_model(discount_total="10.00", total="101.43")) == []


def test_tax_included_in_prices_is_not_added_again():
    """GIVEN VAT-inclusive prices WHEN checked THEN the total is lines + shipping."""
    assert business_problems(order_model(taxes_included=True, total="94.43")) == []


def test_a_repeated_sku_at_the_same_price_passes():
    """GIVEN one SKU on two lines at one price WHEN checked THEN accepted."""
    lines = [line_item("A", 1, "10.00"), line_item("A", 2, "10.00")]
    order = order_model(line_items=lines, shipping_total="0", tax_total="0", total="30.00")
    assert business_problems(order) == []


def test_a_repeated_sku_at_different_prices_is_reported():
    """GIVEN one SKU at 10.00 and 12.00 WHEN checked THEN a price conflict is named."""
    lines = [line_item("A", 1, "10.00"), line_item("A", 1, "12.00")]
    order = order_model(line_items=lines, shipping_total="0", tax_total="0", total="22.00")
    assert business_problems(order) == ["sku A appears with conflicting unit prices 10.00, 12.00"]


def test_a_missing_shipping_address_is_reported():
    """GIVEN no shipping address WHEN checked THEN reported."""
    assert business_problems(order_model(shipping_address=None)) == ["shipping_address is missing"]


def test_ten_thousand_units_is_the_most_a_line_may_hold():
    """GIVEN 10,000 units WHEN checked THEN accepted."""
    order = order_model(line_items=[line_item("A", 10_000, "0.00")], total="21.95")
    assert business_problems(order) == []


def test_more_than_ten_thousand_units_is_reported():
    """GIVEN 10,001 units WHEN checked THEN the line's quantity is named."""
    order = order_model(line_items=[line_item("A", 10_001, "0.00")], total="21.95")
    assert business_problems(order) == ["line_items.0.quantity 10001 exceeds 10000"]


def test_every_problem_is_listed_in_one_error():
    """GIVEN a bad total and no shipping address WHEN validated THEN OrderInvalid lists both."""
    step = OrderStepInput(
        business_key=BUSINESS_KEY, order=order_model(shipping_address=None, total="1.00")
    )
    with pytest.raises(OrderInvalid) as raised:
        validate_order(step)
    assert len(raised.value.problems) == 2
    assert str(raised.value).startswith(f"order {BUSINESS_KEY} is invalid: shipping_address")


def test_a_valid_order_is_returned_normalized():
    """GIVEN a valid order WHEN validated THEN the same order comes back."""
    step = OrderStepInput(business_key=BUSINESS_KEY, order=order_model())
    assert validate_order(step).order == step.order
