"""Reads of supervision, scoped to the user (core.scoping) with their joins planned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scoping import scope_queryset
from licensing.models import LicenceScope, LicenceStatus
from oversight.figures import PCT, TEXT, Chart, Column, Figure, gauge_figure, rate
from supervision.models import INTERNAL_TYPES, CommitmentCheck, LicenceWarning, RectificationOrder, ScanRun

if TYPE_CHECKING:
    from oversight.selectors import DashboardFilters

DUE_SOON_DAYS = 30


def _today() -> dt.date:
    return timezone.localdate()


def _common_filters(
    qs: QuerySet, filters: dict, *, due_field: str, licence_field: str = "licence"
) -> QuerySet:
    if filters.get("category"):
        qs = qs.filter(
            Exists(LicenceScope.objects.filter(licence=OuterRef(licence_field), category=filters["category"]))
        )
    if filters.get("tier"):
        qs = qs.filter(enterprise__credit__tier=filters["tier"])
    if filters.get("province"):
        qs = qs.filter(enterprise__province=filters["province"])
    if filters.get("agency"):
        qs = qs.filter(agency=filters["agency"])
    if filters.get("q"):
        term = filters["q"].strip()
        qs = qs.filter(
            Q(enterprise__name__icontains=term)
            | Q(enterprise__credit_code__iexact=term)
            | Q(**{f"{licence_field}__number__icontains": term})
        )
    due = filters.get("due")
    today = _today()
    if due == "overdue":
        qs = qs.filter(**{f"{due_field}__lt": today})
    elif due and due.isdigit():
        qs = qs.filter(
            **{f"{due_field}__gte": today, f"{due_field}__lte": today + dt.timedelta(days=int(due))}
        )
    return qs


# --- warnings ------------------------------------------------------------------------------------


def warnings_visible(user) -> QuerySet:
    qs = LicenceWarning.objects.select_related("licence", "enterprise", "agency", "owner", "order").annotate(
        tier=F("enterprise__credit__tier")
    )
    qs = scope_queryset(qs, user)
    if getattr(user, "role", None) == "enterprise":
        qs = qs.exclude(type__in=INTERNAL_TYPES)  # the agency's own reference data
    return qs


def warnings_list(user, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = warnings_visible(user)
    status = filters.get("status") or "active"
    if status == "active":
        qs = qs.filter(status__in=LicenceWarning.ACTIVE)
    elif status != "all":
        qs = qs.filter(status=status)
    if filters.get("type"):
        qs = qs.filter(type=filters["type"])
    if filters.get("owner") == "me":
        qs = qs.filter(owner=user)
    elif filters.get("owner") == "none":
        qs = qs.filter(owner__isnull=True)
    if filters.get("run"):
        qs = qs.filter(opened_run=filters["run"])
    return _common_filters(qs, filters, due_field="due_on").order_by("due_on", "pk")


def warning_get(user, pk: int) -> LicenceWarning:
    warning = warnings_visible(user).filter(pk=pk).first()
    if warning is None:
        raise Http404
    return warning


def warning_summary(user) -> list[dict]:
    """Active warnings per type (for the supervision home)."""
    rows = (
        scope_queryset(LicenceWarning.objects.filter(status__in=LicenceWarning.ACTIVE), user)
        .order_by()
        .values("type")
        .annotate(n=Count("pk"), unassigned=Count("pk", filter=Q(owner__isnull=True)))
    )
    labels = dict(LicenceWarning.Type.choices)
    return [{"type": r["type"], "label": labels.get(r["type"], r["type"]), **r} for r in rows]


# --- orders --------------------------------------------------------------------------------------


def orders_visible(user) -> QuerySet:
    qs = RectificationOrder.objects.select_related("enterprise", "agency", "licence", "issued_by").annotate(
        tier=F("enterprise__credit__tier")
    )
    return scope_queryset(qs, user)


def orders_list(user, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = orders_visible(user)
    state = filters.get("state") or "open"
    if state == "open":
        qs = qs.filter(state__in=[RectificationOrder.State.ISSUED, RectificationOrder.State.ANSWERED])
    elif state != "all":
        qs = qs.filter(state=state)
    if filters.get("source"):
        qs = qs.filter(source=filters["source"])
    return _common_filters(qs, filters, due_field="deadline").order_by("deadline", "pk")


def order_get(user, pk: int) -> RectificationOrder:
    order = orders_visible(user).filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


def revocation_candidates(user) -> QuerySet:
    """Escalated orders (rectification not met) whose licence is still in force: 逾期不整改 → 依法撤销许可."""
    return (
        orders_visible(user)
        .filter(
            state=RectificationOrder.State.ESCALATED,
            licence_revoked_on__isnull=True,
            licence__status__in=[LicenceStatus.VALID, LicenceStatus.SUSPENDED],
        )
        .order_by("deadline", "pk")
    )


# --- commitment checks -----------------------------------------------------------------------------


def checks_visible(user) -> QuerySet:
    qs = CommitmentCheck.objects.select_related(
        "licence", "enterprise", "agency", "owner", "order", "checked_by"
    ).annotate(tier=F("enterprise__credit__tier"))
    return scope_queryset(qs, user)


def checks_list(user, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = checks_visible(user)
    state = filters.get("state") or "all"
    if state != "all":
        qs = qs.filter(state=state)
    if filters.get("method"):
        qs = qs.filter(method=filters["method"])
    if filters.get("outcome"):
        qs = qs.filter(outcome=filters["outcome"])
    if filters.get("referral"):
        qs = qs.filter(penalty_referral=True)
    if filters.get("owner") == "me":
        qs = qs.filter(owner=user)
    if filters.get("due"):
        qs = qs.filter(state=CommitmentCheck.State.DUE)
    return _common_filters(qs, filters, due_field="due_on").order_by("due_on", "pk")


def check_get(user, pk: int) -> CommitmentCheck:
    check = checks_visible(user).filter(pk=pk).first()
    if check is None:
        raise Http404
    return check


def penalty_referrals(user=None) -> QuerySet:
    """For the penalties app: false commitments referred for a penalty case and not yet linked to one."""
    qs = CommitmentCheck.objects.filter(penalty_referral=True, penalty_case_ref="").select_related(
        "licence", "enterprise", "agency", "credit_record"
    )
    return scope_queryset(qs, user) if user is not None else qs


@dataclass(frozen=True)
class Coverage:
    population: int  # checks whose six months have run out, or already done
    covered: int  # done within the six months
    late: int  # done after the due date
    overdue: int  # not done, due date passed
    pending: int  # not done, still within the six months
    due_soon: int  # not done, due within 30 days

    @property
    def rate(self) -> float | None:
        return round(100 * self.covered / self.population, 1) if self.population else None


def commitment_coverage(user, on: dt.date | None = None, *, by_agency: bool = False):
    """全覆盖核查: checked within six months ÷ checks due (seed 000 一(三)). One aggregate query
    (grouped by agency when asked)."""
    on = on or _today()
    done = Q(checked_on__isnull=False)
    aggregates = {
        "population": Count("pk", filter=done | Q(due_on__lt=on)),
        "covered": Count("pk", filter=done & Q(checked_on__lte=F("due_on"))),
        "late": Count("pk", filter=done & Q(checked_on__gt=F("due_on"))),
        "overdue": Count("pk", filter=~done & Q(due_on__lt=on)),
        "pending": Count("pk", filter=~done & Q(due_on__gte=on)),
        "due_soon": Count(
            "pk", filter=~done & Q(due_on__gte=on, due_on__lte=on + dt.timedelta(days=DUE_SOON_DAYS))
        ),
    }
    qs = scope_queryset(CommitmentCheck.objects.all(), user).order_by()
    if not by_agency:
        return Coverage(**qs.aggregate(**aggregates))
    rows = qs.values("agency__name").annotate(**aggregates).order_by("agency__name")
    return [(row.pop("agency__name"), Coverage(**row)) for row in rows]


def comparison_template(check: CommitmentCheck, on: dt.date | None = None) -> list[dict]:
    """Rows to compare: what the holder committed to (the licence conditions of its categories and
    levels) against what it has now (prefilled from its roster; the officer corrects what was found)."""
    from licensing.conditions import gap_report
    from supervision.scan import ROLE_LABELS

    on = on or _today()
    scopes = list(check.licence.scopes.values_list("category", "level_id"))
    if not scopes:
        return []
    report = gap_report(check.enterprise, scopes, on)
    rows = [(str(ROLE_LABELS.get(row.key, row.label)), row) for row in report.personnel]
    rows += [(row.label, row) for row in report.equipment]
    return [
        {"item": label, "committed": f"≥ {row.required}", "found": str(row.available), "matches": row.ok}
        for label, row in rows
    ]


# --- scans ---------------------------------------------------------------------------------------


def scan_runs() -> QuerySet:
    """Runs are platform-wide counts (no enterprise data): every agency's staff may read them."""
    return ScanRun.objects.order_by("-started_at", "-pk")


