"""The inventory workflow on the local cloud: a 50,000-row snapshot drained to the storefront.

Run with `python tests/benchmarks/bench_inventory.py` (or `make bench`). It prints figures and
asserts nothing. A 5,000-row and a 50,000-row snapshot (seeded: about a fifth of the SKUs
changed against seeded last-known levels, 25 invalid rows) are dropped into the inventory
bucket of one local cloud at time scale 1 (the dispatcher paces with real sleeps while the
storefront's token bucket follows the cloud's clock), with the template's storefront limit.
For each it prints:
- the drain: level requests and SKUs per second between the storefront's first and last
  arrival, against the limit; the most arrivals in any 1 s and 10 s window and the 429s. The
  dispatcher bounds request *starts* (each of the R lanes at least R / L seconds apart), so a
  1 s window of arrivals can hold up to 2 R when delivery jitter brings neighbours together;
  the 10 s window and the storefront's 429 count show the sustained rate;
- state transitions from the parent's and the Map children's histories, and their price;
- peak memory per function, measured in a child process (see the memory section below).
"""

from __future__ import annotations

import bisect
import contextlib
import importlib
import io
import json
import logging
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import boto3

from sluice.cloud.local_cloud import LocalCloud
from sluice.cloud.settings import CloudSettings
from sluice.lambda_runtime.result import InvocationResult
from sluice.simulators import SimulatorsSettings
from sluice.simulators.journal import RecordedRequest
from sluice.simulators.settings import RateLimit
from sluice.stepfunctions.errors import ExecutionDoesNotExist

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_LAYER = REPO_ROOT / "layers" / "shared" / "python"
SEED = 20_260_101
BIG_ROWS = 50_000
SMALL_ROWS = 5_000
# Of the SKUs the storefront already knows: this share has a new level in the snapshot.
CHANGED_SHARE = 0.18
# SKUs never sent before (a new range of products).
NEW_SHARE = 0.02
INVALID_ROWS = 25
LEVELS_PATH = "/inventory-levels"
WAIT_SECONDS = 150.0
PRICE_PER_TRANSITION = 0.025 / 1000
POLL_SECONDS = 0.05
# The template's defaults: a Shopify-like limit of 2 requests/s (bursts of 40), B = 5, R = 2.
RATE_LIMIT_PER_SECOND = 2.0
STOREFRONT_BURST = 40
DISPATCHER_BATCH_SIZE = 5
DISPATCHER_CONCURRENCY = 2
BATCH_LEVELS = 250
MEANINGFUL_REQUESTS = 10


@dataclass(frozen=True)
class Snapshot:
    """A generated snapshot: its CSV text and what the workflow should make of it."""

    text: str
    rows: int
    invalid: int
    changed: int


def generate(rows: int, prefix: str, rng: random.Random) -> tuple[Snapshot, dict[str, int]]:
    """A snapshot of `rows` data rows and the last-known levels to seed before it drops."""
    known: dict[str, int] = {}
    lines = ["sku,available,location"]
    changed = 0
    valid = rows - INVALID_ROWS
    for index in range(valid):
        sku = f"{prefix}-{index:06}"
        level = rng.randrange(0, 500)
        draw = rng.random()
        if draw < NEW_SHARE:
            changed += 1
        elif draw < NEW_SHARE + CHANGED_SHARE:
            known[sku] = (level + rng.randrange(1, 50)) % 500
            changed += 1
        else:
            known[sku] = level
        lines.append(f"{sku},{level},BIN-{rng.randrange(1, 99)}")
    bad = [f"{prefix}-{valid:06},-3,BIN-1", f"{prefix}-X,many,BIN-2", ",4,BIN-3"]
    for index in range(INVALID_ROWS):
        position = rng.randrange(1, len(lines))
        lines.insert(position, bad[index % len(bad)] if index < len(bad) else lines[position])
    return Snapshot("\n".join(lines) + "\n", rows, INVALID_ROWS, changed), known


