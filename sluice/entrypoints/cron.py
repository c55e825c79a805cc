"""AWS cron expressions (EventBridge rules and Scheduler): parse them, find the next fire time.

https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
Six fields: minutes, hours, day-of-month, month, day-of-week, year. Day-of-week counts
1 (SUN) to 7 (SAT). Exactly one of day-of-month and day-of-week is `?`. Wildcards:
`,` lists, `-` ranges (a range may wrap, e.g. hours `20-2`), `*` all, `/` increments,
`L` last day of the month (day-of-month) or of the week (`L` = SAT, `6L` = last Friday),
`W` nearest weekday (`3W`; `LW` the last weekday), `#` the nth weekday (`3#2`, second Tuesday).
Written here rather than taken from a library: the common Python cron libraries implement
Unix cron (day-of-week 0-6, five fields, no `?`/`W`/year), not AWS's dialect.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MIN_YEAR = 1970
MAX_YEAR = 2199
_MONTHS = {name.upper(): index for index, name in enumerate(calendar.month_abbr) if name}
_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_FIELD_BOUNDS = {
    "minutes": (0, 59),
    "hours": (0, 23),
    "day-of-month": (1, 31),
    "month": (1, 12),
    "day-of-week": (1, 7),
    "year": (MIN_YEAR, MAX_YEAR),
}
_WEEKDAY = re.compile(r"^(\d{1,2})W$")
_NTH = re.compile(r"^([1-7])#([1-5])$")
_LAST_OF = re.compile(r"^([1-7])L$")


class CronError(ValueError):
    """The expression is not a valid AWS cron expression."""


def aws_weekday(day: date) -> int:
    """AWS's day-of-week number of a date: 1 = Sunday ... 7 = Saturday."""
    return (day.weekday() + 1) % 7 + 1


def _number(token: str, field: str) -> int:
    upper = token.upper()
    if field == "month" and upper in _MONTHS:
        return _MONTHS[upper]
    if field == "day-of-week" and upper in _DAYS:
        return _DAYS[upper]
    if not token.isdigit():
        raise CronError(f"invalid {field} value {token!r}")
    value = int(token)
    low, high = _FIELD_BOUNDS[field]
    if not low <= value <= high:
        raise CronError(f"{field} value {value} is outside {low}-{high}")
    return value


def _values(expression: str, field: str) -> frozenset[int]:
    """The set a plain field (no L/W/#) allows."""
    low, high = _FIELD_BOUNDS[field]
    allowed: set[int] = set()
    for item in expression.split(","):
        base, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if step_text and (not step_text.isdigit() or step < 1):
            raise CronError(f"invalid increment in {field}: {item!r}")
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, _, last = base.partition("-")
            start, end = _number(first, field), _number(last, field)
        else:
            start = _number(base, field)
            end = high if step_text else start
        span = end - start if end >= start else end + (high - low + 1) - start
        for offset in range(0, span + 1, step):
            allowed.add(low + (start - low + offset) % (high - low + 1))
    return frozenset(allowed)


def _nearest_weekday(year: int, month: int, day: int) -> int:
    """The weekday (Mon-Fri) nearest to `day`, without leaving the month."""
    last = calendar.monthrange(year, month)[1]
    day = min(day, last)
    weekday = date(year, month, day).weekday()
    if weekday == 5:
        return day - 1 if day > 1 else day + 2
    if weekday == 6:
        return day + 1 if day < last else day - 2
    return day


@dataclass(frozen=True)
class _DayOfMonth:
    spec: str
    values: frozenset[int]

    def matches(self, day: date) -> bool:
        last = calendar.monthrange(day.year, day.month)[1]
        if self.spec == "?":
            return True
        if self.spec == "L":
            return day.day == last
        if self.spec == "LW":
            return day.day == _nearest_weekday(day.year, day.month, last)
        weekday = _WEEKDAY.match(self.spec)
        if weekday:
            return day.day == _nearest_weekday(day.year, day.month, int(weekday.group(1)))
        return day.day in self.values


@dataclass(frozen=True)
class _DayOfWeek:
    spec: str
    values: frozenset[int]

    def matches(self, day: date) -> bool:
        weekday = aws_weekday(day)
        if self.spec == "?":
            return True
        if self.spec == "L":
            return weekday == 7
        last_of = _LAST_OF.match(self.spec)
        if last_of:
            last = calendar.monthrange(day.year, day.month)[1]
            return weekday == int(last_of.group(1)) and day.day + 7 > last
        nth = _NTH.match(self.spec)
        if nth:
            return weekday == int(nth.group(1)) and (day.day - 1) // 7 + 1 == int(nth.group(2))
        return weekday in self.values


@dataclass(frozen=True)
class CronExpression:
    """A parsed AWS cron expression (the text inside `cron(...)`)."""

    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    day_of_month: _DayOfMonth
    months: frozenset[int]
    day_of_week: _DayOfWeek
    years: frozenset[int]

    @classmethod
    def parse(cls, text: str) -> CronExpression:
        """Parse the six fields; raises CronError."""
        fields = text.split()
        if len(fields) != 6:
            raise CronError(f"a cron expression has 6 fields, got {len(fields)}: {text!r}")
        minutes, hours, dom, month, dow, year = fields
        if (dom == "?") == (dow == "?"):
            raise CronError("exactly one of day-of-month and day-of-week must be '?'")
        return cls(
            text=text,
            minutes=_values(minutes, "minutes"),
            hours=_values(hours, "hours"),
            day_of_month=_DayOfMonth(dom.upper(), _day_values(dom, "day-of-month")),
            months=_values(month, "month"),
            day_of_week=_DayOfWeek(dow.upper(), _day_values(dow, "day-of-week")),
            years=_values(year, "year"),
        )

    def matches_day(self, day: date) -> bool:
        """Whether the expression fires on some minute of `day`."""
        return (
            day.year in self.years
            and day.month in self.months
            and self.day_of_month.matches(day)
            and self.day_of_week.matches(day)
        )

    def next_after(self, moment: datetime) -> datetime | None:
        """The first fire time strictly after `moment` (same tzinfo), or None if none is left."""
        start = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.date()
        first_day = True
        while day.year <= MAX_YEAR:
            if day.year not in self.years:
                day, first_day = date(day.year + 1, 1, 1), False
                continue
            if day.month not in self.months:
                day, first_day = _first_of_next_month(day), False
                continue
            if self.matches_day(day):
                earliest = (start.hour, start.minute) if first_day else (0, 0)
                fire = self._first_time(earliest)
                if fire is not None:
                    return datetime(
                        day.year, day.month, day.day, fire[0], fire[1], tzinfo=moment.tzinfo
                    )
            day, first_day = day + timedelta(days=1), False
        return None

    def _first_time(self, earliest: tuple[int, int]) -> tuple[int, int] | None:
        for hour in sorted(self.hours):
            if hour < earliest[0]:
                continue
            for minute in sorted(self.minutes):
                if (hour, minute) >= earliest:
                    return hour, minute
        return None


def _day_values(spec: str, field: str) -> frozenset[int]:
    upper = spec.upper()
    if upper in ("?", "L", "LW") or _WEEKDAY.match(upper):
        return frozenset()
    if field == "day-of-week" and (_LAST_OF.match(upper) or _NTH.match(upper)):
        return frozenset()
    if "#" in upper or "L" in upper or upper.endswith("W"):
        raise CronError(f"invalid {field} {spec!r}")
    return _values(spec, field)


def _first_of_next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)
