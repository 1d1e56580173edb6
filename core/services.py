"""Writes to the shared infrastructure: the working-day calendar."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core import calendar
from core.audit import audit_record
from core.models import CalendarDay, CalendarYear


def package_schedule() -> dict[int, dict[dt.date, tuple[str, str]]]:
    """The official schedules the `chinesecalendar` package knows, by year: {date: (kind, name)}."""
    import chinese_calendar.constants as cc

    by_year: dict[int, dict[dt.date, tuple[str, str]]] = {}
    for day, name in cc.holidays.items():
        by_year.setdefault(day.year, {})[day] = (CalendarDay.Kind.HOLIDAY, str(name))
    for day, name in cc.workdays.items():
        by_year.setdefault(day.year, {})[day] = (CalendarDay.Kind.WORKDAY, str(name))
    return by_year


@transaction.atomic
def calendar_load_official(
    *, year: int, days: dict[dt.date, tuple[str, str]], source: str, actor=None
) -> CalendarYear:
    """Replace a year's exceptions with the official schedule and mark the year official.

    Deadlines stored while the year was provisional are recomputed by the receivers of
    `calendar_changed`, after commit.
    """
    wrong_year = [d for d in days if d.year != year]
    if wrong_year:
        raise ValueError(f"{wrong_year[0]} is not in {year}")
    before = CalendarYear.objects.filter(year=year).values_list("status", flat=True).first()
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, kind=kind, name=name[:60]) for d, (kind, name) in sorted(days.items())]
    )
    cal_year, _ = CalendarYear.objects.update_or_create(
        year=year, defaults={"status": CalendarYear.Status.OFFICIAL, "source": source}
    )
    audit_record(
        actor=actor,
        obj=cal_year,
        action="calendar.load_official",
        before={"status": before},
        after={"status": "official", "days": len(days)},
        reason=source,
    )
    # The post_save of CalendarYear invalidates the cache and sends `calendar_changed` after commit.
    calendar.invalidate()
    return cal_year


def calendar_seed_from_package(*, actor=None, only_missing: bool = True) -> list[int]:
    """Load every year the package knows; with only_missing, leave years already official alone."""
    loaded = []
    official = set(
        CalendarYear.objects.filter(status=CalendarYear.Status.OFFICIAL).values_list("year", flat=True)
    )
    for year, days in sorted(package_schedule().items()):
        if only_missing and year in official:
            continue
        calendar_load_official(year=year, days=days, source="chinesecalendar package", actor=actor)
        loaded.append(year)
    return loaded


def notification_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when `ids` is None). Only the user's own."""
    from django.utils import timezone

    from core.models import Notification

    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
