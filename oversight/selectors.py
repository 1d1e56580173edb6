"""Reads of oversight: the dashboard figures and the scoped lists.

Every dashboard figure is one selector taking `DashboardFilters` and returning a `Figure`; each runs a
fixed number of aggregate queries (Count / Avg with filters, values().annotate()) whatever the
number of applications. Time-limit figures read `ApplicationFact` (working days counted once per
decision by the sync task) through `oversight.rollup.totals`: whole months of a period from the
monthly rollup, the days at its edges from the facts, in one query; "open and overdue now" reads the
live applications through the (agency, state, deadline) index. docs/oversight.md defines each figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import Agency, Enterprise
from core import calendar
from core.permissions import user_role
from core.scoping import scope_queryset
from credit.models import Tier
from licensing.dates import add_years
from licensing.models import (
    CLOCK_STATES,
    Application,
    ApplicationScope,
    Kind,
    Licence,
    LicenceStatus,
    LicenceType,
    Mode,
    State,
)
from oversight import rollup
from oversight.detectors import rule_label
from oversight.figures import (
    AUTO,
    CHANGE,
    DATE,
    DAYS,
    INT,
    PCT,
    TEXT,
    Chart,
    Column,
    Figure,
    change,
    gauge_figure,
    one_decimal,
    rate,
)
from oversight.models import (
    BAD_LEVELS,
    CALLED_BACK_STATES,
    DECISION_OUTCOMES,
    ApplicationFact,
    CallbackState,
    CallbackTask,
    FactSlice,
    FlagState,
    Rating,
    RatingLevel,
    ServiceEvent,
    WorkFlag,
)

OVERDUE_LIST_SIZE = 20


# --- who sees which agency ---------------------------------------------------------------------------
def sees_all_agencies(user) -> bool:
    return user_role(user) == "admin" or bool(getattr(user, "is_national_supervisor", False))


def dashboard_agencies(user) -> QuerySet[Agency]:
    if sees_all_agencies(user):
        return Agency.objects.order_by("-is_national", "code")
    return Agency.objects.filter(pk=user.agency_id)


@dataclass(frozen=True)
class DashboardFilters:
    """What a dashboard shows: one agency (or all, for a national viewer), a period, a licence type."""

    date_from: dt.date
    date_to: dt.date
    today: dt.date
    agency_id: int | None = None
    licence_type: str = ""
    all_agencies: bool = False

    @property
    def previous(self) -> tuple[dt.date, dt.date]:
        """The same period a year earlier (29 February → 28 February)."""
        return add_years(self.date_from, -1), add_years(self.date_to, -1)

    @property
    def current(self) -> tuple[dt.date, dt.date]:
        return self.date_from, self.date_to

    def facts(self) -> QuerySet[ApplicationFact]:
        qs = ApplicationFact.objects.all()
        if self.agency_id:
            qs = qs.filter(agency_id=self.agency_id)
        if self.licence_type:
            qs = qs.filter(licence_type=self.licence_type)
        return qs

    def applications(self) -> QuerySet[Application]:
        qs = Application.objects.all()
        if self.agency_id:
            qs = qs.filter(agency_id=self.agency_id)
        if self.licence_type:
            qs = qs.filter(licence_type=self.licence_type)
        return qs

    def by_agency(self, qs: QuerySet, field: str = "agency_id") -> QuerySet:
        return qs.filter(**{field: self.agency_id}) if self.agency_id else qs

    def by_licence_type(self, qs: QuerySet, field: str = "licence__licence_type") -> QuerySet:
        return qs.filter(**{field: self.licence_type}) if self.licence_type else qs

    def by_holders(self, qs: QuerySet, enterprise: str = "pk") -> QuerySet:
        """Rows of enterprises that hold a valid licence of the chosen type (for rows that name an
        enterprise, not a licence)."""
        if not self.licence_type:
            return qs
        held = Licence.objects.filter(
            enterprise=OuterRef(enterprise), licence_type=self.licence_type, status=LicenceStatus.VALID
        )
        return qs.filter(Exists(held))

    @property
    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as local-time bounds [start, end) for timestamp columns: a range over the
        column (its index usable), not a date function of it."""
        start = timezone.make_aware(dt.datetime.combine(self.date_from, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min))
        return start, end

    def moment_q(self, field: str) -> Q:
        start, end = self.moments
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """This calendar year up to today."""
    return dt.date(today.year, 1, 1), today