def latest_scan() -> ScanRun | None:
    return scan_runs().first()


# --- dashboard (oversight panel `commitment_checks`) ---------------------------------------------


def commitment_check_counts(f: DashboardFilters) -> dict[str, int]:
    """The checks falling due in the dashboard's period (agency, licence type), one aggregate query,
    counted as `commitment_coverage` counts them on the dashboard's day."""
    on = f.today
    done = Q(checked_on__isnull=False)
    qs = f.by_licence_type(f.by_agency(CommitmentCheck.objects.filter(due_on__range=f.current)))
    return qs.aggregate(
        due=Count("pk"),
        population=Count("pk", filter=done | Q(due_on__lt=on)),
        on_time=Count("pk", filter=done & Q(checked_on__lte=F("due_on"))),
        late=Count("pk", filter=done & Q(checked_on__gt=F("due_on"))),
        overdue=Count("pk", filter=~done & Q(due_on__lt=on)),
        pending=Count("pk", filter=~done & Q(due_on__gte=on)),
        **{
            outcome: Count("pk", filter=done & Q(outcome=outcome))
            for outcome in CommitmentCheck.Outcome.values
        },
        referred=Count("pk", filter=Q(penalty_referral=True)),
    )


def figure_commitment_coverage(f: DashboardFilters, counts: dict | None = None) -> Figure:
    """全覆盖核查 within six months (seed 000 一(三)): done by the due date ÷ checks due (target 100 %)."""
    counts = commitment_check_counts(f) if counts is None else counts
    values = {**counts, "coverage": rate(counts["on_time"], counts["population"])}
    labels = {
        "coverage": _("Checked within six months (target 100 %)"),
        "due": _("Checks due in the period"),
        "on_time": _("Checked by the due date"),
        "late": _("Checked after the due date"),
        "overdue": _("Not checked, overdue"),
        "pending": _("Not checked, not yet due"),
    }
    return gauge_figure(
        key="commitment_coverage",
        title=_("告知承诺: checks within six months"),
        labels=labels,
        values=values,
        percent=("coverage",),
        note=_(
            "Every licence granted under notification-commitment is checked within six months of the "
            "decision. Checks whose due date falls in the period; the rate is over those already checked "
            "or past their due date."
        ),
    )


def figure_commitment_outcomes(f: DashboardFilters, counts: dict | None = None) -> Figure:
    counts = commitment_check_counts(f) if counts is None else counts
    checked = counts["on_time"] + counts["late"]
    rows = [
        {"outcome": outcome, "count": counts[outcome], "share": rate(counts[outcome], checked)}
        for outcome in CommitmentCheck.Outcome.values
    ]
    return Figure(
        key="commitment_outcomes",
        title=_("告知承诺: outcomes of the checks"),
        columns=[
            Column("outcome", _("Outcome"), TEXT, {k: str(v) for k, v in CommitmentCheck.Outcome.choices}),
            Column("count", _("Checks")),
            Column("share", _("Share"), PCT),
        ],
        rows=rows,
        chart=Chart("pie", "outcome", ("count",)),
        note=_(
            "Outcomes of the checks done among those due in the period; %(n)d referred for a penalty case."
        )
        % {"n": counts["referred"]},
    )


def commitment_check_figures(f: DashboardFilters) -> list[Figure]:
    """The `commitment_checks` panel: both figures from one query."""
    counts = commitment_check_counts(f)
    return [figure_commitment_coverage(f, counts), figure_commitment_outcomes(f, counts)]
