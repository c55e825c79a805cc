"""The main job (`sluice run`): real order traffic through the whole suite, then a report.

It brings the local cloud up with provider faults on, sends a stream of signed order webhooks
(some invalid, duplicated or badly signed), waits for every workflow to close, and reports
what the local cloud recorded. An accepted order that neither succeeded nor was recorded as a
failure is lost, and makes the job fail.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from sluice.cloud.local_cloud import LocalCloud
from sluice.cloud.report import ACCEPTED, DUPLICATE, Report, build_report
from sluice.cloud.settings import CloudSettings
from sluice.cloud.traffic import Delivery, TrafficMix, build_stream, send_all
from sluice.simulators import Faults, SimulatorsSettings

ORDERS_API = "OrdersApi"
ORDERS_STATE_MACHINE = "OrdersStateMachine"
ORDER_WEBHOOK_PATH = "/webhooks/orders/shopify"
DEFAULT_TIME_SCALE = 10.0
DEFAULT_DEADLINE_SECONDS = 180.0


@dataclass(frozen=True)
class MainJobSettings:
    """The run's traffic, provider behaviour, time scale and how long to wait for workflows."""

    traffic: TrafficMix = field(default_factory=TrafficMix)
    time_scale: float = DEFAULT_TIME_SCALE
    faults: bool = True
    seed: int = 7
    deadline_seconds: float = DEFAULT_DEADLINE_SECONDS
    state_dir: Path | None = None
    template: Path = Path("template.yaml")


@dataclass(frozen=True)
class Progress:
    """Callbacks the CLI turns into progress bars: (done, total) for sending and closing."""

    sent: Callable[[int, int], None] = lambda done, total: None
    closed: Callable[[int, int], None] = lambda done, total: None


def provider_settings(seed: int, faults: bool) -> SimulatorsSettings:
    """Realistic latencies; with `faults`, a share of transient ERP and warehouse failures."""
    settings = SimulatorsSettings.realistic(seed=seed)
    if not faults:
        return settings
    return replace(
        settings,
        erp=replace(settings.erp, faults=Faults(error_503=0.03, error_500=0.01, reset=0.01)),
        warehouse=replace(settings.warehouse, faults=Faults(error_500=0.02)),
    )


def run_main_job(settings: MainJobSettings, progress: Progress | None = None) -> Report:
    """Run the traffic through a fresh local cloud and return the report."""
    progress = progress or Progress()
    if settings.state_dir is not None:
        # Each run starts from nothing: old executions would answer for the new orders.
        shutil.rmtree(settings.state_dir, ignore_errors=True)
    cloud_settings = CloudSettings(
        template=settings.template,
        time_scale=settings.time_scale,
        state_dir=settings.state_dir,
        simulators=provider_settings(settings.seed, settings.faults),
        seed=settings.seed,
    )
    started = time.monotonic()
    with LocalCloud(cloud_settings) as cloud:
        stream = build_stream(cloud.simulators.storefront.webhooks, settings.traffic)
        url = cloud.api_url(ORDERS_API) + ORDER_WEBHOOK_PATH
        sent: list[Delivery] = []

        def on_sent(delivery: Delivery) -> None:
            sent.append(delivery)
            progress.sent(len(sent), len(stream))

        deliveries = send_all(
            stream,
            url,
            cloud.clock,
            settings.traffic.senders,
            on_sent=on_sent,
            per_minute=settings.traffic.per_minute,
        )
        _wait_for_workflows(cloud, deliveries, settings.deadline_seconds, progress)
        cloud.runtime.wait_for_async(timeout=30.0)  # type: ignore[union-attr]
        report = build_report(cloud, deliveries)
    report.wall_seconds = time.monotonic() - started
    return report


def _wait_for_workflows(
    cloud: LocalCloud, deliveries: list[Delivery], deadline_seconds: float, progress: Progress
) -> None:
    """Wait (bounded, in wall seconds) until every accepted order's execution has closed."""
    assert cloud.engine is not None
    # Executions are named by business key; a 200 (redelivery) answer carries no ARN, yet its
    # order may have been started by an earlier attempt that got no answer.
    executions = cloud.state_machine_arn(ORDERS_STATE_MACHINE).replace(
        ":stateMachine:", ":execution:", 1
    )
    keys = {
        delivery.business_key
        for delivery in deliveries
        if delivery.status in (ACCEPTED, DUPLICATE) and delivery.business_key
    }
    arns = [f"{executions}:{key}" for key in sorted(keys)]
    deadline = time.monotonic() + deadline_seconds
    for done, arn in enumerate(arns, start=1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        cloud.engine.wait_for_execution(arn, timeout=remaining)
        progress.closed(done, len(arns))