def dashboard_filters_for(
    user,
    *,
    agency_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    licence_type: str = "",
    today: dt.date | None = None,
) -> DashboardFilters:
    """The filters a user may apply. A viewer who is not national is held to its own agency; asking
    for another agency's dashboard is a 404 (as every object outside the scope)."""
    today = today or timezone.localdate()
    start, end = default_period(today)
    if sees_all_agencies(user):
        if agency_id is not None and not Agency.objects.filter(pk=agency_id).exists():
            raise Http404
    else:
        if user.agency_id is None or (agency_id is not None and agency_id != user.agency_id):
            raise Http404
        agency_id = user.agency_id
    return DashboardFilters(
        date_from=date_from or start,
        date_to=date_to or end,
        today=today,
        agency_id=agency_id,
        licence_type=licence_type if licence_type in LicenceType.values else "",
        all_agencies=agency_id is None,
    )


# --- dimensions ------------------------------------------------------------------------------------------
def _kind_labels() -> dict:
    return {k: str(label) for k, label in Kind.choices}


def _tier_labels() -> dict:
    """The tier is snapshotted at acceptance: an application not accepted (yet) has none."""
    return {"": _("Not yet accepted"), **{k: str(label) for k, label in Tier.choices}}


def _officer_label(row: dict) -> str:
    return row.get("handled_by__real_name") or row.get("handled_by__username") or _("Not recorded")


def _period(field: str, span: tuple[dt.date, dt.date]) -> Q:
    return Q(**{f"{field}__range": span})


def _decisions(span) -> Q:
    return _period("decided_on", span) & Q(outcome__in=DECISION_OUTCOMES)


# --- time limits -------------------------------------------------------------------------------------------
def figure_summary(f: DashboardFilters) -> Figure:
    """Applications received, decisions, on-time rate and average working days: this period, the same
    period a year earlier, and the change (seed 002: "applications +100 %, time −50 %")."""
    measures = ("received", "decisions", "timed", "in_time", "days_sum", "days_count")
    totals = {f"{span}_{name}": 0 for span in ("cur", "prev") for name in measures}
    for row in rollup.totals(f, FactSlice.KIND, ("kind",), {"cur": f.current, "prev": f.previous}):
        for name in totals:
            totals[name] += row[name]
    agg = {
        "received": totals["cur_received"],
        "received_prev": totals["prev_received"],
        "decisions": totals["cur_decisions"],
        "decisions_prev": totals["prev_decisions"],
        "timed": totals["cur_timed"],
        "timed_prev": totals["prev_timed"],
        "in_time": totals["cur_in_time"],
        "in_time_prev": totals["prev_in_time"],
        "days": rollup.average_days(totals, "cur"),
        "days_prev": rollup.average_days(totals, "prev"),
    }
    on_time, on_time_prev = rate(agg["in_time"], agg["timed"]), rate(agg["in_time_prev"], agg["timed_prev"])
    days, days_prev = agg["days"], agg["days_prev"]
    metric_labels = {
        "received": _("Applications received"),
        "decisions": _("Decisions made"),
        "on_time_rate": _("Decided within the time limit"),
        "avg_days": _("Average working days per decision"),
    }
    rows = [
        {"metric": "received", "current": agg["received"], "previous": agg["received_prev"], "_kind": INT},
        {"metric": "decisions", "current": agg["decisions"], "previous": agg["decisions_prev"], "_kind": INT},
        {"metric": "on_time_rate", "current": on_time, "previous": on_time_prev, "_kind": PCT},
        {"metric": "avg_days", "current": days, "previous": days_prev, "_kind": DAYS},
    ]
    for row in rows:
        row["change"] = change(row["current"], row["previous"])
    rows[3]["current"], rows[3]["previous"] = one_decimal(days), one_decimal(days_prev)
    return Figure(
        key="summary",
        title=_("Applications and processing time, year on year"),
        columns=[
            Column("metric", _("Figure"), TEXT, metric_labels),
            Column("current", _("This period"), AUTO),
            Column("previous", _("Same period a year earlier"), AUTO),
            Column("change", _("Change"), CHANGE),
        ],
        rows=rows,
        note=_(
            "Received: applications received in the period. Decisions: approvals and denials dated in the "
            "period. Working days: from the day after acceptance to the decision, minus the days the clock "
            "was paused."
        ),
    )