def seed_levels(cloud: LocalCloud, known: dict[str, int]) -> None:
    """Record `known` as the levels last sent to the storefront.

    Written straight into moto's in-process DynamoDB model: setting up 50,000 items through
    BatchWriteItem costs about a minute of HTTP round trips, which is set-up, not the workflow.
    """
    from moto.dynamodb.models import dynamodb_backends

    assert cloud.model is not None
    stack = cloud.model.stack
    table = cloud.model.tables["InventoryLevelsTable"].name
    backend = dynamodb_backends[stack.account_id][stack.region]
    for sku, level in known.items():
        backend.put_item(table, {"sku": {"S": sku}, "available": {"N": str(level)}})


def open_cloud() -> LocalCloud:
    """A local cloud of the real template at time scale 1, storefront limit as the template's."""
    limit = RateLimit(per_second=RATE_LIMIT_PER_SECOND, burst=STOREFRONT_BURST)
    simulators = SimulatorsSettings.realistic(seed=SEED)
    simulators = replace(simulators, storefront=replace(simulators.storefront, rate_limit=limit))
    settings = CloudSettings(
        template=REPO_ROOT / "template.yaml",
        time_scale=1.0,
        state_dir=None,
        simulators=simulators,
        parameter_overrides={
            "StorefrontRateLimitPerSecond": f"{RATE_LIMIT_PER_SECOND:g}",
            "StorefrontDispatcherBatchSize": str(DISPATCHER_BATCH_SIZE),
            "StorefrontDispatcherConcurrency": str(DISPATCHER_CONCURRENCY),
        },
    )
    return LocalCloud(settings)


def drop(cloud: LocalCloud, key: str, text: str) -> str:
    """Upload a snapshot as the warehouse would; the ARN its run has (named by its content)."""
    from sluice_shared.inventory.naming import run_key as run_key_of

    assert cloud.model is not None
    bucket = cloud.model.buckets["InventoryBucket"].name
    answer = boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=text.encode())
    run_key = run_key_of(bucket, key, answer["ETag"])
    machine = cloud.state_machine_arn("InventoryStateMachine")
    return machine.replace(":stateMachine:", ":execution:") + ":" + run_key


def await_run(cloud: LocalCloud, execution_arn: str) -> dict[str, Any]:
    """The run's description once it has ended (bounded wait)."""
    assert cloud.engine is not None
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            description = cloud.engine.describe_execution({"executionArn": execution_arn})
        except ExecutionDoesNotExist:
            description = {"status": "NOT STARTED"}
        if description["status"] not in ("RUNNING", "NOT STARTED"):
            return description
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"{execution_arn} did not end within {WAIT_SECONDS} s")


def await_levels_sent(cloud: LocalCloud, requests: int) -> list[RecordedRequest]:
    """The storefront's accepted level requests once there are `requests` (bounded wait)."""
    storefront = cloud.simulators.storefront
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        sent = storefront.requests("POST", LEVELS_PATH, status=200)
        if len(sent) >= requests:
            storefront.wait_until_idle()
            return sent
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"the storefront got {len(sent)} level requests, not {requests}")


@dataclass(frozen=True)
class Drain:
    """How the storefront saw the level requests of one run."""

    arrivals: list[float]
    levels: int
    throttled: int

    @property
    def seconds(self) -> float:
        """From the first request's arrival to the last one's."""
        return self.arrivals[-1] - self.arrivals[0] if len(self.arrivals) > 1 else 0.0

    @property
    def requests_per_second(self) -> float:
        """Requests started per second between the first and the last (N - 1 intervals)."""
        return (len(self.arrivals) - 1) / self.seconds if self.seconds else 0.0

    @property
    def levels_per_second(self) -> float:
        """SKUs set per second, over the same span (the first request's SKUs not counted)."""
        per_request = self.levels / len(self.arrivals)
        return self.requests_per_second * per_request

    def max_in_window(self, window: float = 1.0) -> int:
        """The most arrivals within any half-open window of `window` seconds."""
        most = 0
        for index, start in enumerate(self.arrivals):
            end = bisect.bisect_left(self.arrivals, start + window, lo=index)
            most = max(most, end - index)
        return most


