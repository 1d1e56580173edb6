"""Reads of field supervision, every one narrowed by core.scoping and with its joins planned."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Enterprise
from core.scoping import scope_queryset
from credit.models import Tier
from credit.selectors import daily_supervision
from inspections import draw
from inspections.models import (
    Campaign,
    Complaint,
    ConflictDeclaration,
    Inspection,
    InspectionKind,
    ItemResult,
    ListKind,
    PenaltyReferral,
    SelfInspectionCampaign,
    SelfInspectionReport,
    ThreeListEntry,
)
from licensing.models import LicenceStatus
from oversight.figures import PCT, TEXT, Chart, Column, Figure, rate

if TYPE_CHECKING:
    from oversight.selectors import DashboardFilters

TIER_LABELS = dict(Tier.choices)


def _is_enterprise(user) -> bool:
    return getattr(user, "role", None) == "enterprise" and not user.is_superuser


# --- campaigns --------------------------------------------------------------------------------------------
def campaigns_for(user) -> QuerySet[Campaign]:
    qs = Campaign.objects.select_related("agency", "created_by", "level").annotate(
        drawn=Count("inspections"),
        done=Count("inspections", filter=Q(inspections__state=Inspection.State.COMPLETED)),
    )
    return scope_queryset(qs, user, agency_field="agency", enterprise_field=None).order_by("-drawn_at", "-id")


def campaign_get(user, pk: int) -> Campaign:
    return get_object_or_404(
        scope_queryset(
            Campaign.objects.select_related("agency", "created_by", "level"), user, enterprise_field=None
        ),
        pk=pk,
    )


def campaign_targets(campaign: Campaign) -> QuerySet[Inspection]:
    return campaign.inspections.select_related(
        "enterprise", "lead_inspector", "second_inspector", "rectification_order"
    ).order_by("draw_position")


@dataclass
class CampaignReport:
    """The figures seed 002 reports: drawn (by tier), inspectors, inspected, found short, rectified."""

    drawn: int = 0
    by_tier: list[tuple[str, str, int, int, int]] = field(
        default_factory=list
    )  # tier, label, drawn, done, short
    inspectors: int = 0
    inspected: int = 0
    short: int = 0
    rectified: int = 0
    referred: int = 0
    cancelled: int = 0
    pending: int = 0


def campaign_report(campaign: Campaign) -> CampaignReport:
    rows = (
        campaign.inspections.values("draw_tier")
        .annotate(
            drawn=Count("pk"),
            done=Count("pk", filter=Q(state=Inspection.State.COMPLETED)),
            short=Count("pk", filter=Q(result=Inspection.Result.SHORT)),
            rectified=Count("pk", filter=Q(rectification_order__state="resolved")),
            cancelled=Count("pk", filter=Q(state=Inspection.State.CANCELLED)),
            referred=Count("penalty_referrals", distinct=True),
        )
        .order_by()
    )
    report = CampaignReport()
    by_tier = {row["draw_tier"]: row for row in rows}
    for tier in Tier.values:
        row = by_tier.get(tier)
        if row is None:
            continue
        report.by_tier.append((tier, TIER_LABELS[tier], row["drawn"], row["done"], row["short"]))
        report.drawn += row["drawn"]
        report.inspected += row["done"]
        report.short += row["short"]
        report.rectified += row["rectified"]
        report.cancelled += row["cancelled"]
        report.referred += row["referred"]
    report.pending = report.drawn - report.inspected - report.cancelled
    report.inspectors = len(
        set(campaign.inspections.values_list("lead_inspector_id", flat=True))
        | set(campaign.inspections.values_list("second_inspector_id", flat=True))
    )
    return report


@dataclass
class Verification:
    ok: bool
    hash_ok: bool
    stored_sha256: str
    computed_sha256: str
    given_sha256: str
    inputs_differences: list[str]
    result_differences: list[str]
    drawn: int
    error: str = ""


def recorded_assignments(campaign: Campaign) -> list[tuple[int, tuple[int, int]]]:
    return [
        (e, (a, b))
        for e, a, b in campaign.inspections.order_by("enterprise_id").values_list(
            "enterprise_id", "lead_inspector_id", "second_inspector_id"
        )
    ]


def campaign_verification(campaign: Campaign, inputs: dict | None = None) -> Verification:
    """Re-run the draw from the stored inputs (or from `inputs` someone supplies) and compare with the
    recorded assignments; check the stored inputs against their recorded hash."""
    computed = hashlib.sha256(campaign.inputs_json.encode("utf-8")).hexdigest()
    hash_ok = computed == campaign.inputs_sha256
    error = ""
    try:
        stored = campaign.inputs
    except ValueError as exc:  # the stored text is no longer JSON
        stored, error = {}, f"stored inputs: {exc}"
    given = stored if inputs is None else inputs
    given_sha = draw.sha256_of(given)
    input_diffs = [] if inputs is None else draw.describe_input_differences(stored, given)
    recorded = recorded_assignments(campaign)
    rerun = []
    if not error:
        try:
            rerun = draw.run_draw(given)
        except draw.DrawError as exc:
            error = str(exc)
    result_diffs = draw.describe_result_differences(rerun, recorded) if not error else []
    ok = (
        hash_ok and given_sha == campaign.inputs_sha256 and not input_diffs and not result_diffs and not error
    )
    return Verification(
        ok=ok,
        hash_ok=hash_ok,
        stored_sha256=campaign.inputs_sha256,
        computed_sha256=computed,
        given_sha256=given_sha,
        inputs_differences=input_diffs,
        result_differences=result_diffs,
        drawn=len(rerun),
        error=error,
    )


def published_campaigns(on: dt.date | None = None) -> QuerySet[Campaign]:
    """Campaigns whose results are public on `on`: published within the retention of the disclosure
    rule `inspection_results` (一公开; the rule is oversight data an administrator may edit)."""
    from oversight.public import published_q

    return (
        Campaign.objects.filter(state=Campaign.State.PUBLISHED)
        .filter(published_q("inspection_results", "published_at__date", on=on))
        .select_related("agency")
        .annotate(
            drawn=Count("inspections"), short=Count("inspections", filter=Q(inspections__result="short"))
        )
        .order_by("-published_at", "-id")
    )


def published_results(campaign: Campaign, on: dt.date | None = None) -> QuerySet[Inspection]:
    """What the public sees of each inspection: enterprise, credit code, date, result — no names of people.
    An inspection whose credit record was repaired (the rule withdraws on repair) or revoked after an
    objection is withdrawn from the list; the draw stays verifiable (its inputs name no one)."""
    from oversight.public import published_q

    return (
        campaign.inspections.filter(
            published_q(
                "inspection_results",
                "campaign__published_at__date",
                on=on,
                credit_record_field="credit_record",
            )
        )
        .select_related("enterprise", "rectification_order")
        .annotate(findings=Count("items", filter=Q(items__outcome=ItemResult.Outcome.FINDING)))
        .order_by("draw_position")
    )


# --- inspections -----------------------------------------------------------------------------------------
def inspections_for(
    user, *, state: str = "", origin: str = "", kind: str = "", q: str = ""
) -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related(
        "enterprise", "agency", "lead_inspector", "second_inspector", "campaign"
    )
    qs = scope_queryset(qs, user, agency_field="agency", enterprise_field="enterprise")
    if _is_enterprise(user):  # a planned inspection is not announced to the enterprise
        qs = qs.filter(state=Inspection.State.COMPLETED)
    if state:
        qs = qs.filter(state=state)
    if origin:
        qs = qs.filter(origin=origin)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(
            Q(enterprise__name__icontains=q) | Q(enterprise__credit_code__iexact=q) | Q(number__iexact=q)
        )
    return qs.order_by("-id")


def inspection_get(user, pk: int) -> Inspection:
    qs = Inspection.objects.select_related(
        "enterprise",
        "agency",
        "licence",
        "campaign",
        "lead_inspector",
        "second_inspector",
        "credit_record",
        "rectification_order",
        "completed_by",
    )
    qs = scope_queryset(qs, user, agency_field="agency", enterprise_field="enterprise")
    if _is_enterprise(user):
        qs = qs.filter(state=Inspection.State.COMPLETED)
    return get_object_or_404(qs, pk=pk)


def inspection_items(inspection: Inspection):
    return inspection.items.select_related("checklist_item").order_by("position")


# --- 严重失信: on-site at least once a year ---------------------------------------------------------------------
def always_selected_tiers(on: dt.date | None = None) -> list[str]:
    """Tiers the credit policy (item 13) makes key targets: at least one on-site inspection a year."""
    return [tier for tier in Tier.values if daily_supervision(tier, on).always_selected]


@dataclass
class KeyCoverage:
    year: int
    tiers: list[str]
    total: int
    covered: int
    missing: list

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.total) if self.total else 100


def key_coverage(user, year: int | None = None) -> KeyCoverage:
    year = year or timezone.localdate().year
    tiers = always_selected_tiers()
    on_site = Inspection.objects.filter(
        enterprise=OuterRef("pk"),
        state=Inspection.State.COMPLETED,
        kind=InspectionKind.ON_SITE,
        inspected_on__year=year,
    )
    planned = Inspection.objects.filter(enterprise=OuterRef("pk"), state=Inspection.State.PLANNED)
    holders = scope_queryset(
        Enterprise.objects.filter(credit__tier__in=tiers, licences__status=LicenceStatus.VALID).distinct(),
        user,
        agency_field="agency",
        enterprise_field="pk",
    )
    rows = holders.select_related("agency", "credit").annotate(
        covered=Exists(on_site), has_planned=Exists(planned)
    )
    rows = list(rows.order_by("name"))
    missing = [e for e in rows if not e.covered]
    return KeyCoverage(year, tiers, len(rows), len(rows) - len(missing), missing)


# --- three lists, complaints, referrals, conflicts ----------------------------------------------------------------
def three_list_entries(user, *, list_kind: str = "", status: str = "open") -> QuerySet[ThreeListEntry]:
    qs = ThreeListEntry.objects.select_related(
        "enterprise", "agency", "responsible", "listed_by", "resolved_by"
    )
    qs = scope_queryset(qs, user, agency_field="agency", enterprise_field=None)
    if list_kind:
        qs = qs.filter(list_kind=list_kind)
    if status == "open":
        qs = qs.exclude(state=ThreeListEntry.State.RESOLVED)
    elif status == "resolved":
        qs = qs.filter(state=ThreeListEntry.State.RESOLVED)
    return qs.order_by("-listed_at", "-id")


def three_list_counts(user) -> dict[str, int]:
    qs = scope_queryset(
        ThreeListEntry.objects.exclude(state=ThreeListEntry.State.RESOLVED), user, enterprise_field=None
    )
    counts = dict(qs.values_list("list_kind").annotate(n=Count("pk")).order_by())
    return {kind: counts.get(kind, 0) for kind in ListKind.values}


def three_list_entry_get(user, pk: int) -> ThreeListEntry:
    qs = ThreeListEntry.objects.select_related(
        "enterprise", "agency", "responsible", "listed_by", "resolved_by"
    )
    return get_object_or_404(scope_queryset(qs, user, enterprise_field=None), pk=pk)


def complaints_for(user, *, state: str = "") -> QuerySet[Complaint]:
    qs = Complaint.objects.select_related("enterprise", "agency", "registered_by", "handled_by")
    qs = scope_queryset(qs, user, agency_field="agency", enterprise_field=None)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-received_at", "-id")


def complaint_get(user, pk: int) -> Complaint:
    return get_object_or_404(complaints_for(user), pk=pk)


def referrals_for(user, *, state: str = "") -> QuerySet[PenaltyReferral]:
    qs = PenaltyReferral.objects.select_related(
        "enterprise", "agency", "inspection", "referred_by", "handled_by"
    )
    qs = scope_queryset(qs, user, agency_field="agency", enterprise_field=None)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-referred_at", "-id")


def conflicts_for(user, *, standing_only: bool = True) -> QuerySet[ConflictDeclaration]:
    qs = ConflictDeclaration.objects.select_related("inspector", "enterprise", "declared_by", "withdrawn_by")
    qs = scope_queryset(qs, user, agency_field="agency", enterprise_field=None)
    if standing_only:
        qs = qs.filter(withdrawn_at__isnull=True)
    return qs.order_by("-declared_at", "-id")


# --- 问题库 ---------------------------------------------------------------------------------------------------
def problem_library_index(user, *, q: str = "") -> QuerySet[Enterprise]:
    """Licence holders with at least one problem: findings, list entries, discrepancies or orders."""
    findings = ItemResult.objects.filter(
        inspection__enterprise=OuterRef("pk"), outcome=ItemResult.Outcome.FINDING
    )
    qs = Enterprise.objects.select_related("agency").annotate(
        findings=Coalesce(
            findings.values("inspection__enterprise").annotate(n=Count("pk")).values("n")[:1], Value(0)
        ),
        entries=Count("three_list_entries", distinct=True),
        open_entries=Count(
            "three_list_entries",
            filter=~Q(three_list_entries__state=ThreeListEntry.State.RESOLVED),
            distinct=True,
        ),
        orders=Count("rectification_orders", distinct=True),
        discrepancies=Count(
            "self_inspection_reports",
            filter=Q(self_inspection_reports__state=SelfInspectionReport.State.DISCREPANCY),
            distinct=True,
        ),
    )
    qs = scope_queryset(qs, user, agency_field="agency", enterprise_field="pk")
    qs = qs.filter(Q(findings__gt=0) | Q(entries__gt=0) | Q(orders__gt=0) | Q(discrepancies__gt=0))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__iexact=q))
    return qs.order_by("name")


@dataclass
class ProblemLibrary:
    enterprise: Enterprise
    findings: list
    entries: list
    orders: list
    discrepancies: list
    referrals: list


def problem_library(user, enterprise_id: int) -> ProblemLibrary:
    from supervision.models import RectificationOrder

    enterprise = get_object_or_404(
        scope_queryset(
            Enterprise.objects.select_related("agency"), user, agency_field="agency", enterprise_field="pk"
        ),
        pk=enterprise_id,
    )
    findings = list(
        ItemResult.objects.filter(inspection__enterprise=enterprise, outcome=ItemResult.Outcome.FINDING)
        .select_related("inspection", "checklist_item", "inspection__rectification_order")
        .order_by("-inspection__inspected_on", "position")
    )
    entries = list(
        ThreeListEntry.objects.filter(enterprise=enterprise)
        .select_related("responsible")
        .order_by("-listed_at")
    )
    orders = list(RectificationOrder.objects.filter(enterprise=enterprise).order_by("-issued_on", "-id"))
    discrepancies = list(
        SelfInspectionReport.objects.filter(
            enterprise=enterprise, state=SelfInspectionReport.State.DISCREPANCY
        )
        .select_related("campaign")
        .order_by("-verified_at")
    )
    referrals = list(PenaltyReferral.objects.filter(enterprise=enterprise).order_by("-referred_at"))
    return ProblemLibrary(enterprise, findings, entries, orders, discrepancies, referrals)


# --- 年度自查 -------------------------------------------------------------------------------------------------
def self_campaigns_for(user) -> QuerySet[SelfInspectionCampaign]:
    qs = SelfInspectionCampaign.objects.select_related("agency").annotate(report_count=Count("reports"))
    if _is_enterprise(user):
        return qs.filter(agency_id=user.enterprise.agency_id).order_by("-year")
    return scope_queryset(qs, user, agency_field="agency", enterprise_field=None).order_by("-year")


def self_campaign_get(user, pk: int) -> SelfInspectionCampaign:
    return get_object_or_404(self_campaigns_for(user), pk=pk)


def self_reports(campaign: SelfInspectionCampaign) -> QuerySet[SelfInspectionReport]:
    return campaign.reports.select_related("enterprise", "verifier", "submitted_by").order_by(
        "enterprise__name"
    )


def self_missing(campaign: SelfInspectionCampaign) -> QuerySet[Enterprise]:
    """Holders of a valid licence of the agency that have not reported."""
    return (
        Enterprise.objects.filter(licences__agency=campaign.agency_id, licences__status=LicenceStatus.VALID)
        .exclude(self_inspection_reports__campaign=campaign)
        .distinct()
        .order_by("name")
    )


def self_report_get(user, pk: int) -> SelfInspectionReport:
    qs = SelfInspectionReport.objects.select_related(
        "campaign", "enterprise", "verifier", "submitted_by", "agency"
    )
    return get_object_or_404(
        scope_queryset(qs, user, agency_field="agency", enterprise_field="enterprise"), pk=pk
    )


def self_report_answers(report: SelfInspectionReport):
    return report.answers.select_related("checklist_item").order_by("checklist_item__position")


# --- my tasks (seed 000 item 四: by licence category, tier and region) ------------------------------------------
@dataclass
class Tasks:
    inspections: list
    entries: list
    reports: list
    complaints: list

    @property
    def total(self) -> int:
        return len(self.inspections) + len(self.entries) + len(self.reports) + len(self.complaints)


def _filter_enterprise(qs, prefix: str, *, category: str, tier: str, province: str):
    if category:
        qs = qs.filter(
            **{
                f"{prefix}licences__scopes__category": category,
                f"{prefix}licences__status": LicenceStatus.VALID,
            }
        ).distinct()
    if tier:
        if tier == Tier.TRUSTWORTHY:
            qs = qs.filter(Q(**{f"{prefix}credit__tier": tier}) | Q(**{f"{prefix}credit__isnull": True}))
        else:
            qs = qs.filter(**{f"{prefix}credit__tier": tier})
    if province:
        qs = qs.filter(**{f"{prefix}province": province})
    return qs


def my_tasks(user, *, category: str = "", tier: str = "", province: str = "") -> Tasks:
    filters = {"category": category, "tier": tier, "province": province}
    inspections = _filter_enterprise(
        Inspection.objects.filter(
            Q(lead_inspector=user) | Q(second_inspector=user), state=Inspection.State.PLANNED
        )
        .select_related("enterprise", "campaign", "enterprise__credit")
        .order_by("due_on", "id"),
        "enterprise__",
        **filters,
    )
    entries = _filter_enterprise(
        ThreeListEntry.objects.filter(responsible=user)
        .exclude(state=ThreeListEntry.State.RESOLVED)
        .select_related("enterprise", "enterprise__credit")
        .order_by(Coalesce("plan_due", Value(dt.date.max)), "id"),
        "enterprise__",
        **filters,
    )
    reports = _filter_enterprise(
        SelfInspectionReport.objects.filter(verifier=user, state=SelfInspectionReport.State.PENDING)
        .select_related("enterprise", "campaign", "enterprise__credit")
        .order_by("campaign__verify_due_on", "id"),
        "enterprise__",
        **filters,
    )
    complaints = Complaint.objects.none()
    if user.role in ("officer", "approver") and user.agency_id:
        complaints = _filter_enterprise(
            Complaint.objects.filter(agency_id=user.agency_id, state=Complaint.State.RECEIVED)
            .select_related("enterprise", "enterprise__credit")
            .order_by("received_at", "id"),
            "enterprise__",
            **filters,
        )
    return Tasks(list(inspections), list(entries), list(reports), list(complaints))


# --- dashboard (oversight panels `random_inspections`, `three_lists`) ---------------------------------------------
def _tier_label_map() -> dict:
    return {"": _("Not recorded"), **{k: str(label) for k, label in Tier.choices}}


def figure_random_inspections(f: DashboardFilters) -> Figure:
    """双随机 results by the tier each enterprise had when drawn (as `campaign_report` counts a campaign),
    over the campaigns drawn in the period. One aggregate query."""
    qs = f.by_agency(
        Inspection.objects.filter(origin=Inspection.Origin.CAMPAIGN).filter(f.moment_q("campaign__drawn_at"))
    )
    qs = f.by_licence_type(qs, "campaign__licence_type")
    grouped = {
        row["draw_tier"]: row
        for row in qs.values("draw_tier")
        .annotate(
            drawn=Count("pk"),
            inspected=Count("pk", filter=Q(state=Inspection.State.COMPLETED)),
            short=Count("pk", filter=Q(result=Inspection.Result.SHORT)),
            rectified=Count("pk", filter=Q(rectification_order__state="resolved")),
            cancelled=Count("pk", filter=Q(state=Inspection.State.CANCELLED)),
        )
        .order_by()
    }
    empty = {"drawn": 0, "inspected": 0, "short": 0, "rectified": 0, "cancelled": 0}
    rows = []
    for tier in [*Tier.values, *sorted(set(grouped) - set(Tier.values))]:
        row = {**empty, **grouped.get(tier, {}), "draw_tier": tier}
        row["pending"] = row["drawn"] - row["inspected"] - row["cancelled"]
        row["short_rate"] = rate(row["short"], row["inspected"])
        rows.append(row)
    return Figure(
        key="random_inspections",
        title=_("双随机: results by credit tier"),
        columns=[
            Column("draw_tier", _("Credit tier when drawn"), TEXT, _tier_label_map()),
            Column("drawn", _("Drawn")),
            Column("inspected", _("Inspected")),
            Column("short", _("Problems found")),
            Column("short_rate", _("Share with problems"), PCT),
            Column("rectified", _("Rectified")),
            Column("pending", _("Still to inspect")),
            Column("cancelled", _("Cancelled")),
        ],
        rows=rows,
        chart=Chart("bar", "draw_tier", ("drawn", "inspected", "short"), unit=_("enterprises")),
        note=_(
            "Enterprises drawn by the random-inspection campaigns drawn in the period, by the tier they had "
            "when drawn. Share with problems: problems found ÷ inspected."
        ),
    )


def figure_three_lists(f: DashboardFilters) -> Figure:
    """三清单: entries on each list now, added and resolved in the period. One aggregate query."""
    open_now = ~Q(state=ThreeListEntry.State.RESOLVED)
    added, resolved = f.moment_q("listed_at"), f.moment_q("resolved_at")
    qs = f.by_holders(
        f.by_agency(ThreeListEntry.objects.filter(open_now | added | resolved)), enterprise="enterprise_id"
    )
    grouped = {
        row["list_kind"]: row
        for row in qs.values("list_kind")
        .annotate(
            listed=Count("pk", filter=open_now),
            added=Count("pk", filter=added),
            resolved=Count("pk", filter=resolved),
        )
        .order_by()
    }
    rows = [
        {"list_kind": kind, "listed": 0, "added": 0, "resolved": 0, **grouped.get(kind, {})}
        for kind in ListKind.values
    ]
    return Figure(
        key="three_lists",
        title=_("三清单: sizes of the three lists"),
        columns=[
            Column("list_kind", _("List"), TEXT, {k: str(v) for k, v in ListKind.choices}),
            Column("listed", _("On the list now")),
            Column("added", _("Added in the period")),
            Column("resolved", _("Resolved in the period")),
        ],
        rows=rows,
        chart=Chart("bar", "list_kind", ("listed", "added", "resolved"), unit=_("enterprises")),
        note=_(
            "On the list now: entries not resolved today. With a licence type: enterprises holding a "
            "valid licence of that type."
        ),
    )


# --- 一公开: results not published in time (oversight's daily work supervision) -----------------
def campaign_results_unpublished(decided_until, since):
    """Campaigns whose every inspection is done (completed or cancelled) — the last one on or before
    `decided_until`, so the publication deadline has passed — and whose results are still not
    published. One finding per campaign, dated by its last inspection."""
    from django.db.models import Max

    from oversight.detectors import Finding

    rows = (
        Campaign.objects.filter(state=Campaign.State.DRAWN)
        .exclude(inspections__state=Inspection.State.PLANNED)
        .annotate(last=Max("inspections__inspected_on"))
        .filter(last__isnull=False, last__lte=decided_until)
    )
    if since:
        rows = rows.filter(last__gte=since)
    for row in rows.values("pk", "agency_id", "number", "last"):
        yield Finding(
            subject_key=f"inspection_results:{row['pk']}",
            agency_id=row["agency_id"],
            occurred_on=row["last"],
            facts={"number": row["number"], "outcome": "inspection_results"},
        )
