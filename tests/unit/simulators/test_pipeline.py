"""The shared request pipeline over real HTTP: auth, journal, routing, latency, settings."""

import json
import threading
import time

import requests

from sluice.simulators import FixedLatency, Outcome, WarehouseSimulator
from tests.unit.simulators.helpers import TIMEOUT, get, post, run_concurrently

FULFILMENT = {
    "salesOrderId": "SO-000001",
    "externalReference": "order-shopify-1001",
    "shipTo": {"line1": "Keizersgracht 1", "city": "Amsterdam", "countryCode": "NL"},
    "lines": [{"sku": "TEE-BLK-M", "quantity": 2}],
}


def test_a_request_without_the_api_key_is_401(warehouse):
    """GIVEN no Authorization header WHEN a request arrives THEN 401 and nothing is created."""
    response = requests.post(warehouse.url + "/fulfilments", json=FULFILMENT, timeout=TIMEOUT)
    assert response.status_code == 401
    assert warehouse.fulfilments == []


def test_a_request_with_a_wrong_api_key_is_401(warehouse):
    """GIVEN a bearer token that is not the API key WHEN a request arrives THEN 401."""
    response = requests.get(
        warehouse.url + "/fulfilments/FUL-000001",
        headers={"Authorization": "Bearer not-the-key"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 401
    assert warehouse.requests()[0].outcome is Outcome.UNAUTHORIZED


def test_the_api_key_is_a_setting(clock):
    """GIVEN a configured API key WHEN a request carries it THEN it is served."""
    with WarehouseSimulator(clock=clock) as simulator:
        simulator.configure(api_key="rotated")
        response = requests.get(
            simulator.url + "/fulfilments/none",
            headers={"Authorization": "Bearer rotated"},
            timeout=TIMEOUT,
        )
    assert response.status_code == 404


def test_the_journal_records_the_request_and_its_answer(warehouse, clock):
    """GIVEN a POST with a key and a query WHEN answered THEN all of it is in the journal."""
    response = post(warehouse, "/fulfilments?trace=1", FULFILMENT, **{"Idempotency-Key": "k-1"})
    [record] = warehouse.requests("POST", "/fulfilments")
    assert (record.method, record.path, record.query) == ("POST", "/fulfilments", {"trace": "1"})
    assert record.idempotency_key == "k-1"
    assert record.headers["authorization"] == "Bearer warehouse-local-api-key"
    assert record.body == FULFILMENT
    assert (record.status, record.response_body) == (201, response.json())
    assert (record.outcome, record.in_flight, record.arrived_at) == (
        Outcome.HANDLED,
        0,
        clock.now(),
    )


def test_the_journal_filters_by_path_template_and_status(warehouse):
    """GIVEN requests to several ids WHEN selected by template and status THEN only those."""
    created = post(warehouse, "/fulfilments", FULFILMENT).json()
    get(warehouse, f"/fulfilments/{created['id']}")
    get(warehouse, "/fulfilments/FUL-999999")
    assert len(warehouse.requests("GET", "/fulfilments/{id}")) == 2
    [missing] = warehouse.requests(path="/fulfilments/{id}", status=404)
    assert missing.path == "/fulfilments/FUL-999999"


def test_a_body_that_is_not_json_is_400_and_recorded_as_text(warehouse):
    """GIVEN a malformed JSON body WHEN posted THEN 400 and the raw text is recorded."""
    response = requests.post(
        warehouse.url + "/fulfilments",
        data=b"{not json",
        headers={"Authorization": "Bearer warehouse-local-api-key"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 400
    [record] = warehouse.requests()
    assert (record.outcome, record.body) == (Outcome.BAD_REQUEST, "{not json")


def test_unknown_paths_are_404_and_wrong_methods_405(warehouse):
    """GIVEN no such route WHEN called THEN 404; a known path with another method THEN 405."""
    assert get(warehouse, "/nothing-here").status_code == 404
    assert get(warehouse, "/fulfilments").status_code == 405


def test_latency_is_slept_on_the_injected_clock(clock):
    """GIVEN a fixed 3 s latency on a virtual clock WHEN two requests are served
    THEN the clock moved 6 s and each record carries its latency."""
    with WarehouseSimulator(clock=clock) as simulator:
        simulator.configure(latency=FixedLatency(3.0))
        get(simulator, "/fulfilments/a")
        get(simulator, "/fulfilments/b")
        records = simulator.requests()
    assert clock.monotonic() == 6.0
    assert [record.latency_seconds for record in records] == [3.0, 3.0]


def test_configured_applies_settings_only_inside_the_block(warehouse, clock):
    """GIVEN a latency phase WHEN the block ends THEN the earlier settings are back."""
    with warehouse.configured(latency=FixedLatency(5.0)):
        get(warehouse, "/fulfilments/a")
    get(warehouse, "/fulfilments/b")
    assert [record.latency_seconds for record in warehouse.requests()] == [5.0, 0.0]


def test_reset_forgets_records_journal_keys_and_settings(warehouse):
    """GIVEN records, keys and changed settings WHEN reset THEN all are as at construction."""
    post(warehouse, "/fulfilments", FULFILMENT, **{"Idempotency-Key": "k-1"})
    warehouse.configure(api_key="changed")
    warehouse.reset()
    assert (warehouse.fulfilments, warehouse.requests()) == ([], [])
    assert warehouse.settings.api_key == "warehouse-local-api-key"
    again = post(warehouse, "/fulfilments", FULFILMENT, **{"Idempotency-Key": "k-1"})
    assert (again.status_code, again.json()["id"]) == (201, "FUL-000001")
    assert warehouse.requests()[0].outcome is Outcome.HANDLED


def test_paused_requests_stay_in_flight_until_resumed(warehouse):
    """GIVEN a paused simulator WHEN two requests arrive THEN both wait in flight,
    and both are answered after resume."""
    warehouse.pause()
    results: list[int] = []

    def call() -> None:
        results.append(get(warehouse, "/fulfilments/x").status_code)

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    assert warehouse.wait_for_in_flight(2, timeout=5)
    assert results == []
    warehouse.resume()
    for thread in threads:
        thread.join(timeout=5)
    assert results == [404, 404]
    assert warehouse.wait_until_idle(timeout=5)
    assert warehouse.max_concurrent == 2


def test_keep_alive_connections_carry_sequential_requests(warehouse):
    """GIVEN one session WHEN it makes three requests THEN one connection carried them all."""
    with requests.Session() as session:
        session.headers["Authorization"] = "Bearer warehouse-local-api-key"
        for _ in range(3):
            session.get(warehouse.url + "/fulfilments/x", timeout=TIMEOUT)
    assert [record.open_connections for record in warehouse.requests()] == [1, 1, 1]
    assert warehouse.max_concurrent == 1


def test_the_journal_is_complete_under_concurrent_requests(warehouse):
    """GIVEN 40 requests from 8 threads WHEN all are answered THEN 40 distinct records."""
    results = run_concurrently([lambda: get(warehouse, "/fulfilments/x")] * 40, workers=8)
    assert {response.status_code for response in results} == {404}
    records = warehouse.requests()
    assert len({record.sequence for record in records}) == 40


def test_stop_releases_the_port(clock):
    """GIVEN a stopped simulator WHEN called THEN the connection is refused."""
    simulator = WarehouseSimulator(clock=clock)
    url = simulator.start()
    simulator.stop()
    try:
        requests.get(url + "/fulfilments/x", timeout=TIMEOUT)
    except requests.exceptions.ConnectionError as refused:
        assert "refused" in str(refused).lower()
    else:
        raise AssertionError("a stopped simulator answered")


def test_response_bodies_are_json_with_a_content_length(warehouse):
    """GIVEN a JSON answer WHEN read THEN its content type and length are set."""
    response = get(warehouse, "/fulfilments/x")
    assert response.headers["Content-Type"] == "application/json"
    assert int(response.headers["Content-Length"]) == len(response.content)
    assert json.loads(response.content)["message"] == "fulfilment x not found"


def test_without_a_clock_a_simulator_runs_on_real_time():
    """GIVEN no clock WHEN a simulator is built THEN it serves, timestamps in real time."""
    with WarehouseSimulator() as simulator:
        assert get(simulator, "/fulfilments/x").status_code == 404
        assert simulator.requests()[0].arrived_at.year >= 2025


def test_stop_ends_requests_waiting_on_latency():
    """GIVEN a request sleeping through a 10-minute latency on real time WHEN the simulator
    stops THEN stop returns at once instead of waiting the latency out."""
    simulator = WarehouseSimulator()
    simulator.start()
    simulator.configure(latency=FixedLatency(600.0))
    caller = threading.Thread(target=lambda: _ignore_errors(get, simulator, "/fulfilments/x"))
    caller.start()
    assert simulator.wait_for_in_flight(1, timeout=5)
    started = time.monotonic()
    simulator.stop()
    caller.join(timeout=5)
    assert time.monotonic() - started < 2.0
    assert not caller.is_alive()


def _ignore_errors(call, *args) -> None:
    """Run `call`, swallowing the connection error a stopped server causes."""
    try:
        call(*args)
    except requests.exceptions.RequestException:
        return