def _yoy_rows(f: DashboardFilters, field: str) -> list[dict]:
    spans = {"cur": f.current, "prev": f.previous}
    rows = [
        {
            field: row[field],
            "received": row["cur_received"],
            "received_prev": row["prev_received"],
            "decisions": row["cur_decisions"],
            "decisions_prev": row["prev_decisions"],
            "days": rollup.average_days(row, "cur"),
            "days_prev": rollup.average_days(row, "prev"),
        }
        for row in sorted(rollup.totals(f, field, (field,), spans), key=lambda r: r[field])
    ]
    for row in rows:
        row["received_change"] = change(row["received"], row["received_prev"])
        row["days_change"] = change(row["days"], row["days_prev"])
        row["days"], row["days_prev"] = one_decimal(row["days"]), one_decimal(row["days_prev"])
    return rows


def _yoy_columns(dimension: Column) -> list[Column]:
    return [
        dimension,
        Column("received", _("Received")),
        Column("received_prev", _("Received a year earlier")),
        Column("received_change", _("Change in applications"), CHANGE),
        Column("decisions", _("Decisions")),
        Column("decisions_prev", _("Decisions a year earlier")),
        Column("days", _("Average working days"), DAYS),
        Column("days_prev", _("Average working days a year earlier"), DAYS),
        Column("days_change", _("Change in working days"), CHANGE),
    ]


def figure_days_by_kind(f: DashboardFilters) -> Figure:
    rows = _yoy_rows(f, "kind")
    return Figure(
        key="days_by_kind",
        title=_("Average working days by kind, year on year"),
        columns=_yoy_columns(Column("kind", pgettext("oversight", "Kind"), TEXT, _kind_labels())),
        rows=rows,
        chart=Chart("bar", "kind", ("days", "days_prev"), unit=_("working days")),
    )


def figure_days_by_tier(f: DashboardFilters) -> Figure:
    rows = _yoy_rows(f, "credit_tier")
    return Figure(
        key="days_by_tier",
        title=_("Average working days by credit tier, year on year"),
        columns=_yoy_columns(Column("credit_tier", _("Credit tier at acceptance"), TEXT, _tier_labels())),
        rows=rows,
        chart=Chart("bar", "credit_tier", ("days", "days_prev"), unit=_("working days")),
    )


ON_TIME_GROUPS = {
    # dimension: (fields grouped by, the key field, the rollup slice summed)
    "kind": (("kind",), "kind", FactSlice.KIND),
    "credit_tier": (("credit_tier",), "credit_tier", FactSlice.CREDIT_TIER),
    "officer": (
        ("handled_by", "handled_by__real_name", "handled_by__username"),
        "handled_by",
        FactSlice.OFFICER,
    ),
    "agency": (("agency", "agency__short_name"), "agency", FactSlice.KIND),
}


