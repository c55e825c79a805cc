"""A local EventBridge: rules on named buses, schedules, and delivery to their targets.

Rules match events with moto's `EventPattern` (the EventBridge pattern language); matching
events go to each target through `Deliveries` (retries, DLQ). Scheduled rules and
EventBridge Scheduler schedules fire on the injected clock.

Scheduled rule events are shaped as EventBridge sends them: `source: aws.events`,
`detail-type: Scheduled Event`, `resources: [rule ARN]`, `detail: {}`
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html).
Scheduler schedules deliver their target's `Input`; without one, sluice sends `{}`.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from moto.events.models import EventPattern

from sluice.clock import Clock, RealClock
from sluice.entrypoints.delivery import Deliveries, DeliveryRecord
from sluice.entrypoints.invoker import Invoke
from sluice.entrypoints.schedule_expressions import ScheduleExpression, parse_schedule
from sluice.entrypoints.targets import StartExecution, Target, TargetSender, arn_part
from sluice.entrypoints.timers import DEFAULT_WORKERS, Timers

DEFAULT_BUS = "default"
ENABLED = "ENABLED"
SCHEDULED_EVENT = "Scheduled Event"
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
MAX_ENTRIES = 10
MAX_ENTRY_BYTES = 256 * 1024

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """An EventBridge rule: an event pattern or a schedule expression, and its targets."""

    name: str
    targets: tuple[Target, ...]
    event_pattern: Mapping[str, Any] | None = None
    schedule_expression: str | None = None
    bus_name: str = DEFAULT_BUS
    state: str = ENABLED

    def __post_init__(self) -> None:
        if (self.event_pattern is None) == (self.schedule_expression is None):
            raise ValueError(f"rule {self.name} needs an event pattern or a schedule expression")
        if self.schedule_expression is not None and self.bus_name != DEFAULT_BUS:
            raise ValueError("scheduled rules can only be created on the default event bus")


@dataclass(frozen=True)
class Schedule:
    """An EventBridge Scheduler schedule (SAM `ScheduleV2`): expression, time zone, target."""

    name: str
    expression: str
    target: Target
    timezone: str | None = None
    group_name: str = "default"
    state: str = ENABLED


def iso_time(moment: datetime) -> str:
    """EventBridge's event time format, e.g. `2019-02-26T19:42:21Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class EventRouter:
    """Buses, rules and schedules of one account and region, and the deliveries they make."""

    def __init__(
        self,
        *,
        invoke: Invoke | None = None,
        sqs_client: Any = None,
        start_execution: StartExecution | None = None,
        clock: Clock | None = None,
        account_id: str = "123456789012",
        region: str = "us-east-1",
        rng: random.Random | None = None,
        workers: int = DEFAULT_WORKERS,
    ) -> None:
        self.clock = clock or RealClock()
        self.account_id = account_id
        self.region = region
        self._timers = Timers(self.clock, workers, name="eventbridge")
        self.deliveries = Deliveries(
            TargetSender(invoke, sqs_client, start_execution), self._timers, rng
        )
        self._buses: dict[str, dict[str, tuple[Rule, EventPattern | None]]] = {DEFAULT_BUS: {}}
        self._schedule_tokens: dict[str, object] = {}
        self._lock = threading.Lock()

    # ---- buses and rules ----
    def put_event_bus(self, name: str) -> str:
        """Create a custom bus (idempotent); returns its ARN."""
        with self._lock:
            self._buses.setdefault(name, {})
        return self.bus_arn(name)

    def bus_arn(self, name: str) -> str:
        """The ARN of a bus."""
        return f"arn:aws:events:{self.region}:{self.account_id}:event-bus/{name}"

    def rule_arn(self, name: str, bus_name: str = DEFAULT_BUS) -> str:
        """The ARN of a rule (custom buses put their name in the path)."""
        path = name if bus_name == DEFAULT_BUS else f"{bus_name}/{name}"
        return f"arn:aws:events:{self.region}:{self.account_id}:rule/{path}"

    def put_rule(self, rule: Rule) -> str:
        """Create or replace a rule (and arm its schedule); returns its ARN."""
        pattern = (
            EventPattern.load(json.dumps(rule.event_pattern))
            if rule.event_pattern is not None
            else None
        )
        schedule = parse_schedule(rule.schedule_expression) if rule.schedule_expression else None
        arn = self.rule_arn(rule.name, rule.bus_name)
        with self._lock:
            if rule.bus_name not in self._buses:
                raise ValueError(f"Event bus {rule.bus_name} does not exist.")
            self._buses[rule.bus_name][rule.name] = (rule, pattern)
        if schedule is not None and rule.state == ENABLED:
            self._arm(arn, schedule, self.clock.now(), lambda at: self._fire_rule(rule, arn, at))
        else:
            self._disarm(arn)
        return arn

    def delete_rule(self, name: str, bus_name: str = DEFAULT_BUS) -> None:
        """Remove a rule and stop its schedule."""
        with self._lock:
            self._buses.get(bus_name, {}).pop(name, None)
        self._disarm(self.rule_arn(name, bus_name))

    def schedule_arn(self, schedule: Schedule) -> str:
        """The ARN of a Scheduler schedule."""
        return (
            f"arn:aws:scheduler:{self.region}:{self.account_id}:schedule/"
            f"{schedule.group_name}/{schedule.name}"
        )

    def put_schedule(self, schedule: Schedule) -> str:
        """Create or replace an EventBridge Scheduler schedule; returns its ARN."""
        expression = parse_schedule(schedule.expression, schedule.timezone, allow_at=True)
        arn = self.schedule_arn(schedule)
        if schedule.state == ENABLED:
            self._arm(
                arn, expression, self.clock.now(), lambda at: self._fire_schedule(schedule, arn)
            )
        else:
            self._disarm(arn)
        return arn

    def delete_schedule(self, schedule: Schedule) -> None:
        """Stop a Scheduler schedule."""
        self._disarm(self.schedule_arn(schedule))

    # ---- events ----
    def put_events(self, entries: list[Mapping[str, Any]]) -> dict[str, Any]:
        """PutEvents: validate each entry, route the good ones; answers as the API does."""
        if len(entries) > MAX_ENTRIES:
            raise ValueError("PutEvents accepts at most 10 entries")
        results: list[dict[str, Any]] = []
        for entry in entries:
            problem = _entry_problem(entry)
            if problem is not None:
                results.append({"ErrorCode": problem[0], "ErrorMessage": problem[1]})
                continue
            event = self.event_from_entry(entry, str(uuid.uuid4()))
            self.publish(event, bus_name_of(entry.get("EventBusName")))
            results.append({"EventId": event["id"]})
        failed = sum(1 for result in results if "ErrorCode" in result)
        return {"FailedEntryCount": failed, "Entries": results}

    def event_from_entry(self, entry: Mapping[str, Any], event_id: str) -> dict[str, Any]:
        """The event EventBridge makes of a PutEvents entry."""
        return {
            "version": "0",
            "id": event_id,
            "detail-type": entry["DetailType"],
            "source": entry["Source"],
            "account": self.account_id,
            "time": _entry_time(entry.get("Time"), self.clock.now()),
            "region": self.region,
            "resources": list(entry.get("Resources") or []),
            "detail": json.loads(entry["Detail"]),
        }

    def publish(self, event: Mapping[str, Any], bus_name: str = DEFAULT_BUS) -> int:
        """Send a complete event to the bus's matching rules; returns how many matched."""
        with self._lock:
            rules = list(self._buses.get(bus_name, {}).values())
        matched = 0
        for rule, pattern in rules:
            if pattern is None or rule.state != ENABLED or not pattern.matches_event(dict(event)):
                continue
            matched += 1
            self._deliver(rule.targets, event, self.rule_arn(rule.name, rule.bus_name), "RULE_ARN")
        return matched

    def records(self) -> list[DeliveryRecord]:
        """How finished deliveries ended, oldest first."""
        return self.deliveries.records()

    def pending(self) -> int:
        """Deliveries and armed schedule firings not yet finished."""
        return self._timers.pending()

    def wait_until_idle(self, timeout: float) -> bool:
        """Wait up to `timeout` clock seconds until nothing is pending (no schedule armed)."""
        return self._timers.wait_until_idle(timeout)

    def close(self) -> None:
        """Stop schedules and pending deliveries."""
        with self._lock:
            self._schedule_tokens.clear()
        self._timers.close()

    # ---- internals ----
    def _deliver(
        self,
        targets: tuple[Target, ...],
        event: Mapping[str, Any],
        source_arn: str,
        source_attribute: str,
    ) -> None:
        body = json.dumps(event)
        for target in targets:
            if arn_part(target.arn, 2) == "events":
                bus = target.arn.rsplit("event-bus/", 1)[-1]
                self.publish(event, bus)
                continue
            self.deliveries.submit(
                event_id=str(event.get("id", uuid.uuid4())),
                source_arn=source_arn,
                source_attribute=source_attribute,
                target=target,
                payload=target.payload(event),
                event_body=body,
            )

    def _fire_rule(self, rule: Rule, arn: str, at: datetime) -> None:
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": SCHEDULED_EVENT,
            "source": "aws.events",
            "account": self.account_id,
            "time": iso_time(at),
            "region": self.region,
            "resources": [arn],
            "detail": {},
        }
        self._deliver(rule.targets, event, arn, "RULE_ARN")

    def _fire_schedule(self, schedule: Schedule, arn: str) -> None:
        target = schedule.target
        payload = target.input if target.input is not None else "{}"
        self.deliveries.submit(
            event_id=str(uuid.uuid4()),
            source_arn=arn,
            source_attribute="SCHEDULE_ARN",
            target=target,
            payload=payload,
            event_body=payload,
        )

    def _arm(
        self,
        key: str,
        expression: ScheduleExpression,
        after: datetime,
        fire: Callable[[datetime], None],
    ) -> None:
        token = object()
        with self._lock:
            self._schedule_tokens[key] = token
        self._schedule_next(key, token, expression, after, fire)

    def _schedule_next(
        self,
        key: str,
        token: object,
        expression: ScheduleExpression,
        after: datetime,
        fire: Callable[[datetime], None],
    ) -> None:
        at = expression.next_after(after)
        if at is None:
            return

        def run() -> None:
            with self._lock:
                if self._schedule_tokens.get(key) is not token:
                    return
            fire(at)
            self._schedule_next(key, token, expression, at, fire)

        self._timers.call_later((at - self.clock.now()).total_seconds(), run)

    def _disarm(self, key: str) -> None:
        with self._lock:
            self._schedule_tokens.pop(key, None)


