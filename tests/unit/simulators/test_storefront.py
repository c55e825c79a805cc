"""Storefront operations: inventory levels, tracking, and the request rate limit."""

from sluice.simulators import Outcome, RateLimit
from tests.unit.simulators.helpers import get, post


def test_one_inventory_level_is_set(storefront):
    """GIVEN a SKU and a quantity WHEN posted THEN 200 and the level is kept."""
    response = post(storefront, "/inventory-levels", {"sku": "TEE-BLK-M", "available": 7})
    assert response.status_code == 200
    assert response.json()["inventoryLevels"][0]["available"] == 7
    assert storefront.available("TEE-BLK-M") == 7


def test_a_batch_of_inventory_levels_is_set(storefront):
    """GIVEN a batch of levels WHEN posted THEN every level is kept and readable."""
    levels = [{"sku": "TEE-BLK-M", "available": 3}, {"sku": "CAP-NVY", "available": 0}]
    assert post(storefront, "/inventory-levels", {"levels": levels}).status_code == 200
    assert storefront.inventory_levels == {"TEE-BLK-M": 3, "CAP-NVY": 0}
    read = get(storefront, "/inventory-levels", {"sku": "CAP-NVY"}).json()
    assert [level["available"] for level in read["inventoryLevels"]] == [0]


def test_a_batch_over_250_levels_is_422_and_sets_nothing(storefront):
    """GIVEN 251 levels WHEN posted THEN 422 and no level changes."""
    levels = [{"sku": f"SKU-{index}", "available": 1} for index in range(251)]
    assert post(storefront, "/inventory-levels", {"levels": levels}).status_code == 422
    assert storefront.inventory_levels == {}


def test_a_level_without_an_integer_quantity_is_422(storefront):
    """GIVEN a non-integer quantity WHEN posted THEN 422 naming it."""
    response = post(storefront, "/inventory-levels", {"sku": "TEE-BLK-M", "available": "7"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "available"


def test_tracking_is_recorded_against_the_order(storefront):
    """GIVEN tracking for an order WHEN posted THEN 201 and the order lists it."""
    body = {"trackingNumber": "123456789012", "carrier": "DHL"}
    response = post(storefront, "/orders/1001/fulfillments", body)
    assert response.status_code == 201
    assert storefront.fulfillments("1001") == [response.json()]
    assert get(storefront, "/orders/1001/fulfillments").json()["fulfillments"] == [response.json()]


def test_requests_over_the_rate_limit_get_429_with_retry_after(storefront):
    """GIVEN 2 per second with bursts of 3 on a still clock WHEN 4 requests arrive
    THEN the 4th gets 429 with Retry-After 1 and is counted."""
    storefront.configure(rate_limit=RateLimit(per_second=2.0, burst=3))
    statuses = [get(storefront, "/inventory-levels").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert get(storefront, "/inventory-levels").headers["Retry-After"] == "1"
    assert storefront.throttled_count == 2
    assert len(storefront.requests(outcome=Outcome.RATE_LIMITED)) == 2


def test_the_rate_limit_refills_with_clock_time(storefront, clock):
    """GIVEN an exhausted limit WHEN half a second passes at 2 per second THEN one passes."""
    storefront.configure(rate_limit=RateLimit(per_second=2.0, burst=1))
    assert get(storefront, "/inventory-levels").status_code == 200
    assert get(storefront, "/inventory-levels").status_code == 429
    clock.advance(0.5)
    assert get(storefront, "/inventory-levels").status_code == 200


def test_the_default_rate_limit_is_a_bucket_of_40_at_2_per_second(storefront):
    """GIVEN default settings THEN the storefront allows 40 at once and 2 per second."""
    assert storefront.settings.rate_limit == RateLimit(per_second=2.0, burst=40)