def _on_time_rows(f: DashboardFilters, dimension: str) -> list[dict]:
    fields, key, slice_ = ON_TIME_GROUPS[dimension]
    decided = [
        {
            **{field: row[field] for field in fields},
            "decisions": row["cur_decisions"],
            "timed": row["cur_timed"],
            "in_time": row["cur_in_time"],
            "late": row["cur_late"],
            "days": rollup.average_days(row, "cur"),
        }
        for row in sorted(
            rollup.totals(f, slice_, fields, {"cur": f.current}),
            key=lambda r: (r[key] is None, r[key]),  # the key order, NULL last (keys are unique)
        )
        if row["cur_decisions"]
    ]
    overdue = (
        f.applications()
        .filter(state__in=CLOCK_STATES, deadline__lt=f.today)
        .values(*fields)
        .annotate(overdue_open=Count("pk"))
        .order_by(key)
    )
    rows: dict = {}
    for row in decided:
        row["on_time"] = row.pop("in_time")
        row["on_time_rate"], row["days"] = rate(row["on_time"], row["timed"]), one_decimal(row["days"])
        rows[row[key]] = row
    for row in overdue:
        target = rows.setdefault(
            row[key],
            {**row, "decisions": 0, "timed": 0, "on_time": 0, "late": 0, "days": None, "on_time_rate": None},
        )
        target["overdue_open"] = row["overdue_open"]
    for value, row in rows.items():
        row.setdefault("overdue_open", 0)
        if dimension == "officer":
            row["officer"] = _officer_label(row)
        elif dimension == "agency":
            row["agency"] = row.get("agency__short_name") or str(value)
    order = {"kind": list(Kind.values), "credit_tier": ["", *Tier.values]}.get(dimension)
    if order is not None:
        return sorted(rows.values(), key=lambda r: order.index(r[key]) if r[key] in order else len(order))
    return sorted(rows.values(), key=lambda r: str(r[dimension]))


def _on_time_figure(f: DashboardFilters, dimension: str, key: str, title: str, column: Column) -> Figure:
    rows = _on_time_rows(f, dimension)
    return Figure(
        key=key,
        title=title,
        columns=[
            column,
            Column("decisions", _("Decisions")),
            Column("on_time", _("On time")),
            Column("late", _("Late")),
            Column("on_time_rate", _("On-time rate"), PCT),
            Column("days", _("Average working days"), DAYS),
            Column("overdue_open", _("Open and overdue now")),
        ],
        rows=rows,
        chart=Chart(
            "bar",
            column.code,
            ("on_time", "late", "overdue_open"),
            stack={"on_time": "decisions", "late": "decisions"},
            unit=_("applications"),
            horizontal=dimension in ("officer", "agency"),
        ),
        note=_(
            "On time: decided on or before the decision due date (time limit, extension and pauses "
            "included). Open and overdue now: accepted, clock running, due date passed."
        ),
    )


def figure_on_time_by_kind(f: DashboardFilters) -> Figure:
    return _on_time_figure(
        f,
        "kind",
        "on_time_by_kind",
        _("Time limits by kind"),
        Column("kind", pgettext("oversight", "Kind"), TEXT, _kind_labels()),
    )


def figure_on_time_by_tier(f: DashboardFilters) -> Figure:
    return _on_time_figure(
        f,
        "credit_tier",
        "on_time_by_tier",
        _("Time limits by credit tier"),
        Column("credit_tier", _("Credit tier at acceptance"), TEXT, _tier_labels()),
    )


def figure_on_time_by_officer(f: DashboardFilters) -> Figure:
    return _on_time_figure(
        f,
        "officer",
        "on_time_by_officer",
        _("Time limits by officer in charge"),
        Column("officer", _("Officer"), TEXT),
    )


def figure_on_time_by_agency(f: DashboardFilters) -> Figure:
    return _on_time_figure(
        f, "agency", "on_time_by_agency", _("Time limits by agency"), Column("agency", _("Agency"), TEXT)
    )


