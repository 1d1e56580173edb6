"""The daily and monthly totals of the dashboard facts (`ApplicationFactTotal`) and the reads over them.

The time-limit figures sum facts over a period and the same period a year earlier: nationally a year
is some 200 000 facts per period, and summing them took seconds. Totals per day and per calendar
month, agency, licence type and one dimension — a *slice*: kind, credit tier at acceptance, officer
in charge — are a few hundred rows a month. A period is summed from its **whole months** (month rows)
and the **days at its edges** (day rows): one query per figure as before, over some 10 000 narrow rows
instead of 400 000 facts, and exactly the figures the facts alone give (`oversight/tests/test_rollup.py`
compares them on every figure, period shape, agency and licence type).

Writes: `refresh(days)` recounts whole days from the facts and then the months holding them from the
day rows (DELETE and INSERT … SELECT, under a row lock of `SyncState("fact_totals")` so two writers
never interleave). `services.application_facts_sync` calls it for every day a changed fact was
received or decided on — before and after the change — inside the transaction that upserts the
facts: the totals are never older or newer than the facts, today included. The nightly task
`oversight.fact_totals` recounts the last two months (a cheap safety net over the days whose facts
still change); `services.fact_totals_rebuild()` recounts everything (the migration that created the
totals, `seed_scale --reset`, after a restore). `settings.OVERSIGHT_DASHBOARD_ROLLUP = False` makes the dashboards count the facts again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from oversight.models import (
    DECISION_OUTCOMES,
    ApplicationFact,
    ApplicationFactTotal,
    FactGrain,
    FactSlice,
    SyncState,
)

LOCK_KEY = "fact_totals"
# slice → the column of the facts it sums by
SLICE_FIELD = {FactSlice.KIND: "kind", FactSlice.CREDIT_TIER: "credit_tier", FactSlice.OFFICER: "handled_by"}
# the nightly task recounts this many days back (and their months): what the sync touches most
NIGHTLY_DAYS = 62
MEASURES = ("received", "decided", "decisions", "timed", "in_time", "late", "days_sum", "days_count")


# --- periods ---------------------------------------------------------------------------------------------
def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Split:
    """A period as its whole months (first days of the first and the last; None when it holds no
    whole month) and the day ranges left at its edges."""

    months: tuple[dt.date, dt.date] | None
    edges: tuple[tuple[dt.date, dt.date], ...]


def split(span: tuple[dt.date, dt.date]) -> Split:
    start, end = span
    first = start if start.day == 1 else next_month(start)
    after = next_month(end) if next_month(end) - dt.timedelta(days=1) == end else month_start(end)
    if first >= after:
        return Split(None, ((start, end),))
    edges = []
    if start < first:
        edges.append((start, first - dt.timedelta(days=1)))
    if after <= end:
        edges.append((after, end))
    return Split((first, month_start(after - dt.timedelta(days=1))), tuple(edges))


def _runs(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Days → the (first, last) of each run of consecutive days."""
    runs: list[list[dt.date]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] + dt.timedelta(days=1) == day:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(a, b) for a, b in runs]


def _between(field: str, ranges: Iterable[tuple[dt.date, dt.date]]) -> Q:
    q = Q(pk__in=[])
    for a, b in ranges:
        q |= Q(**{f"{field}__range": (a, b)})
    return q


# --- writes ---------------------------------------------------------------------------------------------
def lock(state_model=SyncState):
    """Take the totals' lock for the rest of the caller's transaction (writers of facts take it first)."""
    state, _created = state_model.objects.select_for_update().get_or_create(
        key=LOCK_KEY, defaults={"synced_until": timezone.now()}
    )
    return state


def days_of(*days: dt.date | None) -> set[dt.date]:
    return {d for d in days if d is not None}


def _sql_between(column: str, ranges: list[tuple[dt.date, dt.date]] | None) -> tuple[str, list]:
    if ranges is None:
        return "1 = 1", []
    return "(" + " OR ".join(f"{column} BETWEEN %s AND %s" for _r in ranges) + ")", [
        d for r in ranges for d in r
    ]