def drain_of(requests: Sequence[RecordedRequest], throttled: int) -> Drain:
    """The drain figures of the run's accepted level requests."""
    arrivals = sorted(request.arrived_at.timestamp() for request in requests)
    levels = sum(len(request.body["levels"]) for request in requests)
    return Drain(arrivals, levels, throttled)


def history(cloud: LocalCloud, execution_arn: str) -> list[dict[str, Any]]:
    """An execution's whole history."""
    assert cloud.engine is not None
    request: dict[str, Any] = {"executionArn": execution_arn, "maxResults": 1000}
    events: list[dict[str, Any]] = []
    while True:
        page = cloud.engine.get_execution_history(request)
        events.extend(page["events"])
        if not page.get("nextToken"):
            return events
        request["nextToken"] = page["nextToken"]


def map_run_children(cloud: LocalCloud, execution_arn: str) -> list[str]:
    """The child executions of every Map run of an execution."""
    assert cloud.engine is not None
    children: list[str] = []
    for run in cloud.engine.list_map_runs({"executionArn": execution_arn})["mapRuns"]:
        request: dict[str, Any] = {"mapRunArn": run["mapRunArn"], "maxResults": 1000}
        while True:
            page = cloud.engine.list_executions(request)
            children.extend(execution["executionArn"] for execution in page["executions"])
            if not page.get("nextToken"):
                break
            request["nextToken"] = page["nextToken"]
    return children


def transitions(events: Sequence[dict[str, Any]]) -> int:
    """State transitions as AWS bills them: every state entered, plus every task retry."""
    entered = sum(1 for event in events if event["type"].endswith("StateEntered"))
    task_entries = sum(1 for event in events if event["type"] == "TaskStateEntered")
    scheduled = sum(1 for event in events if event["type"] == "TaskScheduled")
    return entered + max(scheduled - task_entries, 0)


@dataclass(frozen=True)
class Billing:
    """State transitions of a run: the parent's and its Map children's."""

    parent: int
    children: int
    child_count: int

    @property
    def total(self) -> int:
        """Every transition of the run."""
        return self.parent + self.children

    @property
    def price(self) -> float:
        """What the run costs at $0.025 per 1,000 transitions (free tier not counted)."""
        return self.total * PRICE_PER_TRANSITION


def billing_of(cloud: LocalCloud, execution_arn: str) -> Billing:
    """Count the run's transitions from the execution histories."""
    children = map_run_children(cloud, execution_arn)
    child_transitions = sum(transitions(history(cloud, child)) for child in children)
    return Billing(transitions(history(cloud, execution_arn)), child_transitions, len(children))


@dataclass(frozen=True)
class RunFigures:
    """Everything measured for one snapshot."""

    snapshot: Snapshot
    description: dict[str, Any]
    output: dict[str, Any]
    run_seconds: float
    drain: Drain
    billing: Billing


def run_snapshot(cloud: LocalCloud, snapshot: Snapshot, key: str) -> RunFigures:
    """Drop the snapshot, wait for its run and for the storefront to get every change."""
    storefront = cloud.simulators.storefront
    storefront.reset()
    started = time.monotonic()
    execution_arn = drop(cloud, key, snapshot.text)
    description = await_run(cloud, execution_arn)
    if description["status"] != "SUCCEEDED":
        raise RuntimeError(f"{key}: the run ended {description['status']}: {description}")
    output = json.loads(description["output"])
    requests = await_levels_sent(cloud, math.ceil(output["sent"] / BATCH_LEVELS))
    run_seconds = time.monotonic() - started
    drain = drain_of(requests, storefront.throttled_count)
    return RunFigures(
        snapshot, description, output, run_seconds, drain, billing_of(cloud, execution_arn)
    )