def figure_overdue_list(f: DashboardFilters) -> Figure:
    """The open applications longest past their due date (working days late counted for these only)."""
    rows = list(
        f.applications()
        .filter(state__in=CLOCK_STATES, deadline__lt=f.today)
        .order_by("deadline", "pk")
        .values(
            "pk",
            "number",
            "enterprise__name",
            "kind",
            "credit_tier",
            "handled_by__real_name",
            "handled_by__username",
            "deadline",
            "agency__short_name",
        )[:OVERDUE_LIST_SIZE]
    )
    for row in rows:
        row["officer"] = _officer_label(row)
        row["enterprise"] = row["enterprise__name"]
        row["agency"] = row["agency__short_name"]
        try:
            row["late"] = calendar.working_days_between(row["deadline"], f.today).days
        except calendar.CalendarRangeError:
            row["late"] = None
    return Figure(
        key="overdue_list",
        title=_("Open applications past their due date"),
        columns=[
            Column("number", _("Application number"), TEXT),
            Column("enterprise", _("Enterprise"), TEXT),
            Column("agency", _("Agency"), TEXT),
            Column("kind", pgettext("oversight", "Kind"), TEXT, _kind_labels()),
            Column("credit_tier", _("Credit tier at acceptance"), TEXT, _tier_labels()),
            Column("officer", _("Officer"), TEXT),
            Column("deadline", _("Decision due"), DATE),
            Column("late", _("Working days late")),
        ],
        rows=rows,
        note=_("The %d most overdue; the full list is in the workbench.") % OVERDUE_LIST_SIZE,
    )


# --- 好差评 and callbacks ---------------------------------------------------------------------------------
def _ratings(f: DashboardFilters) -> QuerySet[Rating]:
    qs = f.by_agency(Rating.objects.filter(rated_on__range=f.current))
    if f.licence_type:
        qs = qs.filter(event__application__licence_type=f.licence_type)
    return qs


def figure_ratings(f: DashboardFilters) -> Figure:
    counts = dict(_ratings(f).values("level").annotate(n=Count("pk")).order_by().values_list("level", "n"))
    total = sum(counts.values())
    labels = {k: str(label) for k, label in RatingLevel.choices}
    rows = [
        {"level": level, "count": counts.get(level, 0), "share": rate(counts.get(level, 0), total)}
        for level in RatingLevel.values
    ]
    return Figure(
        key="ratings",
        title=_("好差评: ratings by level"),
        columns=[
            Column("level", _("Rating"), TEXT, labels),
            Column("count", _("Ratings")),
            Column("share", _("Share"), PCT),
        ],
        rows=rows,
        chart=Chart("pie", "level", ("count",)),
        note=_("Ratings given in the period, real-name and anonymous."),
    )


def figure_callbacks(f: DashboardFilters) -> Figure:
    """Callback rate = real-name bad reviews of the period called back / all of them (target 100 %)."""
    bad = _ratings(f).filter(level__in=BAD_LEVELS)
    agg = bad.aggregate(
        bad_real_name=Count("pk", filter=Q(anonymous=False)),
        bad_anonymous=Count("pk", filter=Q(anonymous=True)),
        called_back=Count("pk", filter=Q(anonymous=False, callback__state__in=CALLED_BACK_STATES)),
        closed=Count("pk", filter=Q(anonymous=False, callback__state=CallbackState.CLOSED)),
        closed_in_time=Count(
            "pk",
            filter=Q(
                anonymous=False,
                callback__state=CallbackState.CLOSED,
                callback__closed_on__lte=F("callback__due_on"),
            ),
        ),
        confirmed=Count("pk", filter=Q(anonymous=False, callback__verification="confirmed")),
    )
    overdue_now = f.by_agency(
        CallbackTask.objects.filter(
            state__in=[CallbackState.OPEN, CallbackState.CONTACTED], due_on__lt=f.today
        )
    ).count()
    callback_rate = rate(agg["called_back"], agg["bad_real_name"])
    labels = {
        "callback_rate": _("Callback rate (target 100 %)"),
        "bad_real_name": _("Real-name bad reviews"),
        "called_back": _("Called back"),
        "closed": _("Verified and closed"),
        "closed_in_time": _("Closed by the due date"),
        "confirmed": _("Complaints confirmed"),
        "bad_anonymous": _("Anonymous bad reviews (no callback)"),
        "overdue_now": _("Callbacks overdue now"),
    }
    values = {**agg, "callback_rate": callback_rate, "overdue_now": overdue_now}
    return gauge_figure(
        key="callbacks",
        title=_("Callbacks of bad reviews"),
        labels=labels,
        values=values,
        percent=("callback_rate",),
        note=_(
            "Seed 000 item 十: every real-name bad review (不满意, 非常不满意) is verified by a designated "
            "person and called back; the callback rate must be 100 %. Anonymous reviews are not called back."
        ),
    )