def _month_of(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(DATE_TRUNC('month', CAST({column} AS timestamp)) AS date)"
    return f"DATE({column}, 'start of month')"  # SQLite


def _insert_days(table: str, facts: str, ranges) -> None:
    """INSERT the day rows of every slice for the days in `ranges` (all days: None), from the facts."""
    received_where, received_params = _sql_between("received_on", ranges)
    decided_where, decided_params = _sql_between("decided_on", ranges)
    decision = "outcome IN ({})".format(", ".join(["%s"] * len(DECISION_OUTCOMES)))
    outcomes = [str(o) for o in DECISION_OUTCOMES]
    dimensions = {
        FactSlice.KIND: ("kind", "''", "NULL"),
        FactSlice.CREDIT_TIER: ("''", "credit_tier", "NULL"),
        FactSlice.OFFICER: ("''", "''", "handled_by_id"),
    }
    for slice_, (kind, tier, officer) in dimensions.items():
        group = {"kind": kind, "credit_tier": tier, "handled_by_id": officer}
        grouped = ", ".join(c for c in ("kind", "credit_tier", "handled_by_id") if group[c] == c)
        sql = f"""
            INSERT INTO {table} (grain, day, slice, agency_id, licence_type, kind, credit_tier,
                                 handled_by_id, {", ".join(MEASURES)})
            SELECT %s, d, %s, agency_id, licence_type, {kind}, {tier}, {officer},
                   {", ".join(f"SUM({m})" for m in MEASURES)}
            FROM (
                SELECT received_on AS d, agency_id, licence_type, kind, credit_tier, handled_by_id,
                       1 AS received, 0 AS decided, 0 AS decisions, 0 AS timed, 0 AS in_time, 0 AS late,
                       0 AS days_sum, 0 AS days_count
                FROM {facts} WHERE {received_where}
                UNION ALL
                SELECT decided_on, agency_id, licence_type, kind, credit_tier, handled_by_id, 0, 1,
                       CASE WHEN {decision} THEN 1 ELSE 0 END,
                       CASE WHEN {decision} AND on_time IS NOT NULL THEN 1 ELSE 0 END,
                       CASE WHEN {decision} AND on_time = %s THEN 1 ELSE 0 END,
                       CASE WHEN {decision} AND on_time = %s THEN 1 ELSE 0 END,
                       CASE WHEN {decision} AND working_days_taken IS NOT NULL
                            THEN working_days_taken ELSE 0 END,
                       CASE WHEN {decision} AND working_days_taken IS NOT NULL THEN 1 ELSE 0 END
                FROM {facts} WHERE decided_on IS NOT NULL AND {decided_where}
            ) AS counted
            GROUP BY d, agency_id, licence_type, {grouped}
            ORDER BY d
        """
        params = [
            FactGrain.DAY.value,
            slice_.value,
            *received_params,
            *outcomes,
            *outcomes,
            *outcomes,
            True,
            *outcomes,
            False,
            *outcomes,
            *outcomes,
            *decided_params,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _insert_months(table: str, months: list[tuple[dt.date, dt.date]] | None) -> None:
    """INSERT the month rows of the days in `months` (ranges of whole months; all: None), from the day rows."""
    where, params = _sql_between("day", months)
    month = _month_of("day")
    dimension = "kind, credit_tier, handled_by_id"
    sql = f"""
        INSERT INTO {table} (grain, day, slice, agency_id, licence_type, {dimension}, {", ".join(MEASURES)})
        SELECT %s, {month}, slice, agency_id, licence_type, {dimension},
               {", ".join(f"SUM({m})" for m in MEASURES)}
        FROM {table}
        WHERE grain = %s AND {where}
        GROUP BY {month}, slice, agency_id, licence_type, {dimension}
        ORDER BY {month}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [FactGrain.MONTH.value, FactGrain.DAY.value, *params])


@transaction.atomic
def refresh(days: Iterable[dt.date] | None = None, *, models=None) -> int:
    """Recount the day rows of `days` from the facts, then the month rows of their months from the
    day rows — everything when `days` is None. Returns the rows now holding those days and months.
    `models`: (facts, totals, sync state) model classes, for a migration."""
    fact_model, total_model, state_model = models or (ApplicationFact, ApplicationFactTotal, SyncState)
    state = lock(state_model)
    table = connection.ops.quote_name(total_model._meta.db_table)
    facts = connection.ops.quote_name(fact_model._meta.db_table)
    if days is None:
        day_ranges = month_runs = None
        total_model.objects.all().delete()
    else:
        days = sorted(set(days))
        if not days:
            return 0
        day_ranges = _runs(days)
        month_runs = _month_runs({month_start(d) for d in days})
        total_model.objects.filter(_between("day", day_ranges), grain=FactGrain.DAY).delete()
        total_model.objects.filter(_between("day", month_runs), grain=FactGrain.MONTH).delete()
    _insert_days(table, facts, day_ranges)
    # a month is summed from every day row it holds: the days refreshed and the others
    _insert_months(
        table,
        None if month_runs is None else [(a, next_month(b) - dt.timedelta(days=1)) for a, b in month_runs],
    )
    state.synced_until = timezone.now()
    state.save(update_fields=["synced_until"])
    rows = total_model.objects.all()
    if days is not None:
        rows = rows.filter(
            Q(_between("day", day_ranges), grain=FactGrain.DAY)
            | Q(_between("day", month_runs), grain=FactGrain.MONTH)
        )
    return rows.count()


def _month_runs(months: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """First days of months → the (first, last) month of each run of consecutive months."""
    runs: list[list[dt.date]] = []
    for month in sorted(set(months)):
        if runs and next_month(runs[-1][1]) == month:
            runs[-1][1] = month
        else:
            runs.append([month, month])
    return [(a, b) for a, b in runs]


# --- reads ----------------------------------------------------------------------------------------------
def enabled() -> bool:
    return getattr(settings, "OVERSIGHT_DASHBOARD_ROLLUP", True)


def _scoped(qs: QuerySet, f) -> QuerySet:
    if f.agency_id:
        qs = qs.filter(agency_id=f.agency_id)
    if f.licence_type:
        qs = qs.filter(licence_type=f.licence_type)
    return qs


def _rows_of(span: tuple[dt.date, dt.date]) -> Q:
    """The total rows that sum to `span`: its whole months and its edge days."""
    parts = split(span)
    q = Q(_between("day", parts.edges), grain=FactGrain.DAY)
    if parts.months:
        q |= Q(grain=FactGrain.MONTH, day__range=parts.months)
    return q


def _from_totals(f, slice_: str, fields: tuple[str, ...], spans: dict) -> QuerySet:
    within = {name: _rows_of(span) for name, span in spans.items()}
    anywhere = Q(pk__in=[])
    for q in within.values():
        anywhere |= q
    return (
        _scoped(ApplicationFactTotal.objects.filter(anywhere, slice=slice_), f)
        .values(*fields)
        .annotate(
            **{f"{name}_{m}": Sum(m, filter=q, default=0) for name, q in within.items() for m in MEASURES}
        )
        .order_by()
    )


def _from_facts(f, fields: tuple[str, ...], spans: dict) -> QuerySet:
    """The same figures counted from the facts (what the totals replace; kept to compare with)."""
    measures, anywhere = {}, Q(pk__in=[])
    for name, (a, b) in spans.items():
        received, decided = Q(received_on__range=(a, b)), Q(decided_on__range=(a, b))
        decision = decided & Q(outcome__in=DECISION_OUTCOMES)
        anywhere |= received | decided
        measures |= {
            f"{name}_received": Count("pk", filter=received),
            f"{name}_decided": Count("pk", filter=decided),
            f"{name}_decisions": Count("pk", filter=decision),
            f"{name}_timed": Count("pk", filter=decision & Q(on_time__isnull=False)),
            f"{name}_in_time": Count("pk", filter=decision & Q(on_time=True)),
            f"{name}_late": Count("pk", filter=decision & Q(on_time=False)),
            f"{name}_days_sum": Sum("working_days_taken", filter=decision, default=0),
            f"{name}_days_count": Count("working_days_taken", filter=decision),
        }
    return (
        _scoped(ApplicationFact.objects.filter(anywhere), f).values(*fields).annotate(**measures).order_by()
    )


def totals(f, slice_: str, fields: tuple[str, ...], spans: dict[str, tuple[dt.date, dt.date]]) -> list[dict]:
    """One query: per value of `fields` (columns of both the facts and the totals of `slice_`, e.g.
    ("kind",) or ("agency", "agency__short_name")), for each named span `<name>_<measure>` of
    MEASURES over the facts received (`received`) or decided (the rest) in it. Only the values with a
    fact received or decided in one of the spans appear, as when grouping the facts."""
    if enabled():
        return list(_from_totals(f, slice_, fields, spans))
    return list(_from_facts(f, fields, spans))


def average_days(row: dict, name: str) -> float | None:
    count = row[f"{name}_days_count"]
    return row[f"{name}_days_sum"] / count if count else None