def bus_name_of(name_or_arn: str | None) -> str:
    """The bus name of an `EventBusName` value (a name or an ARN; empty is the default bus)."""
    if not name_or_arn:
        return DEFAULT_BUS
    return name_or_arn.rsplit("event-bus/", 1)[-1]


def _entry_problem(entry: Mapping[str, Any]) -> tuple[str, str] | None:
    for field in ("Source", "DetailType", "Detail"):
        if not entry.get(field):
            return (
                "InvalidArgument",
                f"Parameter {field} is not valid. Reason: {field} is a required argument.",
            )
    try:
        detail = json.loads(entry["Detail"])
    except ValueError:
        return "MalformedDetail", "Detail is malformed."
    if not isinstance(detail, dict):
        return "MalformedDetail", "Detail is malformed."
    if len(json.dumps(dict(entry), default=str).encode()) > MAX_ENTRY_BYTES:
        return "InvalidArgument", "Entry size exceeds 256 KB."
    return None


def _entry_time(value: Any, now: datetime) -> str:
    if isinstance(value, datetime):
        return iso_time(value if value.tzinfo else value.replace(tzinfo=UTC))
    if isinstance(value, int | float):
        return iso_time(datetime.fromtimestamp(value, UTC))
    if isinstance(value, str) and value:
        return iso_time(datetime.fromisoformat(value.replace("Z", "+00:00")))
    return iso_time(now)
