"""Per-account isolation of the ERP dispatcher: one failing customer account beside a healthy one.

Run with `python tests/benchmarks/bench_accounts.py [requests] [watch seconds]` (or `make
bench`). Two ERP customer accounts, `healthy` and `failing`, are listed in the ERP settings
parameter (what the template's `ErpAccounts` fills; written here once the simulator's URL is
known, before any dispatcher runs), each with its own API key secret and base URL
(`<erp>/accounts/<name>`). The simulated ERP answers every call of `failing` with 503 (after
the usual latency) and serves `healthy` normally. Two runs, each on a fresh local cloud:

- A: `requests` envelopes of `healthy` alone: its baseline throughput.
- B: `requests` envelopes of `healthy` and as many of `failing`, alternating on one queue.

Printed: the healthy account's throughput in B as a share of A (target: at least 90%), both
until 80% of its requests were done (the steady rate, before the drain's last slow calls
leave lanes idle) and over the whole drain, and per mean latency (the runs draw different
latencies); the failing account's requests to the ERP per 10 s of clock time (they should
stop once its backoff has grown); how its receives ended (deferred by the governor's
backoff, retried after a 503) and where its messages are at the end (queue, DLQ, done); the
429 count and the ERP's highest concurrent requests against the cap. Run B ends when the
healthy account is drained, or after `watch seconds` of clock time if longer (the backoff's
cap is 300 s: watch 400 s to see its next probes). It prints figures and asserts nothing;
each run stops after `WALL_LIMIT_SECONDS` of wall time (or the watch, if longer).

Configuration as `bench_dispatch.py` (BatchSize 1 x MaximumConcurrency 25, sync budget 0) but
at time scale 1 with calls under the client's read timeout: see `TIME_SCALE` and `LATENCY`.
LogLevel WARN: the dispatcher logs each record it does not finish with its account and error,
which is how receives are counted per account.
"""

from __future__ import annotations

import contextlib
import io
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "layers/shared/python")]

from sluice.cloud.local_cloud import LocalCloud  # noqa: E402
from sluice.cloud.settings import CloudSettings  # noqa: E402
from sluice.simulators import LognormalLatency, Outcome, SimulatorsSettings  # noqa: E402
from sluice.simulators.erp import account_path  # noqa: E402
from sluice.simulators.settings import AccountFailure  # noqa: E402
from sluice_shared.governor import GovernorTable, integration_key  # noqa: E402

DEFAULT_REQUESTS = 400
CAP = 25
# Real time: the local cloud spends ~60 ms of one core (the GIL) per invocation, deferrals as
# much as calls, so run B needs twice A's invocations per second; at time scale 1 that stays
# under half a core, and the CPU, not the accounts, would otherwise set B's pace.
TIME_SCALE = 1.0
# Each run stops after this many wall seconds (more when run B is asked to watch longer).
WALL_LIMIT_SECONDS = 240.0
INTERVAL_SECONDS = 10.0
STEADY_SHARE = 0.8
HEALTHY, FAILING = "healthy", "failing"
QUEUE_NAME = "sluice-dev-erp-requests"
DLQ_NAME = "sluice-dev-erp-requests-dlq"
GOVERNOR_TABLE = "sluice-dev-governor"
MAPPING = "ErpDispatcherFunctionErpRequests"
NOT_DONE = "request not done; the message stays on the queue"
# Seconds per call with a tail, all under the ERP client's 25 s read timeout, so no healthy
# call times out and counts as an error of its account.
LATENCY = LognormalLatency(p50=6.0, p99=20.0, ceiling=24.0)
PARAMETERS = {
    "LogLevel": "WARN",
    "ErpConnectionCap": str(CAP),
    "ErpSyncBudget": "0",
    "ErpDispatcherBatchSize": "1",
    "ErpDispatcherConcurrency": str(CAP),
}