def print_run(figures: RunFigures) -> None:
    """The figures of one run."""
    output, drain, billing = figures.output, figures.drain, figures.billing
    say(
        f"rows {output['rows']:,}: rejected {output['rejected']} (generated "
        f"{figures.snapshot.invalid}), changed {output['changed']:,} (generated "
        f"{figures.snapshot.changed:,}), sent {output['sent']:,}, failed {output['failed']}"
    )
    say(f"  drop to last storefront request: {figures.run_seconds:.1f} s")
    limit = RATE_LIMIT_PER_SECOND
    if len(drain.arrivals) < MEANINGFUL_REQUESTS:
        say(
            f"  drain: {len(drain.arrivals)} requests, {drain.levels:,} SKUs in "
            f"{drain.seconds:.1f} s (too few requests for a rate against the limit)"
        )
    else:
        say(
            f"  drain: {len(drain.arrivals)} requests, {drain.levels:,} SKUs in "
            f"{drain.seconds:.1f} s: {drain.requests_per_second:.3f} requests/s = "
            f"{100 * drain.requests_per_second / limit:.1f}% of the limit ({limit:g}/s); "
            f"{drain.levels_per_second:,.0f} SKUs/s = "
            f"{100 * drain.levels_per_second / (limit * BATCH_LEVELS):.1f}% of "
            f"{limit * BATCH_LEVELS:,.0f}/s"
        )
    ten = drain.max_in_window(10.0)
    say(
        f"  storefront: most requests arriving in any 1 s window {drain.max_in_window()}, in any "
        f"10 s window {ten} ({ten / 10:g}/s); 429 answers {drain.throttled}"
    )
    say(
        f"  state transitions: {billing.total:,} (parent {billing.parent}, "
        f"{billing.child_count} Map children {billing.children:,}) = ${billing.price:.4f}"
    )


# Memory: each function of the workflow measured in its own Python process, as on Lambda.
#
# The local cloud runs handlers on threads of one process that also holds moto (every S3
# object and DynamoDB item), the engine and the simulators, so tracemalloc or getrusage in it
# would count their allocations too (moto keeping the uploaded files grows with the file).
# Instead a measured invocation runs in a child process with the function's environment,
# talking to the same local cloud over HTTP: tracemalloc (started after the handler's import)
# gives the Python heap's peak during the call, and VmHWM the process's high-water mark
# (interpreter and imports included: Lambda's "Max Memory Used").
# ValidateSnapshot and ComputeDeltas run once per file: their real invocations are the
# children (the drain figures start after them). QueueLevels and the dispatcher run many
# times and set the pace of the drain, so they run in-process; their first events are kept
# and replayed in a child after the drain, into a scratch queue and idempotency table so
# nothing is queued or skipped twice (the replayed storefront calls carry their original
# Idempotency-Keys and are answered from the storefront's replay store).
LIVE_MEASURED = ("ValidateSnapshotFunction", "ComputeDeltasFunction")
REPLAYED = ("QueueLevelsFunction", "StorefrontDispatcherFunction")
REPLAYED_EVENTS = 3
SCRATCH_QUEUE = "bench-inventory-replay"
SCRATCH_IDEMPOTENCY_TABLE = "bench-inventory-replay-idempotency"
CHILD_FLAG = "--measure"


@dataclass(frozen=True)
class Measured:
    """One invocation measured in a child process."""

    function: str
    heap_peak_bytes: int
    max_rss_kb: int
    payload: Any
    error: str | None


def _child_environment(cloud: LocalCloud, logical_id: str, **overrides: str) -> dict[str, str]:
    """The process environment (endpoints, credentials) plus the function's own variables."""
    assert cloud.model is not None
    function = cloud.model.functions[logical_id]
    return {
        **os.environ,
        **{name: str(value) for name, value in function.environment.items()},
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
        **overrides,
    }


def measure_in_child(
    cloud: LocalCloud, logical_id: str, events: Sequence[Any], **overrides: str
) -> list[Measured]:
    """Invoke the function's handler with each event in one fresh child process, measured."""
    assert cloud.model is not None
    function = cloud.model.functions[logical_id]
    with tempfile.TemporaryDirectory() as scratch:
        request, result = Path(scratch, "request.json"), Path(scratch, "result.json")
        request.write_text(
            json.dumps(
                {
                    "codeDir": str(function.code_uri),
                    "handler": function.handler,
                    "functionName": function.name,
                    "timeoutSeconds": function.timeout,
                    "events": list(events),
                }
            )
        )
        subprocess.run(
            [sys.executable, __file__, CHILD_FLAG, str(request), str(result)],
            env=_child_environment(cloud, logical_id, **overrides),
            stdout=subprocess.DEVNULL,
            check=True,
        )
        answers = json.loads(result.read_text())
    return [
        Measured(
            logical_id, answer["heapPeak"], answer["maxRssKb"], answer["payload"], answer["error"]
        )
        for answer in answers
    ]


