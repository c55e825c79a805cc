"""Throughput of the ERP dispatcher on the local cloud against the ERP's 25-connection cap.

Run with `python tests/benchmarks/bench_dispatch.py [requests]` (or `make bench`). It loads
`requests` `customers.recordOrder` envelopes onto the ERP request queue, lets the template's
SQS event source mapping feed the dispatcher, and prints, for a clean run and a run with 10%
transient faults (5% 500, 5% 503): the ERP's highest concurrent requests (never above the cap),
its 429 count, throughput as a share of the physical limit (cap / mean latency, the mean of
the simulator's recorded latencies) and the drain time against the ideal (requests x mean
latency / connections in use). The target is at least 90% with no over-cap request. It prints
figures and asserts nothing.

Configuration: BatchSize 1 x MaximumConcurrency 25 and sync budget 0 (no sync caller runs
here, so the dispatcher may use the whole cap; 1 x 25 + 0 still passes the budget check).
With a long-tailed latency, a batch of B holds its lane until its slowest request ends, so
B = 5 would keep connections idle for most of each batch (mean / E[max of 5] of the latency);
the script prints that figure for B = 5 from the recorded latencies. The time scale keeps the
machine's CPU (the local cloud's own cost per request, printed) under one core, so lanes do not
wait for the CPU between requests: the local cloud spends about 100 ms of its one Python core
on each request (moto, the Lambda runtime, Powertools), so at time scale 2 (a limit of about 13
requests a wall second) the CPU, not the ERP, set the pace. At 1 the limit is about 6.5
requests a wall second and a run of 5,000 takes about 14 minutes (900 s at most).
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import boto3

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "layers/shared/python")]

from sluice.cloud.local_cloud import LocalCloud  # noqa: E402
from sluice.cloud.settings import CloudSettings  # noqa: E402
from sluice.simulators import (  # noqa: E402
    NO_FAULTS,
    Faults,
    LognormalLatency,
    MixtureLatency,
    Outcome,
    SimulatorsSettings,
)

DEFAULT_REQUESTS = 5000
CAP = 25
TIME_SCALE = 1.0
# Each run stops after this many wall seconds; figures then cover the requests done so far.
WALL_LIMIT_SECONDS = 900.0
QUEUE_NAME = "sluice-dev-erp-requests"
MAPPING = "ErpDispatcherFunctionErpRequests"
# Mostly a couple of seconds, one request in ten up to a minute and a half (under the
# dispatcher's 120 s timeout).
LONG_TAIL = MixtureLatency(
    (
        (0.9, LognormalLatency(p50=2.0, p99=8.0)),
        (0.1, LognormalLatency(p50=15.0, p99=60.0, ceiling=90.0)),
    )
)
TEN_PERCENT_FAULTS = Faults(error_500=0.05, error_503=0.05)
PARAMETERS = {
    "LogLevel": "ERROR",
    "ErpConnectionCap": str(CAP),
    "ErpSyncBudget": "0",
    "ErpDispatcherBatchSize": "1",
    "ErpDispatcherConcurrency": str(CAP),
}
ANSWERED = {Outcome.HANDLED, Outcome.REPLAYED, Outcome.ERROR_500, Outcome.ERROR_503}


@dataclass(frozen=True)
class Run:
    """What one run measured (times in clock seconds after the mapping started)."""

    name: str
    requests: int
    done: int
    max_concurrent: int
    throttled: int
    faults: int
    latencies: list[float]
    completions: list[float]
    first_request_seconds: float
    drain_seconds: float
    wall_seconds: float
    cpu_seconds: float

    def print(self) -> None:
        """Print the run's figures."""
        mean = statistics.fmean(self.latencies)
        limit = CAP / mean
        throughput = self.done / self.drain_seconds
        answered = len(self.latencies) / self.drain_seconds
        ideal = self.done * mean / CAP
        bulk = int(0.95 * len(self.completions))
        bulk_seconds = sorted(self.completions)[bulk - 1] if bulk else float("nan")
        print(f"\n{self.name}: {self.requests} requests, {self.done} done")
        print(f"  highest concurrent ERP requests   {self.max_concurrent} (cap {CAP})")
        print(f"  429 responses                     {self.throttled}")
        print(f"  injected faults answered          {self.faults}")
        print(f"  mean / p99 ERP latency            {mean:.2f} s / {_p99(self.latencies):.1f} s")
        print(f"  throughput                        {throughput:.2f}/s of {limit:.2f}/s limit")
        print(f"                                    = {throughput / limit:.1%} of the limit")
        print(f"  ERP calls answered (faults too)   {answered:.2f}/s = {answered / limit:.1%}")
        bulk_share = bulk / bulk_seconds / limit
        print(f"  first 95% done in {bulk_seconds:.0f} s  = {bulk_share:.1%} of the limit")
        print(f"  first ERP request after start     {self.first_request_seconds:.1f} s")
        print(f"  drain time of those done    {self.drain_seconds:.0f} s, ideal {ideal:.0f} s")
        print(f"  batch-5 lane use (mean/E[max5])   {_batch_use(self.latencies, 5):.1%}")
        print(f"  wall / CPU seconds          {self.wall_seconds:.0f} / {self.cpu_seconds:.0f}")
        print(f"  local CPU per request       {1000 * self.cpu_seconds / max(self.done, 1):.0f} ms")


