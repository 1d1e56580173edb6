"""The working-day calendar every deadline in the project is counted on.

Working days are Monday to Friday, minus statutory holidays, plus the adjusted working weekends
(调休) of the State Council's yearly schedule. A year whose schedule is loaded is *official*. For a
year without one (every December, deadlines already run into it) we count on a *provisional*
calendar: weekends plus the statutory holidays at their legal dates (全国年节及纪念日放假办法, lunar
dates converted by the `holidays` package), no adjusted weekends. Every result that crossed a
provisional day says so, and stored deadlines are recomputed when the official schedule arrives
(signal `calendar_changed`).

Counting follows SPEC §3 / 行政许可法: the start day is not counted.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache
from django.dispatch import Signal

# Sent with `years=set[int]` after the calendar for those years changed (official schedule
# loaded, a day edited). Receivers recompute deadlines they stored.
calendar_changed = Signal()

VERSION_KEY = "working-calendar-version"
_RELOAD_AFTER_SECONDS = 300
# How many years past the last official one we are willing to count provisionally.
PROVISIONAL_YEARS_AHEAD = 3


class CalendarRangeError(ValueError):
    """A date outside the years the calendar can answer for."""


@dataclass(frozen=True)
class DateResult:
    date: dt.date
    provisional: bool


@dataclass(frozen=True)
class CountResult:
    days: int
    provisional: bool


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> frozenset[dt.date]:
    """Statutory holidays at their legal dates for a year without an official schedule."""
    import holidays

    days = holidays.China(years=year, observed=False, language="zh_CN")
    # For years the package knows officially it also lists 调休 rest days ("休息日（由 … 调休）");
    # the provisional calendar takes the legal dates only.
    return frozenset(day for day, name in days.items() if not name.startswith("休息日"))


class WorkingCalendar:
    def __init__(self, official_years: set[int], holidays: set[dt.date], workdays: set[dt.date]):
        self.official_years = frozenset(official_years)
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        if self.official_years:
            self.min_year = min(self.official_years)
            self.max_year = max(self.official_years) + PROVISIONAL_YEARS_AHEAD
        else:
            this_year = dt.date.today().year
            self.min_year, self.max_year = this_year - 1, this_year + PROVISIONAL_YEARS_AHEAD

    def check_range(self, day: dt.date) -> None:
        if not (self.min_year <= day.year <= self.max_year):
            raise CalendarRangeError(
                f"{day.isoformat()} is outside the calendar ({self.min_year}–{self.max_year})"
            )

    def is_provisional(self, day: dt.date) -> bool:
        return day.year not in self.official_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if day.year not in self.official_years and day in statutory_holidays(day.year):
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> DateResult:
        """The date `days` working days after `start` (start not counted). 0 → start itself."""
        if days < 0:
            raise ValueError("days must not be negative")
        self.check_range(start)
        current, counted, provisional = start, 0, False
        while counted < days:
            current += dt.timedelta(days=1)
            self.check_range(current)
            provisional = provisional or self.is_provisional(current)
            if self.is_workday(current):
                counted += 1
        return DateResult(current, provisional)

    def working_days_between(self, start: dt.date, end: dt.date) -> CountResult:
        """Working days in (start, end]; negative when end is before start."""
        self.check_range(start)
        self.check_range(end)
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        count, provisional, current = 0, False, start
        while current < end:
            current += dt.timedelta(days=1)
            provisional = provisional or self.is_provisional(current)
            if self.is_workday(current):
                count += 1
        return CountResult(sign * count, provisional)

    def next_workday(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, else the next one."""
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day


_lock = threading.Lock()
_state: dict = {"calendar": None, "version": None, "loaded_at": 0.0}


def _load() -> WorkingCalendar:
    from core.models import CalendarDay, CalendarYear

    official = set(
        CalendarYear.objects.filter(status=CalendarYear.Status.OFFICIAL).values_list("year", flat=True)
    )
    holidays, workdays = set(), set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (workdays if kind == CalendarDay.Kind.WORKDAY else holidays).add(day)
    return WorkingCalendar(official, holidays, workdays)


def get_calendar() -> WorkingCalendar:
    version = cache.get(VERSION_KEY, 0)
    with _lock:
        stale = time.monotonic() - _state["loaded_at"] > _RELOAD_AFTER_SECONDS
        if _state["calendar"] is None or _state["version"] != version or stale:
            _state["calendar"] = _load()
            _state["version"] = version
            _state["loaded_at"] = time.monotonic()
        return _state["calendar"]


def invalidate() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)
    with _lock:
        _state["calendar"] = None


def add_working_days(start: dt.date, days: int) -> DateResult:
    return get_calendar().add_working_days(start, days)


def working_days_between(start: dt.date, end: dt.date) -> CountResult:
    return get_calendar().working_days_between(start, end)


def is_workday(day: dt.date) -> bool:
    return get_calendar().is_workday(day)