@dataclass(frozen=True)
class Run:
    """What one run measured."""

    name: str
    healthy_requests: int
    failing_requests: int
    healthy_done: int
    healthy_drain_seconds: float
    healthy_completions: list[float]
    healthy_latencies: list[float]
    failing_arrivals: list[float]
    failing_answers: Counter[int]
    not_done: dict[str, Counter[str]]
    max_receive_count: int
    failing_left: dict[str, int]
    failing_errors: int
    max_concurrent: int
    throttled: int
    observed_seconds: float
    wall_seconds: float
    cpu_seconds: float

    @property
    def healthy_throughput(self) -> float:
        """Healthy requests done per clock second until the last of them was done."""
        return self.healthy_done / self.healthy_drain_seconds

    @property
    def steady_throughput(self) -> float:
        """Healthy requests done per clock second until `STEADY_SHARE` of them were done.

        The last requests of a drain wait for the latency's long tail with most lanes idle,
        so the full drain time swings with a few slow draws; this figure ends while the queue
        still feeds every lane.
        """
        count = int(len(self.healthy_completions) * STEADY_SHARE)
        if count == 0:
            return 0.0
        return count / sorted(self.healthy_completions)[count - 1]

    @property
    def lane_use(self) -> float:
        """Steady throughput as a share of the limit, cap / the healthy calls' mean latency."""
        return self.steady_throughput * self.mean_latency / CAP

    @property
    def mean_latency(self) -> float:
        """The mean latency of the healthy account's calls (0 when none was done)."""
        return statistics.fmean(self.healthy_latencies) if self.healthy_latencies else 0.0

    def print(self, baseline: Run | None) -> None:
        """Print the run's figures (against `baseline` for the healthy throughput)."""
        mean = self.mean_latency
        print(f"\n{self.name}: {self.healthy_requests} healthy + {self.failing_requests} failing")
        print(
            f"  healthy done                     {self.healthy_done} in "
            f"{self.healthy_drain_seconds:.0f} s: {self.healthy_throughput:.2f}/s"
        )
        print(
            f"  healthy steady throughput        {self.steady_throughput:.2f}/s until "
            f"{STEADY_SHARE:.0%} done = {self.lane_use:.1%} of cap / mean latency ({mean:.2f} s)"
        )
        if baseline is not None:
            steady = self.steady_throughput / baseline.steady_throughput
            lanes = self.lane_use / baseline.lane_use
            drain = self.healthy_throughput / baseline.healthy_throughput
            print(
                f"  healthy throughput vs run A      steady {steady:.1%}, per latency "
                f"{lanes:.1%}, full drain {drain:.1%} (target >= 90%)"
            )
        print(f"  highest concurrent ERP requests  {self.max_concurrent} (cap {CAP})")
        print(f"  429 responses                    {self.throttled}")
        for account, reasons in self.not_done.items():
            described = ", ".join(f"{reason} {count}" for reason, count in reasons.most_common())
            print(f"  {account:<7} receives not done       {sum(reasons.values())} {described}")
        if self.failing_requests:
            self._print_failing()
        print(
            f"  clock / wall / CPU seconds       {self.observed_seconds:.0f} / "
            f"{self.wall_seconds:.0f} / {self.cpu_seconds:.0f}"
        )

    def _print_failing(self) -> None:
        """The failing account's calls over time and where its messages ended."""
        answers = ", ".join(
            f"{status} x{count}" for status, count in sorted(self.failing_answers.items())
        )
        print(f"  failing account's ERP requests   {len(self.failing_arrivals)} ({answers})")
        print(f"  ... per {INTERVAL_SECONDS:.0f} s of clock time:")
        buckets = Counter(int(arrival // INTERVAL_SECONDS) for arrival in self.failing_arrivals)
        last = int(self.observed_seconds // INTERVAL_SECONDS)
        for bucket in range(last + 1):
            start = bucket * INTERVAL_SECONDS
            count = buckets.get(bucket, 0)
            bar = "#" * min(count, 60)
            print(f"      {start:4.0f}-{start + INTERVAL_SECONDS:4.0f} s  {count:5d}  {bar}")
        print(f"  failing account's messages       {self.failing_left}")
        print(f"  highest receive count            {self.max_receive_count}")
        print(f"  governor: consecutive errors     {self.failing_errors}")


def _envelope(account: str, number: int, customer_id: str) -> str:
    return json.dumps(
        {
            "provider": "erp",
            "operation": "customers.recordOrder",
            "account": account,
            "idempotencyKey": f"bench-{account}-{number}-customer-update",
            "businessKey": f"order-bench-{account}-{number}",
            "payload": {
                "customerId": customer_id,
                "salesOrderId": f"SO-{account}-{number}",
                "orderTotal": "59.00",
                "currency": "EUR",
            },
        }
    )


def _list_accounts(cloud: LocalCloud, endpoint: str) -> None:
    """Write both accounts into the ERP settings parameter and store their API keys."""
    assert cloud.model is not None
    parameter = cloud.model.ssm_parameters["ErpSettingsParameter"].name
    secret = str(cloud.model.parameters["ErpApiKeySecretName"])
    ssm = boto3.client("ssm", endpoint_url=endpoint, region_name="us-east-1")
    secrets = boto3.client("secretsmanager", endpoint_url=endpoint, region_name="us-east-1")
    erp = cloud.simulators.erp
    provider_settings = json.loads(ssm.get_parameter(Name=parameter)["Parameter"]["Value"])
    provider_settings["accounts"] = [
        {"name": name, "baseUrl": erp.url + account_path(name, "")} for name in (HEALTHY, FAILING)
    ]
    ssm.put_parameter(
        Name=parameter, Value=json.dumps(provider_settings), Type="String", Overwrite=True
    )
    for name in (HEALTHY, FAILING):
        # The simulated ERP checks one key for every account.
        secrets.create_secret(Name=f"{secret}/{name}", SecretString=str(erp.settings.api_key))


def _not_done(logs: str) -> tuple[dict[str, Counter[str]], int]:
    """Receives the dispatcher did not finish, by account and reason; the highest receive count."""
    reasons: dict[str, Counter[str]] = {HEALTHY: Counter(), FAILING: Counter()}
    highest = 0
    for line in logs.splitlines():
        if not line.startswith("{") or NOT_DONE not in line:
            continue
        entry: dict[str, Any] = json.loads(line)
        account = entry.get("account")
        if account not in reasons:
            continue
        reason = str(entry.get("reason", ""))
        # A deferral names the error that caused it: "ProviderBackoff: ...; visible again in".
        cause = reason.split(":", 1)[0] if entry["errorType"] == "MessageDeferred" else ""
        reasons[account][f"{entry['errorType']}({cause})" if cause else entry["errorType"]] += 1
        highest = max(highest, int(entry.get("receiveCount", 0)))
    return reasons, highest


def _queue_counts(sqs: Any) -> dict[str, int]:
    """Messages still on the request queue (visible or hidden) and in its DLQ."""
    counts: dict[str, int] = {}
    for label, name in (("on the queue", QUEUE_NAME), ("in the DLQ", DLQ_NAME)):
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        attributes = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        counts[label] = sum(int(value) for value in attributes.values())
    return counts


def _seconds_since(start: datetime, moment: datetime) -> float:
    return (moment - start).total_seconds()


def run(name: str, healthy: int, failing: int, logs: io.StringIO, observe: float = 0.0) -> Run:
    """Bring the local cloud up, dispatch the mix, and measure."""
    defaults = SimulatorsSettings()
    erp_settings = replace(
        defaults.erp,
        latency=LATENCY,
        concurrency_cap=CAP,
        seed=7,
        account_failures={FAILING: AccountFailure(status=503)},
    )
    settings = CloudSettings(
        time_scale=TIME_SCALE,
        state_dir=None,
        simulators=replace(defaults, erp=erp_settings),
        parameter_overrides=PARAMETERS,
    )
    logged_before = len(logs.getvalue())
    with LocalCloud(settings) as cloud:
        erp = cloud.simulators.erp
        _list_accounts(cloud, cloud.moto_url)
        healthy_customer = erp.add_customer("healthy@example.com")["id"]
        failing_customer = erp.add_customer("failing@example.com")["id"]
        sqs = boto3.client("sqs", endpoint_url=cloud.moto_url, region_name="us-east-1")
        url = sqs.get_queue_url(QueueName=QUEUE_NAME)["QueueUrl"]
        mapping = cloud.mappings[MAPPING]
        mapping.stop()
        bodies = [_envelope(HEALTHY, n, healthy_customer) for n in range(healthy)]
        for number in range(failing):
            bodies.insert(2 * number + 1, _envelope(FAILING, number, failing_customer))
        for start in range(0, len(bodies), 10):
            entries = [
                {"Id": str(index), "MessageBody": body}
                for index, body in enumerate(bodies[start : start + 10])
            ]
            sqs.send_message_batch(QueueUrl=url, Entries=entries)
        wall, cpu = time.monotonic(), time.process_time()
        started_at, started = cloud.clock.now(), cloud.clock.monotonic()
        mapping.start()
        drained = None
        wall_limit = max(WALL_LIMIT_SECONDS, observe / TIME_SCALE + 60)
        while time.monotonic() - wall < wall_limit:
            elapsed = cloud.clock.monotonic() - started
            if drained is None and len(erp.order_history(healthy_customer)) >= healthy:
                drained = elapsed
            if drained is not None and elapsed >= observe:
                break
            time.sleep(0.05)
        observed = cloud.clock.monotonic() - started
        healthy_calls = erp.account_requests(HEALTHY, status=201, outcome=Outcome.HANDLED)
        failing_calls = erp.account_requests(FAILING)
        governor = GovernorTable(
            GOVERNOR_TABLE,
            boto3.client("dynamodb", endpoint_url=cloud.moto_url, region_name="us-east-1"),
        )
        failing_state = governor.read_state(integration_key("erp", FAILING))
        left = _queue_counts(sqs)
        left["done"] = len(erp.order_history(failing_customer))
        not_done, highest_receive = _not_done(logs.getvalue()[logged_before:])
        return Run(
            name=name,
            healthy_requests=healthy,
            failing_requests=failing,
            healthy_done=len(erp.order_history(healthy_customer)),
            healthy_drain_seconds=drained or observed,
            healthy_completions=[
                _seconds_since(started_at, call.arrived_at) + call.latency_seconds
                for call in healthy_calls
            ],
            healthy_latencies=[call.latency_seconds for call in healthy_calls],
            failing_arrivals=[_seconds_since(started_at, c.arrived_at) for c in failing_calls],
            failing_answers=Counter(call.status or 0 for call in failing_calls),
            not_done=not_done,
            max_receive_count=highest_receive,
            failing_left=left if failing else {},
            failing_errors=failing_state.consecutive_errors,
            max_concurrent=erp.max_concurrent,
            throttled=erp.throttled_count,
            observed_seconds=observed,
            wall_seconds=time.monotonic() - wall,
            cpu_seconds=time.process_time() - cpu,
        )


def main() -> None:
    """Run A (healthy alone) and B (healthy and failing mixed); print both."""
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REQUESTS
    observe = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    logs = io.StringIO()
    # One buffer for both runs: Powertools' logger keeps the stream it first wrote to.
    with contextlib.redirect_stdout(logs):
        alone = run("A: healthy account alone", requests, 0, logs)
        mixed = run(
            "B: healthy and failing accounts mixed 50/50", requests, requests, logs, observe
        )
    print(
        f"ERP dispatcher, two customer accounts: B=1 x R={CAP}, cap {CAP}, time scale "
        f"{TIME_SCALE}, latency p50 6 s / p99 20 s; account {FAILING!r} answers 503 to every call"
    )
    alone.print(None)
    mixed.print(alone)


if __name__ == "__main__":
    main()
