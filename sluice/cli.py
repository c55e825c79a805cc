"""The `sluice` command: run the suite locally, and inspect and redrive its executions.

- `sluice up`: bring the local cloud up and keep it running; prints its endpoints (the web
  console first) and writes them to `<state dir>/endpoints.json` so other terminals can reach it.
- `sluice run`: the main job (order traffic with provider faults, then a report).
- `sluice redrive` (by ARN, or by `--workflow`/`--since`/`--until`/`--error`) and
  `sluice dlq-redrive --queue ...`: bulk redrive, on the local cloud or on AWS (`--aws`).
- `sluice executions`, `sluice history`, `sluice redrive`: through the running local cloud's
  Step Functions API (or any endpoint given with `--endpoint-url`, AWS included).
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sluice.cloud.local_cloud import LocalCloud
from sluice.cloud.main_job import DEFAULT_TIME_SCALE, MainJobSettings
from sluice.cloud.main_job import Progress as JobProgress
from sluice.cloud.report import Report, report_as_json
from sluice.cloud.settings import DEFAULT_STATE_DIR, CloudSettings
from sluice.cloud.traffic import TrafficMix
from sluice.console import ConsoleServer
from sluice.redrive import (
    ExecutionFilter,
    NoDeadLetterQueue,
    matching_executions,
    parse_moment,
    redrive,
    redrive_dead_letters,
)

ENDPOINTS_FILE = "endpoints.json"
console = Console()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `sluice` command; returns the exit status."""
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    args = _parser().parse_args(argv)
    try:
        return int(args.command(args))
    except (ClientError, BotoCoreError) as error:
        console.print(f"[red]error:[/red] {error}")
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sluice", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    up = commands.add_parser("up", help="bring the local cloud up until interrupted")
    _cloud_arguments(up, default_scale=1.0)
    up.add_argument("--console-port", type=int, default=0, help="the console's port (0: any)")
    up.add_argument(
        "--no-alarms", action="store_true", help="do not evaluate the CloudWatch alarms"
    )
    up.set_defaults(command=_up)

    run = commands.add_parser("run", help="the main job: order traffic, then a report")
    _cloud_arguments(run, default_scale=DEFAULT_TIME_SCALE)
    run.add_argument("--orders", type=int, default=TrafficMix.orders, help="webhooks to send")
    run.add_argument(
        "--per-minute",
        type=float,
        default=TrafficMix.per_minute,
        help="webhooks started per simulated minute (0: all at once)",
    )
    run.add_argument("--duplicate-rate", type=float, default=TrafficMix.duplicate_rate)
    run.add_argument("--invalid-rate", type=float, default=TrafficMix.invalid_rate)
    run.add_argument("--no-faults", action="store_true", help="providers never fail")
    run.add_argument("--seed", type=int, default=7)
    run.add_argument("--deadline", type=float, default=180.0, help="wall seconds to wait")
    run.add_argument("--json", action="store_true", help="print the report as JSON")
    run.set_defaults(command=_run)

    executions = commands.add_parser("executions", help="list executions")
    _api_arguments(executions)
    executions.add_argument("--workflow", help="state machine name or its suffix (orders)")
    executions.add_argument(
        "--status", choices=["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]
    )
    executions.add_argument("--limit", type=int, default=50)
    executions.set_defaults(command=_executions)

    history = commands.add_parser("history", help="an execution's history events")
    _api_arguments(history)
    history.add_argument("execution", help="execution ARN, or name with --workflow")
    history.add_argument("--workflow", help="state machine name or suffix, to find a name")
    history.set_defaults(command=_history)

    redrive = commands.add_parser(
        "redrive", help="redrive failed executions: by ARN, or every one a filter matches"
    )
    _api_arguments(redrive)
    redrive.add_argument("executions", nargs="*", help="execution ARNs (or use the filters)")
    redrive.add_argument("--workflow", help="state machine name or its suffix (orders)")
    redrive.add_argument("--since", type=parse_moment, help="stopped at/after: ISO time or 2h")
    redrive.add_argument("--until", type=parse_moment, help="stopped at/before: ISO time or 30m")
    redrive.add_argument("--error", help="only this error, e.g. ProviderUnavailable")
    redrive.add_argument("--dry-run", action="store_true", help="list, redrive nothing")
    redrive.add_argument("--aws", action="store_true", help="AWS with your credentials")
    redrive.set_defaults(command=_redrive)

    dlq = commands.add_parser("dlq-redrive", help="move a request queue's dead letters back")
    dlq.add_argument(
        "--queue", required=True, help="queue or DLQ name/URL (sluice-dev-erp-requests)"
    )
    dlq.add_argument("--dry-run", action="store_true", help="count, move nothing")
    dlq.add_argument("--aws", action="store_true", help="AWS with your credentials")
    dlq.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR)
    dlq.add_argument("--endpoint-url", help="SQS endpoint (default: sluice up's)")
    dlq.add_argument("--region", default="us-east-1")
    dlq.set_defaults(command=_dlq_redrive)
    return parser