def _p99(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.99) - 1]


def _batch_use(latencies: list[float], batch: int) -> float:
    """Share of a batch's connection time spent in requests when it waits for its slowest."""
    rng = random.Random(1)
    maxima = [max(rng.choices(latencies, k=batch)) for _ in range(5000)]
    return statistics.fmean(latencies) / statistics.fmean(maxima)


def _envelope(number: int, customer_id: str) -> str:
    return json.dumps(
        {
            "provider": "erp",
            "operation": "customers.recordOrder",
            "idempotencyKey": f"bench-{number}-customer-update",
            "businessKey": f"order-bench-{number}",
            "payload": {
                "customerId": customer_id,
                "salesOrderId": f"SO-{number}",
                "orderTotal": "59.00",
                "currency": "EUR",
            },
        }
    )


def run(name: str, requests: int, faults: Faults) -> Run:
    """Bring the local cloud up, drain `requests` envelopes, and measure."""
    defaults = SimulatorsSettings()
    simulators = replace(
        defaults,
        erp=replace(defaults.erp, latency=LONG_TAIL, faults=faults, concurrency_cap=CAP, seed=7),
    )
    settings = CloudSettings(
        time_scale=TIME_SCALE,
        state_dir=None,
        simulators=simulators,
        parameter_overrides=PARAMETERS,
    )
    with contextlib.redirect_stdout(io.StringIO()), LocalCloud(settings) as cloud:
        erp = cloud.simulators.erp
        customer = erp.add_customer("bench@example.com")
        sqs = boto3.client("sqs", endpoint_url=cloud.moto_url, region_name="us-east-1")
        url = sqs.get_queue_url(QueueName=QUEUE_NAME)["QueueUrl"]
        mapping = cloud.mappings[MAPPING]
        mapping.stop()
        for start in range(0, requests, 10):
            entries = [
                {"Id": str(number), "MessageBody": _envelope(number, customer["id"])}
                for number in range(start, min(requests, start + 10))
            ]
            sqs.send_message_batch(QueueUrl=url, Entries=entries)
        wall, cpu, started = time.monotonic(), time.process_time(), cloud.clock.monotonic()
        started_at = cloud.clock.now()
        mapping.start()
        while len(erp.order_history(customer["id"])) < requests:
            if time.monotonic() - wall > WALL_LIMIT_SECONDS:
                break
            time.sleep(0.05)
        drained = cloud.clock.monotonic() - started
        answered = [r for r in erp.requests() if r.outcome in ANSWERED]
        arrivals = [(r.arrived_at - started_at).total_seconds() for r in answered]
        completions = [
            arrival + r.latency_seconds
            for arrival, r in zip(arrivals, answered, strict=True)
            if r.outcome in (Outcome.HANDLED, Outcome.REPLAYED)
        ]
        return Run(
            name=name,
            requests=requests,
            done=len(erp.order_history(customer["id"])),
            max_concurrent=erp.max_concurrent,
            throttled=erp.throttled_count,
            faults=sum(r.outcome in (Outcome.ERROR_500, Outcome.ERROR_503) for r in answered),
            latencies=[r.latency_seconds for r in answered],
            completions=completions,
            first_request_seconds=min(arrivals, default=float("nan")),
            drain_seconds=drained,
            wall_seconds=time.monotonic() - wall,
            cpu_seconds=time.process_time() - cpu,
        )


def main() -> None:
    """Run clean and with 10% transient faults; print both."""
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REQUESTS
    print(f"ERP dispatcher: B=1 x R={CAP}, cap {CAP}, time scale {TIME_SCALE}, long-tail latency")
    run("clean run", requests, NO_FAULTS).print()
    run("10% transient faults", requests, TEN_PERCENT_FAULTS).print()


if __name__ == "__main__":
    main()