# --- credit ---------------------------------------------------------------------------------------------------
def figure_credit_tiers(f: DashboardFilters) -> Figure:
    """Enterprises of the agency by current tier (an enterprise never computed counts as 守信, the
    tier the rules give an enterprise without records)."""
    qs = f.by_holders(f.by_agency(Enterprise.objects.all()))
    counts = dict(
        qs.annotate(tier=Coalesce("credit__tier", Value(Tier.TRUSTWORTHY)))
        .values("tier")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("tier", "n")
    )
    total = sum(counts.values())
    rows = [
        {"tier": t, "count": counts.get(t, 0), "share": rate(counts.get(t, 0), total)} for t in Tier.values
    ]
    return Figure(
        key="credit_tiers",
        title=_("Enterprises by credit tier"),
        columns=[
            Column("tier", _("Credit tier"), TEXT, _tier_labels()),
            Column("count", _("Enterprises")),
            Column("share", _("Share"), PCT),
        ],
        rows=rows,
        chart=Chart("pie", "tier", ("count",)),
        note=_(
            "Current tiers of the enterprises the agency licenses (with a valid licence of the type, if chosen)."
        ),
    )


# --- daily work supervision ---------------------------------------------------------------------------------------
def figure_work_flags(f: DashboardFilters) -> Figure:
    qs = f.by_agency(WorkFlag.objects.filter(occurred_on__range=f.current))
    if f.licence_type:
        qs = qs.filter(Q(application__licence_type=f.licence_type) | Q(application__isnull=True))
    grouped = (
        qs.values("rule")
        .annotate(
            open=Count("pk", filter=Q(state=FlagState.OPEN)),
            confirmed=Count("pk", filter=Q(state=FlagState.CONFIRMED)),
            dismissed=Count("pk", filter=Q(state=FlagState.DISMISSED)),
        )
        .order_by("rule")
    )
    rows = [{**row, "total": row["open"] + row["confirmed"] + row["dismissed"]} for row in grouped]
    labels = {row["rule"]: rule_label(row["rule"]) for row in rows}
    return Figure(
        key="work_flags",
        title=_("Daily work supervision: flagged items"),
        columns=[
            Column("rule", _("Finding"), TEXT, labels),
            Column("open", _("Open")),
            Column("confirmed", _("Confirmed")),
            Column("dismissed", _("Dismissed")),
            Column("total", _("Total")),
        ],
        rows=rows,
        chart=Chart(
            "bar",
            "rule",
            ("open", "confirmed", "dismissed"),
            stack={"open": "flags", "confirmed": "flags", "dismissed": "flags"},
            horizontal=True,
        ),
        note=_("Items whose facts date from the period, by state."),
    )


# --- verification methods (inspections and commitment checks) ----------------------------------------------------
VERIFICATION_METHODS = ("on_site", "off_site", "video")
REMOTE_METHODS = ("off_site", "video")


