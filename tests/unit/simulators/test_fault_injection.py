"""Injected faults: rates within tolerance, reproducible with a seed, shaped like real ones."""

from collections import Counter

import pytest
import requests

from sluice.clock import ScaledClock
from sluice.simulators import Faults, Outcome, SimulatorSettings, WarehouseSimulator
from tests.unit.simulators.helpers import TIMEOUT, get, post, session_for

REQUESTS = 400
FULFILMENT = {
    "salesOrderId": "SO-000001",
    "externalReference": "order-shopify-1001",
    "shipTo": {"line1": "Keizersgracht 1", "city": "Amsterdam", "countryCode": "NL"},
    "lines": [{"sku": "TEE-BLK-M", "quantity": 1}],
}


def _outcomes(simulator: WarehouseSimulator, count: int) -> list[Outcome]:
    """Send `count` GETs, reconnecting after a reset; return the recorded outcomes."""
    session = session_for(simulator)
    for _ in range(count):
        try:
            session.get(simulator.url + "/fulfilments/x", timeout=TIMEOUT)
        except requests.exceptions.ConnectionError:
            session.close()
            session = session_for(simulator)
    session.close()
    return [record.outcome for record in simulator.requests()]


def test_fault_rates_are_met_within_tolerance(clock):
    """GIVEN 10% 500s, 10% 503s, 5% resets WHEN 400 requests are sent
    THEN each fault's share is within 4 points of its rate."""
    settings = SimulatorSettings(
        api_key="k", faults=Faults(error_500=0.1, error_503=0.1, reset=0.05), seed=42
    )
    with WarehouseSimulator(settings, clock=clock) as simulator:
        counts = Counter(_outcomes(simulator, REQUESTS))
    assert sum(counts.values()) == REQUESTS
    assert counts[Outcome.ERROR_500] / REQUESTS == pytest.approx(0.10, abs=0.04)
    assert counts[Outcome.ERROR_503] / REQUESTS == pytest.approx(0.10, abs=0.04)
    assert counts[Outcome.RESET] / REQUESTS == pytest.approx(0.05, abs=0.04)


def test_the_same_seed_gives_the_same_faults(clock):
    """GIVEN two simulators with one seed WHEN sent the same requests THEN the same outcomes."""
    settings = SimulatorSettings(api_key="k", faults=Faults(error_500=0.3, reset=0.2), seed=9)
    runs = []
    for _ in range(2):
        with WarehouseSimulator(settings, clock=clock) as simulator:
            runs.append(_outcomes(simulator, 40))
    assert runs[0] == runs[1]
    assert Outcome.ERROR_500 in runs[0] and Outcome.RESET in runs[0]


def test_a_reset_drops_the_connection_without_an_answer(warehouse):
    """GIVEN resets on WHEN a request is sent THEN the client sees a connection error."""
    warehouse.configure(faults=Faults(reset=1.0))
    with pytest.raises(requests.exceptions.ConnectionError):
        get(warehouse, "/fulfilments/x")
    [record] = warehouse.requests()
    assert (record.status, record.outcome) == (None, Outcome.RESET)


def test_a_throttling_503_carries_retry_after(warehouse):
    """GIVEN 503s with Retry-After 30 WHEN a request is sent THEN 503 with that header."""
    warehouse.configure(faults=Faults(error_503=1.0, retry_after_503=30))
    response = get(warehouse, "/fulfilments/x")
    assert (response.status_code, response.headers["Retry-After"]) == (503, "30")


def test_a_500_does_no_work(warehouse):
    """GIVEN 500s on WHEN a fulfilment is posted THEN 500 and no fulfilment exists."""
    warehouse.configure(faults=Faults(error_500=1.0))
    assert post(warehouse, "/fulfilments", FULFILMENT).status_code == 500
    assert warehouse.fulfilments == []


def test_a_slow_answer_outlasts_the_client_timeout_but_the_work_is_done():
    """GIVEN slow answers of 20 s on a 100x clock (0.2 s real) WHEN the client waits 0.05 s
    THEN it times out, the fulfilment exists, and a retry with the key replays it."""
    with WarehouseSimulator(clock=ScaledClock(100.0)) as simulator:
        simulator.configure(faults=Faults(slow=1.0, slow_seconds=20.0))
        key = {"Idempotency-Key": "order-shopify-1001-fulfilment"}
        with session_for(simulator) as session, pytest.raises(requests.exceptions.ReadTimeout):
            session.post(
                simulator.url + "/fulfilments", json=FULFILMENT, headers=key, timeout=(1.0, 0.05)
            )
        simulator.configure(faults=Faults())
        retry = post(simulator, "/fulfilments", FULFILMENT, **key)
        assert (retry.status_code, retry.headers["Idempotent-Replayed"]) == (201, "true")
        assert len(simulator.fulfilments) == 1


def test_faults_can_be_turned_off_for_a_phase(warehouse):
    """GIVEN faults on WHEN a phase runs without them THEN its requests succeed."""
    warehouse.configure(faults=Faults(error_500=1.0))
    with warehouse.configured(faults=Faults()):
        assert get(warehouse, "/fulfilments/x").status_code == 404
    assert get(warehouse, "/fulfilments/x").status_code == 500
