"""Dates as evidence: a date known to the day, the month or the year.

A `FuzzyDate` is the interval of days it may stand for: "2004-05" is 2004-05-01 .. 2004-05-31.
Intervals are inclusive at both ends. Arithmetic that treaties need (add days and months, first
day of a month) lives here too.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from .errors import DateError

PRECISIONS = ("year", "month", "day")
_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    text: str          # as written, canonical: "2004", "2004-05" or "2004-05-21"
    precision: str     # "year" | "month" | "day"
    lo: date           # first day it may stand for
    hi: date           # last day it may stand for

    def __str__(self) -> str:
        return self.text

    @property
    def exact(self) -> bool:
        return self.lo == self.hi


def parse_date(value: object) -> FuzzyDate:
    """Parse YYYY, YYYY-MM or YYYY-MM-DD; anything else raises DateError."""
    if type(value) is str:
        found = _PARSED.get(value)
        if found is None:
            found = _parse_date(value)
            if len(_PARSED) < 100_000:      # a ledger has far fewer distinct date texts
                _PARSED[value] = found
        return found
    return _parse_date(value)


_PARSED: dict[str, FuzzyDate] = {}      # FuzzyDate is immutable: parsed texts are shared


def _parse_date(value: object) -> FuzzyDate:
    if isinstance(value, datetime):
        raise DateError(f"{value!r} is a date-time; give a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    if isinstance(value, date):
        value = value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise DateError(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    text = value.strip()
    m = _PATTERN.match(text)
    if not m:
        raise DateError(f"'{value}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(m[1]), m[2], m[3]
    if year < 1:
        raise DateError(f"'{value}': year 0 does not exist")
    if month is None:
        return FuzzyDate(text, "year", date(year, 1, 1), date(year, 12, 31))
    mon = int(month)
    if not 1 <= mon <= 12:
        raise DateError(f"'{value}': month {mon} does not exist")
    last = calendar.monthrange(year, mon)[1]
    if day is None:
        return FuzzyDate(text, "month", date(year, mon, 1), date(year, mon, last))
    d = int(day)
    if not 1 <= d <= last:
        raise DateError(f"'{value}': {calendar.month_name[mon]} {year} has no day {d}")
    one = date(year, mon, d)
    return FuzzyDate(text, "day", one, one)


def exact(day: date) -> FuzzyDate:
    return FuzzyDate(day.isoformat(), "day", day, day)


def span(lo: date, hi: date) -> FuzzyDate:
    """The tightest FuzzyDate text for an interval computed from others (e.g. a treaty date)."""
    if lo == hi:
        return exact(lo)
    if lo.year == hi.year and lo.month == hi.month and lo.day == 1 and \
            hi.day == calendar.monthrange(hi.year, hi.month)[1]:
        return FuzzyDate(f"{lo.year:04d}-{lo.month:02d}", "month", lo, hi)
    if lo == date(lo.year, 1, 1) and hi == date(lo.year, 12, 31):
        return FuzzyDate(f"{lo.year:04d}", "year", lo, hi)
    # Not expressible as one calendar unit: name the coarsest unit that holds both ends.
    if lo.year == hi.year and lo.month == hi.month:
        return FuzzyDate(f"{lo.year:04d}-{lo.month:02d}", "month", lo, hi)
    if lo.year == hi.year:
        return FuzzyDate(f"{lo.year:04d}", "year", lo, hi)
    return FuzzyDate(f"{lo.isoformat()}/{hi.isoformat()}", "range", lo, hi)


def parse_day(value: object) -> date:
    """A query date: must be a whole day."""
    fd = parse_date(value)
    if fd.precision != "day":
        raise DateError(f"'{value}' is not a whole day: give YYYY-MM-DD")
    return fd.lo


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def shift(day: date, *, days: int = 0, months: int = 0, years: int = 0,
          first: bool = False) -> date:
    """Treaty arithmetic: optionally move to the first of the month of (day + days), then add months
    and years."""
    day = day + timedelta(days=days)
    if first:
        day = first_of_month(day)
    return add_months(day, months + 12 * years)


_HORIZON = re.compile(r"^(\d{1,4})\s*(d|days?|m|months?|y|years?)?$")


def parse_horizon(value: object) -> tuple[int, int]:
    """A staleness horizon: "6m" / "6 months" (the default unit), "90d", "1y" -> (months, days)."""
    m = _HORIZON.match(str(value).strip().lower())
    if m is None:
        raise DateError(f"{value!r} is not a horizon: give months (6, 6m), days (90d) or years (1y)")
    n, unit = int(m.group(1)), (m.group(2) or "m")[0]
    return (n * 12, 0) if unit == "y" else (n, 0) if unit == "m" else (0, n)


def horizon_text(horizon: tuple[int, int]) -> str:
    months, days = horizon
    if days or not months:
        return f"{days} day{'s' * (days != 1)}"
    return f"{months} month{'s' * (months != 1)}"


def before(day: date, horizon: tuple[int, int]) -> date:
    """The day `horizon` before `day`."""
    return add_months(day, -horizon[0]) - timedelta(days=horizon[1])


def parse_instant(value: str) -> datetime:
    """A known-at instant in UTC. A bare day means the end of that day (UTC)."""
    text = str(value).strip()
    if _PATTERN.match(text):
        fd = parse_date(text)
        return datetime.combine(fd.hi, datetime.max.time(), tzinfo=timezone.utc)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise DateError(f"'{value}' is not an instant (e.g. 2005-06-30 or 2005-06-30T12:00:00Z)")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def format_instant(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