def verification_counts(f: DashboardFilters) -> dict[str, dict[str, int]]:
    """How the agency verified in the period, two aggregate queries: completed inspections by kind
    (`inspected_on` in the period) and commitment checks done by method (`checked_on` in the period).
    {method: {"inspections": n, "commitment_checks": n}}; the three methods always present."""
    from inspections.models import Inspection
    from supervision.models import CommitmentCheck

    inspections = f.by_licence_type(
        f.by_agency(
            Inspection.objects.filter(state=Inspection.State.COMPLETED, inspected_on__range=f.current)
        )
    )
    checks = f.by_licence_type(f.by_agency(CommitmentCheck.objects.filter(checked_on__range=f.current)))
    counts: dict[str, dict[str, int]] = {
        m: {"inspections": 0, "commitment_checks": 0} for m in VERIFICATION_METHODS
    }
    for column, qs, field in (
        ("inspections", inspections, "kind"),
        ("commitment_checks", checks, "method"),
    ):
        for method, n in qs.values(field).annotate(n=Count("pk")).order_by().values_list(field, "n"):
            counts.setdefault(method, {"inspections": 0, "commitment_checks": 0})[column] = n
    return counts


def _method_labels() -> dict:
    from inspections.models import InspectionKind

    return {"": _("Not recorded"), **{k: str(label) for k, label in InspectionKind.choices}}


def figure_verification_methods(f: DashboardFilters, counts: dict | None = None) -> Figure:
    counts = verification_counts(f) if counts is None else counts
    total = sum(c["inspections"] + c["commitment_checks"] for c in counts.values())
    order = list(VERIFICATION_METHODS)
    rows = []
    for method in sorted(counts, key=lambda m: order.index(m) if m in order else len(order)):
        row = {"method": method, **counts[method]}
        row["total"] = row["inspections"] + row["commitment_checks"]
        row["share"] = rate(row["total"], total)
        rows.append(row)
    return Figure(
        key="verification_methods",
        title=_("Verifications by method"),
        columns=[
            Column("method", _("Method"), TEXT, _method_labels()),
            Column("inspections", _("Inspections")),
            Column("commitment_checks", _("Commitment checks")),
            Column("total", _("Total")),
            Column("share", _("Share"), PCT),
        ],
        rows=rows,
        chart=Chart(
            "bar",
            "method",
            ("inspections", "commitment_checks"),
            stack={"inspections": "verifications", "commitment_checks": "verifications"},
            unit=_("verifications"),
        ),
        note=_(
            "Inspections completed (inspected in the period, any origin) and 告知承诺 commitment checks "
            "done (checked in the period), by how the facts were verified."
        ),
    )


def figure_remote_verification(f: DashboardFilters, counts: dict | None = None) -> Figure:
    """Seed 002: "非必要不现场检查" — the share of verifications made off-site or by video."""
    counts = verification_counts(f) if counts is None else counts
    total = sum(c["inspections"] + c["commitment_checks"] for c in counts.values())
    remote = sum(counts[m]["inspections"] + counts[m]["commitment_checks"] for m in REMOTE_METHODS)
    video = counts["video"]["inspections"] + counts["video"]["commitment_checks"]
    values = {
        "remote_share": rate(remote, total),
        "video_share": rate(video, total),
        "remote": remote,
        "video": video,
        "total": total,
    }
    labels = {
        "remote_share": _("Share verified off-site or by video"),
        "video_share": _("Share verified by video"),
        "remote": _("Off-site and video verifications"),
        "video": _("Video verifications"),
        "total": _("All verifications"),
    }
    return gauge_figure(
        key="remote_verification",
        title=_("Off-site and video verification"),
        labels=labels,
        values=values,
        percent=("remote_share", "video_share"),
        note=_(
            "Off-site (documents and data) and remote video verifications over all inspections and "
            "commitment checks of the period (seed 002: no on-site inspection unless necessary)."
        ),
    )


def verification_figures(f: DashboardFilters) -> list[Figure]:
    """The `verification_methods` panel: both figures from the same two queries."""
    counts = verification_counts(f)
    return [figure_verification_methods(f, counts), figure_remote_verification(f, counts)]


# --- lists ---------------------------------------------------------------------------------------------------------
def ratable_events(user) -> QuerySet[ServiceEvent]:
    """The enterprise's service events, newest first, with their rating if any."""
    return (
        scope_queryset(ServiceEvent.objects.all(), user)
        .select_related("application", "credit_request", "agency", "rating", "rating__callback")
        .order_by("-occurred_at", "-id")
    )