def peak_rss_kb() -> int:
    """This process's resident-set high-water mark in KiB (Linux `VmHWM`).

    Not `getrusage().ru_maxrss`: Linux keeps that across fork and exec, so a child of the
    big local-cloud process would report the parent's size.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def child_main(request_path: str, result_path: str) -> None:
    """In the child: import the handler, then call it with each event under tracemalloc."""
    from sluice.clock import RealClock
    from sluice.lambda_runtime.context import LambdaContext

    warnings.simplefilter("ignore")
    request = json.loads(Path(request_path).read_text())
    module_name, _, handler_name = request["handler"].rpartition(".")
    sys.path[:0] = [request["codeDir"], str(SHARED_LAYER)]
    handler = getattr(importlib.import_module(module_name), handler_name)
    clock = RealClock()
    tracemalloc.start()
    answers = []
    for event in request["events"]:
        context = LambdaContext(
            aws_request_id=str(uuid.uuid4()),
            function_name=request["functionName"],
            function_version="$LATEST",
            invoked_function_arn=request["functionName"],
            memory_limit_in_mb=int(os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]),
            log_group_name=f"/aws/lambda/{request['functionName']}",
            log_stream_name="bench",
            clock=clock,
            deadline=clock.monotonic() + request["timeoutSeconds"],
        )
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        try:
            payload, error = handler(event, context), None
        except Exception as failure:  # reported to the parent as Lambda would report it
            payload = {"errorType": type(failure).__name__, "errorMessage": str(failure)}
            error = "Unhandled"
        answers.append(
            {
                "heapPeak": tracemalloc.get_traced_memory()[1] - before,
                "maxRssKb": peak_rss_kb(),
                "payload": json.loads(json.dumps(payload, default=str)),
                "error": error,
            }
        )
    Path(result_path).write_text(json.dumps(answers))


class InvocationTap:
    """Runs the once-per-file steps in measured children and keeps the first events of others."""

    def __init__(self, cloud: LocalCloud) -> None:
        assert cloud.runtime is not None and cloud.model is not None
        self._cloud = cloud
        self._runtime = cloud.runtime
        self._names = {
            cloud.function_name(logical): logical for logical in LIVE_MEASURED + REPLAYED
        }
        self._lock = threading.Lock()
        self.measured: list[Measured] = []
        self.kept: dict[str, list[Any]] = {logical: [] for logical in REPLAYED}

    def __enter__(self) -> InvocationTap:
        original = self._runtime.invoke

        def invoke(reference: str, payload: Any = b"", *args: Any, **kwargs: Any) -> Any:
            logical = self._names.get(self._runtime.function(reference).name)
            if logical in LIVE_MEASURED:
                return self._run_measured(logical, payload)
            if logical in REPLAYED:
                with self._lock:
                    if len(self.kept[logical]) < REPLAYED_EVENTS:
                        self.kept[logical].append(payload)
            return original(reference, payload, *args, **kwargs)

        self._runtime.invoke = invoke  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc_info: object) -> None:
        del self._runtime.invoke

    def _run_measured(self, logical: str, payload: Any) -> InvocationResult:
        [measured] = measure_in_child(self._cloud, logical, [payload])
        self.measured.append(measured)
        return InvocationResult(
            status_code=200,
            request_id=str(uuid.uuid4()),
            payload=measured.payload,
            function_error=measured.error,
            executed_version="$LATEST",
        )

    def replay(self) -> None:
        """Replay the kept events in measured children, into scratch targets."""
        queue_url = boto3.client("sqs").create_queue(QueueName=SCRATCH_QUEUE)["QueueUrl"]
        self.measured += measure_in_child(
            self._cloud,
            "QueueLevelsFunction",
            self.kept["QueueLevelsFunction"],
            STOREFRONT_REQUEST_QUEUE_URL=queue_url,
        )
        self.measured += measure_in_child(
            self._cloud,
            "StorefrontDispatcherFunction",
            self.kept["StorefrontDispatcherFunction"],
            IDEMPOTENCY_TABLE_NAME=scratch_idempotency_table(self._cloud),
            STOREFRONT_RATE_LIMIT_PER_SECOND="1000",
        )


def scratch_idempotency_table(cloud: LocalCloud) -> str:
    """An empty table shaped like the idempotency table (created once)."""
    assert cloud.model is not None
    client = boto3.client("dynamodb")
    try:
        client.describe_table(TableName=SCRATCH_IDEMPOTENCY_TABLE)
    except client.exceptions.ResourceNotFoundException:
        shape = client.describe_table(TableName=cloud.model.tables["IdempotencyTable"].name)
        client.create_table(
            TableName=SCRATCH_IDEMPOTENCY_TABLE,
            KeySchema=shape["Table"]["KeySchema"],
            AttributeDefinitions=shape["Table"]["AttributeDefinitions"],
            BillingMode="PAY_PER_REQUEST",
        )
    return SCRATCH_IDEMPOTENCY_TABLE


def peaks(measured: Sequence[Measured]) -> dict[str, tuple[int, int, int]]:
    """Per function: (invocations, largest heap peak in bytes, largest max RSS in KiB)."""
    found: dict[str, tuple[int, int, int]] = {}
    for item in measured:
        count, heap, rss = found.get(item.function, (0, 0, 0))
        found[item.function] = (
            count + 1,
            max(heap, item.heap_peak_bytes),
            max(rss, item.max_rss_kb),
        )
    return found


def print_memory(by_rows: dict[int, list[Measured]]) -> None:
    """Peak memory per function for each file size, side by side."""
    say(
        "peak memory per invocation (child process: Python heap peak during the call by "
        "tracemalloc / process max RSS):"
    )
    tables = {rows: peaks(measured) for rows, measured in by_rows.items()}
    header = "".join(f"{f'{rows:,} rows':>32}" for rows in tables)
    say(f"  {'function':<30}{header}")
    for logical in LIVE_MEASURED + REPLAYED:
        cells = ""
        for table in tables.values():
            count, heap, rss = table.get(logical, (0, 0, 0))
            cells += f"{f'{heap / 2**20:.1f} MiB / {rss / 1024:.0f} MiB (x{count})':>32}"
        say(f"  {logical:<30}{cells}")
    for measured in by_rows.values():
        for item in measured:
            if item.error is not None:
                say(f"  ! {item.function} failed in its child: {item.payload}")


def say(text: str) -> None:
    """Print a figure (functions print their logs and metrics to the redirected stdout)."""
    print(text, file=sys.__stdout__, flush=True)


def main() -> None:
    """Run the small and the big snapshot; print drain, transitions and memory figures."""
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    rng = random.Random(SEED)
    memory: dict[int, list[Measured]] = {}
    say(
        f"storefront limit {RATE_LIMIT_PER_SECOND:g} requests/s (burst {STOREFRONT_BURST}), "
        f"{BATCH_LEVELS} SKUs a request; dispatcher B = {DISPATCHER_BATCH_SIZE}, "
        f"R = {DISPATCHER_CONCURRENCY}; time scale 1"
    )
    with contextlib.redirect_stdout(io.StringIO()), open_cloud() as cloud:
        for rows, prefix in ((SMALL_ROWS, "SMALL"), (BIG_ROWS, "BIG")):
            snapshot, known = generate(rows, prefix, rng)
            seed_levels(cloud, known)
            with InvocationTap(cloud) as tap:
                figures = run_snapshot(cloud, snapshot, f"incoming/bench-{rows}.csv")
            print_run(figures)
            tap.replay()
            memory[rows] = tap.measured
        print_memory(memory)


if __name__ == "__main__":
    if sys.argv[1:2] == [CHILD_FLAG]:
        child_main(sys.argv[2], sys.argv[3])
    else:
        sys.path.insert(0, str(SHARED_LAYER))  # the run key's naming, as the functions see it
        main()
