"""`sluice run` (the main job) on a small stream: no order lost, figures that match the records.

GIVEN 40 order webhooks (some redelivered, some invalid, some badly signed or not JSON) and
providers with realistic latency and transient faults, WHEN the main job runs, THEN every
accepted order succeeded or was recorded as failed, and the report's figures agree with what
the simulators' journals, the engine and the ops table hold at the end of the run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from sluice.cloud import main_job
from sluice.cloud.local_cloud import LocalCloud
from sluice.cloud.main_job import MainJobSettings, run_main_job
from sluice.cloud.report import Report
from sluice.cloud.traffic import Delivery, TrafficMix
from sluice.simulators import Outcome
from tests.workflows.support import (
    TEMPLATE,
    OrdersDriver,
    forget_warm_state,
    sales_orders_by_reference,
)

ORDERS = 40
BADLY_SIGNED = 2
MALFORMED_JSON = 2
# Realistic ERP latency has a slow tail (up to minutes): 20 times faster keeps the run short
# and leaves the governed sync steps' Lambda timeouts (45 s: 2.25 wall seconds) room on a busy
# machine.
TIME_SCALE = 20
DEADLINE_SECONDS = 90.0
IDLE_TIMEOUT = 10.0


@dataclass(frozen=True)
class Recorded:
    """What the local cloud held when the report was built, read independently of it."""

    deliveries: list[Delivery]
    statuses: Counter[str]
    execution_names: set[str]
    failed_names: set[str]
    ops_keys: set[str]
    sales_orders: dict[str, list[str]]
    fulfilment_keys: Counter[str]
    erp_429s: int
    erp_cap: int | None
    erp_max_in_flight_seen: int


@pytest.fixture(scope="module")
def run(monkeypatch_module: pytest.MonkeyPatch) -> tuple[Report, Recorded]:
    """Run the main job once, reading the local cloud's records just before it goes down."""
    recorded: list[Recorded] = []
    build_report = main_job.build_report

    def build_and_record(cloud: LocalCloud, deliveries: list[Delivery]) -> Report:
        # Freeze the journals: async CRM updates would otherwise still reach the ERP.
        for mapping in cloud.mappings.values():
            mapping.set_enabled(False)
        for simulator in cloud.simulators.all.values():
            assert simulator.wait_until_idle(IDLE_TIMEOUT)
        report = build_report(cloud, deliveries)
        recorded.append(_read_records(cloud, deliveries))
        return report

    monkeypatch_module.setattr(main_job, "build_report", build_and_record)
    forget_warm_state()
    settings = MainJobSettings(
        traffic=TrafficMix(
            orders=ORDERS, badly_signed=BADLY_SIGNED, malformed_json=MALFORMED_JSON, senders=6
        ),
        time_scale=TIME_SCALE,
        deadline_seconds=DEADLINE_SECONDS,
        template=TEMPLATE,
    )
    report = run_main_job(settings)
    return report, recorded[0]


@pytest.fixture(scope="module")
def monkeypatch_module() -> Any:
    """A monkeypatch undone after the module."""
    patch = pytest.MonkeyPatch()
    yield patch
    patch.undo()


def _read_records(cloud: LocalCloud, deliveries: list[Delivery]) -> Recorded:
    driver = OrdersDriver(cloud)
    executions = driver.executions()
    erp = cloud.simulators.erp
    fulfilments = Counter(
        str(request.idempotency_key).removesuffix("-fulfilment")
        for request in cloud.simulators.warehouse.requests("POST", "/fulfilments")
        if request.status == 201 and request.outcome is Outcome.HANDLED
    )
    return Recorded(
        deliveries=list(deliveries),
        statuses=Counter(execution["status"] for execution in executions),
        execution_names={execution["name"] for execution in executions},
        failed_names={e["name"] for e in executions if e["status"] != "SUCCEEDED"},
        ops_keys={failure["businessKey"] for failure in driver.ops_failures()},
        sales_orders=sales_orders_by_reference(erp),
        fulfilment_keys=fulfilments,
        erp_429s=len(erp.requests(status=429)),
        erp_cap=erp.settings.concurrency_cap,
        erp_max_in_flight_seen=max(
            (r.in_flight + 1 for r in erp.requests() if r.outcome is not Outcome.CAPPED),
            default=0,
        ),
    )


def test_then_no_accepted_order_is_lost(run):
    report, _ = run

    assert report.lost == []


def test_then_every_accepted_order_has_exactly_one_execution(run):
    report, recorded = run
    accepted_keys = {
        delivery.business_key
        for delivery in recorded.deliveries
        if delivery.status in (200, 202) and delivery.business_key
    }

    assert recorded.execution_names == accepted_keys
    assert report.accepted == len(accepted_keys)


def test_then_the_report_counts_each_execution_status_as_the_engine_does(run):
    report, recorded = run

    assert report.executions["OrdersStateMachine"] == recorded.statuses
    assert set(recorded.statuses) <= {"SUCCEEDED", "FAILED"}


def test_then_succeeded_plus_recorded_failures_equals_the_orders_accepted(run):
    report, recorded = run
    succeeded = report.executions["OrdersStateMachine"]["SUCCEEDED"]

    assert recorded.failed_names <= recorded.ops_keys
    assert report.accepted == succeeded + len(recorded.failed_names)
    assert report.failures_recorded == len(recorded.ops_keys)


def test_then_each_succeeded_order_has_one_sales_order_and_one_fulfilment(run):
    _, recorded = run
    succeeded = recorded.execution_names - recorded.failed_names

    assert succeeded <= set(recorded.sales_orders)
    assert {len(ids) for ids in recorded.sales_orders.values()} == {1}
    assert set(recorded.fulfilment_keys) == succeeded
    assert set(recorded.fulfilment_keys.values()) == {1}


def test_then_the_rejections_are_the_broken_deliveries(run):
    report, recorded = run
    invalid = sum(1 for delivery in recorded.deliveries if delivery.kind == "invalid")

    assert report.rejected["401 invalid signature"] == BADLY_SIGNED
    assert report.rejected["400 body is not valid JSON"] == MALFORMED_JSON
    assert sum(report.rejected.values()) == BADLY_SIGNED + invalid
    assert report.accepted + report.duplicates_absorbed + sum(report.rejected.values()) == len(
        recorded.deliveries
    )


def test_then_the_erp_figures_match_its_journal_and_stay_under_its_cap(run):
    report, recorded = run

    assert report.erp_throttled == recorded.erp_429s
    assert report.erp_cap == recorded.erp_cap
    assert report.erp_max_concurrent == recorded.erp_max_in_flight_seen
    assert report.erp_max_concurrent <= recorded.erp_cap


def test_then_latency_percentiles_are_ordered_and_cover_the_closed_orders(run):
    report, recorded = run
    p50, p95, p99 = (report.percentile(share) for share in (0.5, 0.95, 0.99))

    assert len(report.latency_seconds) == len(recorded.execution_names)
    assert p50 is not None and p95 is not None and p99 is not None
    assert 0 < p50 <= p95 <= p99
