"""Schedule expressions: `rate(...)`, `cron(...)` and (EventBridge Scheduler) `at(...)`.

https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
- `rate(value unit)`: value a positive integer, unit `minute|minutes|hour|hours|day|days`
  (singular exactly when the value is 1); the first run is one period after creation.
- `cron(fields)`: see `cron.py`; rules run in UTC, Scheduler schedules in their time zone.
- `at(yyyy-mm-ddThh:mm:ss)`: one run at that time (Scheduler only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sluice.entrypoints.cron import CronExpression

_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


class ScheduleExpression(Protocol):
    """When a schedule fires."""

    def next_after(self, moment: datetime) -> datetime | None:
        """The next fire time strictly after `moment` (aware, UTC), or None when done."""
        ...


@dataclass(frozen=True)
class RateExpression:
    """A fixed period."""

    period: timedelta

    def next_after(self, moment: datetime) -> datetime:
        """One period later."""
        return moment + self.period


@dataclass(frozen=True)
class CronSchedule:
    """A cron expression evaluated in a time zone."""

    cron: CronExpression
    zone: ZoneInfo

    def next_after(self, moment: datetime) -> datetime | None:
        """The next matching minute, in UTC."""
        fire = self.cron.next_after(moment.astimezone(self.zone))
        return None if fire is None else fire.astimezone(UTC)


@dataclass(frozen=True)
class AtExpression:
    """One run at a fixed time."""

    at: datetime

    def next_after(self, moment: datetime) -> datetime | None:
        """The time itself while it is still ahead."""
        return self.at if self.at > moment else None


def parse_schedule(
    text: str, timezone: str | None = None, allow_at: bool = False
) -> ScheduleExpression:
    """Parse a schedule expression; raises ValueError. `at(...)` only when `allow_at`."""
    zone = ZoneInfo(timezone or "UTC")
    text = text.strip()
    rate = _RATE.match(text)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if value < 1 or (value == 1) == unit.endswith("s"):
            raise ValueError(f"invalid rate expression {text!r}")
        return RateExpression(timedelta(seconds=value * _UNIT_SECONDS[unit.rstrip("s")]))
    cron = _CRON.match(text)
    if cron:
        return CronSchedule(CronExpression.parse(cron.group(1)), zone)
    at = _AT.match(text)
    if at and allow_at:
        local = datetime.fromisoformat(at.group(1)).replace(tzinfo=zone)
        return AtExpression(local.astimezone(UTC))
    raise ValueError(f"invalid schedule expression {text!r}")