def _cloud_arguments(parser: argparse.ArgumentParser, default_scale: float) -> None:
    parser.add_argument("--template", type=Path, default=Path("template.yaml"))
    parser.add_argument("--config-env", default="dev", help="samconfig environment")
    parser.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="template parameter override (repeatable)",
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=default_scale,
        help="simulated seconds per wall second (waits, retries, latencies, timeouts)",
    )
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR)


def _api_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR)
    parser.add_argument("--endpoint-url", help="Step Functions endpoint (default: sluice up's)")
    parser.add_argument("--region", default="us-east-1")


def _overrides(pairs: list[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator:
            raise SystemExit(f"--parameter takes NAME=VALUE, got {pair!r}")
        overrides[name] = value
    return overrides


def _up(args: argparse.Namespace) -> int:
    settings = CloudSettings(
        template=args.template,
        config_env=args.config_env,
        parameter_overrides=_overrides(args.parameter),
        time_scale=args.time_scale,
        state_dir=args.state_dir,
        alarms=not args.no_alarms,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with (
        LocalCloud(settings) as cloud,
        ConsoleServer(cloud.engine_url, port=args.console_port) as web_console,
    ):
        endpoints = {"console": web_console.url, **cloud.endpoints()}
        (args.state_dir / ENDPOINTS_FILE).write_text(json.dumps(endpoints, indent=2))
        table = Table(title="sluice local cloud", show_header=True)
        table.add_column("endpoint")
        table.add_column("url")
        for name, url in endpoints.items():
            table.add_row(name, url)
        console.print(table)
        console.print(f"state and function logs in {args.state_dir}/ - Ctrl-C to stop")
        try:
            while not stopped.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
    (args.state_dir / ENDPOINTS_FILE).unlink(missing_ok=True)
    return 0


def _run(args: argparse.Namespace) -> int:
    from sluice.cloud.main_job import run_main_job

    settings = MainJobSettings(
        traffic=TrafficMix(
            orders=args.orders,
            per_minute=args.per_minute or None,
            duplicate_rate=args.duplicate_rate,
            invalid_rate=args.invalid_rate,
        ),
        time_scale=args.time_scale,
        faults=not args.no_faults,
        seed=args.seed,
        deadline_seconds=args.deadline,
        state_dir=args.state_dir / "run",
        template=args.template,
    )
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bars:
        sending = bars.add_task("webhooks sent", total=None)
        closing = bars.add_task("workflows closed", total=None)
        report = run_main_job(
            settings,
            JobProgress(
                sent=lambda done, total: bars.update(sending, completed=done, total=total),
                closed=lambda done, total: bars.update(closing, completed=done, total=total),
            ),
        )
    if args.json:
        console.print_json(report_as_json(report))
    else:
        _print_report(report)
    return 1 if report.lost else 0


def _print_report(report: Report) -> None:
    table = Table(title="executions by workflow and status")
    table.add_column("workflow")
    table.add_column("status")
    table.add_column("count", justify="right")
    for workflow, statuses in report.executions.items():
        for status, count in sorted(statuses.items()):
            table.add_row(workflow, status, str(count))
    console.print(table)
    rejected = Table(title="webhooks rejected at ingest")
    rejected.add_column("answer")
    rejected.add_column("count", justify="right")
    for reason, count in report.rejected.most_common():
        rejected.add_row(reason, str(count))
    console.print(rejected)
    figures = Table(title="run", show_header=False)
    figures.add_column("figure")
    figures.add_column("value", justify="right")

    def seconds(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f} s"

    rows = [
        ("orders accepted", str(report.accepted)),
        ("duplicates absorbed", str(report.duplicates_absorbed)),
        ("webhook redeliveries after 5xx/429", str(report.redeliveries)),
        ("task retries", str(report.retries)),
        ("retried errors", ", ".join(f"{e} {n}" for e, n in report.retried_errors.items())),
        ("ERP 429 throttles", str(report.erp_throttled)),
        ("Lambda throttles", str(report.lambda_throttles)),
        ("ERP peak concurrent connections", f"{report.erp_max_concurrent} of {report.erp_cap}"),
        ("end-to-end latency p50", seconds(report.percentile(0.5))),
        ("end-to-end latency p95", seconds(report.percentile(0.95))),
        ("end-to-end latency p99", seconds(report.percentile(0.99))),
        ("failures recorded for ops", str(report.failures_recorded)),
        ("Slack alerts sent", str(report.slack_alerts)),
        ("orders lost", str(len(report.lost))),
        ("wall time", f"{report.wall_seconds:.1f} s at time scale {report.time_scale:g}"),
    ]
    for name, value in rows:
        figures.add_row(name, value)
    console.print(figures)
    console.print("latencies are simulated seconds (wall seconds x time scale)")
    for lost in report.lost:
        console.print(f"[red]lost:[/red] {lost}")


def _client(args: argparse.Namespace) -> Any:
    endpoint = args.endpoint_url
    if endpoint is None:
        path = args.state_dir / ENDPOINTS_FILE
        if not path.exists():
            raise SystemExit(
                f"no running local cloud ({path} missing): start `sluice up` or pass --endpoint-url"
            )
        endpoint = json.loads(path.read_text())["stepfunctions"]
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint,
        region_name=args.region,
        config=Config(inject_host_prefix=False, retries={"max_attempts": 2}),
    )


def _machines(client: Any, workflow: str | None) -> list[dict[str, Any]]:
    machines = []
    for page in client.get_paginator("list_state_machines").paginate():
        machines.extend(page["stateMachines"])
    if workflow:
        machines = [m for m in machines if m["name"] == workflow or m["name"].endswith(workflow)]
    return machines


def _executions(args: argparse.Namespace) -> int:
    client = _client(args)
    table = Table(title="executions")
    for column in ("workflow", "name", "status", "started", "stopped", "redrives"):
        table.add_column(column)
    shown = 0
    for machine in _machines(client, args.workflow):
        request: dict[str, Any] = {"stateMachineArn": machine["stateMachineArn"]}
        if args.status:
            request["statusFilter"] = args.status
        for page in client.get_paginator("list_executions").paginate(**request):
            for execution in page["executions"]:
                if shown >= args.limit:
                    break
                table.add_row(
                    machine["name"],
                    execution["name"],
                    execution["status"],
                    str(execution["startDate"]),
                    str(execution.get("stopDate", "")),
                    str(execution.get("redriveCount", 0)),
                )
                shown += 1
    console.print(table)
    return 0


def _history(args: argparse.Namespace) -> int:
    client = _client(args)
    arn = args.execution
    if not arn.startswith("arn:"):
        machines = _machines(client, args.workflow)
        if len(machines) != 1:
            raise SystemExit("give an execution ARN, or a name with --workflow naming one machine")
        arn = machines[0]["stateMachineArn"].replace(":stateMachine:", ":execution:") + ":" + arn
    table = Table(title=arn)
    for column in ("id", "time", "type", "details"):
        table.add_column(column)
    for page in client.get_paginator("get_execution_history").paginate(executionArn=arn):
        for event in page["events"]:
            details = next(
                (value for key, value in event.items() if key.endswith("EventDetails")), {}
            )
            table.add_row(
                str(event["id"]),
                str(event["timestamp"]),
                event["type"],
                json.dumps(details, default=str)[:120],
            )
    console.print(table)
    return 0


def _redrive(args: argparse.Namespace) -> int:
    client = boto3.client("stepfunctions", region_name=args.region) if args.aws else _client(args)
    if args.executions:
        return _redrive_arns(client, args.executions)
    chosen = ExecutionFilter(args.workflow, args.since, args.until, args.error)
    if chosen == ExecutionFilter():
        raise SystemExit("give execution ARNs, or filters: --workflow, --since, --until, --error")
    table = Table(title="redrive" + (" (dry run)" if args.dry_run else ""))
    for column in ("workflow", "execution", "status", "stopped", "outcome"):
        table.add_column(column)
    outcomes = [
        redrive(client, candidate, dry_run=args.dry_run)
        for candidate in matching_executions(client, chosen)
    ]
    for outcome in outcomes:
        candidate = outcome.candidate
        table.add_row(
            candidate.workflow,
            candidate.name,
            candidate.status + (f" {candidate.error}" if candidate.error else ""),
            str(candidate.stopped or ""),
            outcome.detail if outcome.redriven or args.dry_run else f"[red]{outcome.detail}[/red]",
        )
    console.print(table)
    redriven = sum(outcome.redriven for outcome in outcomes)
    console.print(f"{len(outcomes)} matched, {redriven} redriven")
    return 0 if args.dry_run or redriven == len(outcomes) else 1


def _dlq_redrive(args: argparse.Namespace) -> int:
    if args.aws:
        sqs = boto3.client("sqs", region_name=args.region)
    else:
        endpoint, credentials = args.endpoint_url, {}
        if endpoint is None:
            path = args.state_dir / ENDPOINTS_FILE
            if not path.exists():
                raise SystemExit(
                    f"no running local cloud ({path} missing): use --aws or --endpoint-url"
                )
            endpoint = json.loads(path.read_text())["aws (moto)"]
            credentials = {"aws_access_key_id": "sluice-local", "aws_secret_access_key": "local"}
        sqs = boto3.client("sqs", endpoint_url=endpoint, region_name=args.region, **credentials)
    try:
        move = redrive_dead_letters(sqs, args.queue, dry_run=args.dry_run)
    except NoDeadLetterQueue as error:
        raise SystemExit(str(error)) from error
    console.print(f"{move.dead_letter_url} held about {move.waiting} messages for {move.queue_url}")
    if move.task_handle:
        console.print(f"move task started ({move.method}): {move.task_handle}")
    elif not args.dry_run:
        console.print(f"moved {move.moved} messages back ({move.method})")
    return 0


def _redrive_arns(client: Any, arns: list[str]) -> int:
    failed = 0
    for arn in arns:
        try:
            answer = client.redrive_execution(executionArn=arn)
        except ClientError as error:
            failed += 1
            console.print(f"[red]{arn}[/red]: {error.response['Error']['Message']}")
            continue
        console.print(f"redriven {arn} at {answer['redriveDate']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