def events_of_application(user, application) -> list[ServiceEvent]:
    return list(ratable_events(user).filter(application=application))


def event_get(user, pk: int) -> ServiceEvent:
    event = scope_queryset(ServiceEvent.objects.select_related("enterprise"), user).filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def ratings_visible(user) -> QuerySet[Rating]:
    return scope_queryset(
        Rating.objects.select_related(
            "event", "event__application", "event__officer", "agency", "enterprise", "rated_by", "callback"
        ),
        user,
    ).order_by("-rated_at", "-id")


def callbacks_visible(user) -> QuerySet[CallbackTask]:
    """Supervisors, approvers and designated handlers see their agency's callbacks (national
    supervisors all); an officer sees the ones given to it."""
    qs = CallbackTask.objects.select_related("rating", "rating__event", "enterprise", "agency", "assignee")
    role = user_role(user)
    if role == "officer":
        return qs.filter(
            Q(assignee=user) | Q(agency_id=user.agency_id, agency__oversight_setting__callback_handlers=user)
        ).distinct()
    if role in ("approver", "supervisor", "admin"):
        return scope_queryset(qs, user)
    return qs.none()


def callback_get(user, pk: int) -> CallbackTask:
    task = callbacks_visible(user).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


def callback_overdue_q(today: dt.date) -> Q:
    return Q(state__in=[CallbackState.OPEN, CallbackState.CONTACTED], due_on__lt=today)


def flags_visible(user) -> QuerySet[WorkFlag]:
    """The supervision group's items: supervisors of the agency (national: all) and administrators."""
    if user_role(user) not in ("supervisor", "admin"):
        return WorkFlag.objects.none()
    return scope_queryset(
        WorkFlag.objects.select_related("agency", "application", "licence", "reported_by", "decided_by"), user
    )


def flag_get(user, pk: int) -> WorkFlag:
    flag = flags_visible(user).filter(pk=pk).first()
    if flag is None:
        raise Http404
    return flag


def agency_staff(agency) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(agency=agency, is_active=True, role__in=["officer", "approver", "supervisor"])
        .order_by("role", "username")
    )


# --- public (no login, no personal data) -----------------------------------------------------------------------
PUBLIC_FIELDS = (
    "id",
    "number",
    "kind",
    "state",
    "mode",
    "decided_on",
    "commitment_signed_at",
    "enterprise__name",
    "enterprise__credit_code",
    "agency__name",
    "agency__short_name",
    "licence__number",
    "licence__status",  # the FSM mixin reads its state field on load
    "licence__licence_type",
    "licence__business_class",
)


def public_decisions(on: dt.date | None = None) -> QuerySet[Application]:
    """Approvals and denials still within their publication period (DisclosureRule
    `licensing_decisions`). Only the enterprise's name and credit code are shown: no person."""
    from oversight.public import published_q

    return (
        Application.objects.filter(state__in=[State.APPROVED, State.DENIED], decided_on__isnull=False)
        .filter(published_q("licensing_decisions", "decided_on", on=on))
        .select_related("enterprise", "agency", "licence")
        .only(*PUBLIC_FIELDS)
        .order_by("-decided_on", "-id")
    )


def public_commitments(on: dt.date | None = None) -> QuerySet[Application]:
    """告知承诺书 of granted notification-commitment applications, within DisclosureRule
    `commitment_letters` (seed 000 一(三): decisions and commitment letters are published)."""
    from oversight.public import published_q

    return (
        Application.objects.filter(
            state=State.APPROVED,
            mode=Mode.COMMITMENT,
            commitment_signed_at__isnull=False,
            decided_on__isnull=False,
        )
        .filter(published_q("commitment_letters", "decided_on", on=on))
        .select_related("enterprise", "agency", "licence")
        .prefetch_related(Prefetch("scopes", queryset=ApplicationScope.objects.select_related("level")))
        .only(*PUBLIC_FIELDS)
        .order_by("-decided_on", "-id")
    )
