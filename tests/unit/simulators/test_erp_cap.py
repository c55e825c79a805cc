"""The ERP's hard cap on concurrent requests: 429 with Retry-After at once, never exceeded."""

import threading
from collections import Counter

import pytest
import requests

from sluice.clock import ScaledClock
from sluice.simulators import ErpSimulator, FixedLatency, Outcome
from tests.unit.simulators.helpers import get, run_concurrently


def _hold_requests(simulator: ErpSimulator, count: int) -> tuple[list[threading.Thread], list]:
    """Start `count` GETs against a paused simulator and wait until all are in flight."""
    simulator.pause()
    results: list[requests.Response] = []
    threads = [
        threading.Thread(target=lambda: results.append(get(simulator, "/customers")))
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    assert simulator.wait_for_in_flight(count, timeout=5)
    return threads, results


def test_the_request_over_the_cap_gets_429_with_retry_after_at_once(clock):
    """GIVEN cap 3 with 3 requests in flight WHEN a 4th arrives
    THEN it gets 429 with the configured Retry-After while the 3 are still held."""
    with ErpSimulator(clock=clock) as erp:
        erp.configure(concurrency_cap=3, retry_after_seconds=7)
        threads, results = _hold_requests(erp, 3)
        extra = get(erp, "/customers")
        assert (extra.status_code, extra.headers["Retry-After"]) == (429, "7")
        assert results == []
        erp.resume()
        for thread in threads:
            thread.join(timeout=5)
    assert [response.status_code for response in results] == [200, 200, 200]
    assert (erp.max_concurrent, erp.throttled_count) == (3, 1)
    [capped] = erp.requests(outcome=Outcome.CAPPED)
    assert capped.in_flight == 3


def test_once_a_slot_frees_the_next_request_is_served(clock):
    """GIVEN the cap was reached WHEN the held requests finish THEN a new request is served."""
    with ErpSimulator(clock=clock) as erp:
        erp.configure(concurrency_cap=2)
        threads, _ = _hold_requests(erp, 2)
        assert get(erp, "/customers").status_code == 429
        erp.resume()
        for thread in threads:
            thread.join(timeout=5)
        assert erp.wait_until_idle(timeout=5)
        assert get(erp, "/customers").status_code == 200


def test_the_default_cap_is_25(erp):
    """GIVEN default settings THEN the cap is the 25 concurrent connections of the ERP."""
    assert erp.settings.concurrency_cap == 25


@pytest.mark.parametrize("cap", [1, 4])
def test_under_load_in_flight_requests_never_exceed_the_cap(cap):
    """GIVEN cap N and 3N threads sending 6N requests with 1 s latency (scaled 50x)
    WHEN all are answered THEN max_concurrent <= N, every answer is 200 or 429 (some 429),
    and the 429s are the throttled count."""
    with ErpSimulator(clock=ScaledClock(50.0)) as erp:
        erp.configure(concurrency_cap=cap, latency=FixedLatency(1.0))
        responses = run_concurrently(
            [lambda: get(erp, "/customers") for _ in range(6 * cap)], workers=3 * cap
        )
    statuses = Counter(response.status_code for response in responses)
    assert set(statuses) <= {200, 429}
    assert statuses[200] >= cap
    assert statuses[429] > 0
    assert erp.max_concurrent <= cap
    assert statuses[429] == erp.throttled_count
    assert all(record.in_flight < cap for record in erp.requests(status=200))
