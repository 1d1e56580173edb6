"""Reads of credit: which tier an enterprise has on a date, and which measures apply to it.

Every caller stores what it used: `TierSnapshot.tier` and `ResolvedPolicy.policy_version`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError
from core.scoping import scope_queryset
from credit.models import (
    CreditRecord,
    CreditRequest,
    DishonestyAction,
    DishonestyNotice,
    EnterpriseCredit,
    Grade,
    JointPunishmentEntry,
    Measure,
    PolicyVersion,
    RecordCategory,
    RecordStatus,
    RequestState,
    Scope,
    Tier,
    TierOverride,
)

APPLICATION_KINDS = ("new", "licensed_change", "registration_change", "renewal", "reissue")


# --- tiers ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TierSnapshot:
    tier: str
    reason: str
    record_ids: tuple[int, ...] = ()
    override_id: int | None = None

    @property
    def label(self) -> str:
        return Tier(self.tier).label


def counting_q(on: dt.date) -> Q:
    """Records that count on `on`: started, not expired, not yet repaired or revoked on that day.

    `counts_until` is inclusive: a record whose period ends today still counts today, not tomorrow.
    A repaired or revoked record stops counting on its `ended_on` (past snapshots keep it).
    """
    return (
        (Q(counts_until__isnull=True) | Q(counts_until__gte=on))
        & (Q(status=RecordStatus.ACTIVE) | Q(ended_on__gt=on))
        & Q(occurred_on__lte=on)
    )


def counting_records(enterprise, on: dt.date):
    return CreditRecord.objects.filter(counting_q(on), enterprise=enterprise)


def derive_tier(records: list[CreditRecord]) -> tuple[str, str, tuple[int, ...]]:
    """The written tier rules (docs/credit.md), over the records that count:

    1. any severe (严重) negative record                     → 严重失信
    2. any serious (较重) negative record, or two minor ones → 失信
    3. one minor (轻微) negative record                      → 守信
    4. no negative record and at least one commendation      → 信用良好
    5. otherwise                                             → 守信
    A negative record is a dishonest behaviour, a penalty, or an inspection with a graded finding.
    """
    negative = [r for r in records if r.category != RecordCategory.COMMENDATION and r.grade]
    severe = [r for r in negative if r.grade == Grade.SEVERE]
    serious = [r for r in negative if r.grade == Grade.SERIOUS]
    minor = [r for r in negative if r.grade == Grade.MINOR]
    commendations = [r for r in records if r.category == RecordCategory.COMMENDATION]
    if severe:
        return Tier.SERIOUSLY_DISHONEST, _("Severe record: %s") % severe[0].title, tuple(r.pk for r in severe)
    if serious or len(minor) >= 2:
        ids = tuple(r.pk for r in serious + minor)
        why = _("Serious record: %s") % serious[0].title if serious else _("%d minor records") % len(minor)
        return Tier.DISHONEST, why, ids
    if minor:
        return Tier.TRUSTWORTHY, _("One minor record: %s") % minor[0].title, (minor[0].pk,)
    if commendations:
        return (
            Tier.GOOD,
            _("No negative record; commended: %s") % commendations[0].title,
            (commendations[0].pk,),
        )
    return Tier.TRUSTWORTHY, _("No negative record"), ()


def active_override(enterprise, on: dt.date) -> TierOverride | None:
    return (
        TierOverride.objects.filter(
            Q(cancelled_at__isnull=True) | Q(cancelled_at__date__gt=on),
            enterprise=enterprise,
            starts_on__lte=on,
            ends_on__gte=on,
        )
        .order_by("-created_at")
        .first()
    )


def tier_of(enterprise, on: dt.date | None = None) -> TierSnapshot:
    """The enterprise's tier on `on` (default today): an active override, else derived from records."""
    on = on or timezone.localdate()
    override = active_override(enterprise, on)
    if override is not None:
        return TierSnapshot(
            override.tier,
            _("Override until %(date)s: %(reason)s")
            % {"date": override.ends_on.isoformat(), "reason": override.reason},
            (),
            override.pk,
        )
    tier, reason, ids = derive_tier(list(counting_records(enterprise, on)))
    return TierSnapshot(tier, reason, ids)


def current_tier(enterprise) -> str:
    """The stored current tier (fast path for lists); falls back to deriving it."""
    stored = EnterpriseCredit.objects.filter(enterprise=enterprise).values_list("tier", flat=True).first()
    return stored or tier_of(enterprise).tier


# --- policy -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ResolvedPolicy:
    kind: str
    tier: str
    policy_version: str
    time_limit_days: int
    same_day: bool
    tolerant_allowed: bool
    personnel_gap_max: int | None
    equipment_gap_max: int | None
    site_inspection: str
    materials_exempt: bool
    lost_notice_required: bool
    commitment_allowed: bool
    extension_days: int
    tolerant_supplement_days: int
    tolerant_bar_years: int
    texts: dict = field(default_factory=dict)

    def as_api(self) -> dict:
        data = asdict(self)
        for key in (
            "kind",
            "tier",
            "texts",
            "extension_days",
            "tolerant_supplement_days",
            "tolerant_bar_years",
        ):
            data.pop(key)
        return data


def policy_on(on: dt.date | None = None) -> PolicyVersion:
    on = on or timezone.localdate()
    policy = (
        PolicyVersion.objects.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on), effective_from__lte=on
        )
        .order_by("-effective_from")
        .first()
    )
    if policy is None:
        raise DomainError(_("No credit-measure policy is in force on %s.") % on.isoformat(), code="no_policy")
    return policy


def statutory_limit(policy: PolicyVersion, kind: str) -> int:
    return (
        policy.statutory_registration_change_days
        if kind == "registration_change"
        else policy.statutory_limit_days
    )


def policy_resolve(
    kind: str, tier: str, on: dt.date | None = None, *, tolerant: bool = False
) -> ResolvedPolicy:
    """What applies to an application of `kind` by an enterprise of `tier` on `on` (items 0–4).

    `tolerant=True` for a tolerant-accepted application: a reduced limit marked 容缺受理的除外 then
    falls back to the statutory one. Kinds without a measure (cancellation) get the ordinary rules.
    """
    if tier not in Tier.values:
        raise DomainError(_("Unknown credit tier: %s") % tier, code="bad_tier", field="tier")
    policy = policy_on(on)
    cells = {m.item: m for m in Measure.objects.filter(policy=policy, scope=kind, tier=tier, item__lte=4)}
    statutory = statutory_limit(policy, kind)

    limit_cell = cells.get(4)
    if (
        limit_cell is None
        or limit_cell.time_limit_days is None
        or (tolerant and limit_cell.limit_applies_to_tolerant is False)
    ):
        time_limit, same_day = statutory, False
    else:
        time_limit, same_day = limit_cell.time_limit_days, bool(limit_cell.same_day)

    tolerant_cell = cells.get(2)
    tolerant_allowed = bool(tolerant_cell and tolerant_cell.tolerant_allowed)
    inspection_cell = cells.get(3)
    materials_cell = cells.get(1)
    commitment_cell = cells.get(0)
    return ResolvedPolicy(
        kind=kind,
        tier=tier,
        policy_version=policy.code,
        time_limit_days=time_limit,
        same_day=same_day,
        tolerant_allowed=tolerant_allowed,
        personnel_gap_max=tolerant_cell.personnel_gap_max if tolerant_allowed else None,
        equipment_gap_max=tolerant_cell.equipment_gap_max if tolerant_allowed else None,
        site_inspection=(
            inspection_cell.site_inspection
            if inspection_cell and inspection_cell.site_inspection
            else "as_needed"
        ),
        materials_exempt=bool(materials_cell and materials_cell.materials_exempt),
        lost_notice_required=(
            kind == "reissue" and not (materials_cell and materials_cell.lost_notice_required is False)
        ),
        commitment_allowed=bool(commitment_cell and commitment_cell.commitment_allowed),
        extension_days=policy.extension_days,
        tolerant_supplement_days=policy.tolerant_supplement_days,
        tolerant_bar_years=policy.tolerant_bar_years,
        texts={item: cell.text for item, cell in cells.items()},
    )


def measure_for(
    item: int, scope: str, tier: str, on: dt.date | None = None, violation: str = ""
) -> Measure | None:
    return Measure.objects.filter(
        policy=policy_on(on), item=item, scope=scope, tier=tier, violation=violation
    ).first()


def fine_position(violation: str, tier: str, on: dt.date | None = None) -> tuple[str, str]:
    """Items 5–12: where in the legal range the fine is recommended, and the policy version."""
    policy = policy_on(on)
    cell = Measure.objects.filter(policy=policy, scope="penalty", violation=violation, tier=tier).first()
    if cell is None:
        raise DomainError(_("The policy has no fine measure for %s.") % violation, code="no_measure")
    return cell.fine_position, policy.code


def daily_supervision(tier: str, on: dt.date | None = None) -> Measure:
    """Item 13: selection probability change, inspection manner, always-selected."""
    cell = measure_for(13, "daily", tier, on)
    if cell is None:
        raise DomainError(_("The policy has no daily-supervision measure for %s.") % tier, code="no_measure")
    return cell


def self_inspection_verification(tier: str, on: dt.date | None = None) -> str:
    """Item 14."""
    cell = measure_for(14, "annual", tier, on)
    return cell.self_inspection_verification if cell else "key"


def measures_of(policy: PolicyVersion, tier: str | None = None):
    qs = Measure.objects.filter(policy=policy)
    return qs.filter(tier=tier) if tier else qs


# --- scoped reads -------------------------------------------------------------------------------
RECORD_SCOPE = {"agency_field": "enterprise__agency", "enterprise_field": "enterprise"}


def records_visible(user) -> QuerySet[CreditRecord]:
    return scope_queryset(
        CreditRecord.objects.select_related("enterprise", "enterprise__agency"), user, **RECORD_SCOPE
    )


def records_filtered(
    user,
    *,
    q: str = "",
    category: str = "",
    grade: str = "",
    status: str = "",
    published: bool | None = None,
    disputed: bool | None = None,
    enterprise_id: int | None = None,
) -> QuerySet[CreditRecord]:
    qs = records_visible(user)
    if q:
        qs = qs.filter(
            Q(enterprise__name__icontains=q) | Q(enterprise__credit_code__icontains=q) | Q(title__icontains=q)
        )
    if category:
        qs = qs.filter(category=category)
    if grade:
        qs = qs.filter(grade=grade)
    if status:
        qs = qs.filter(status=status)
    if published is not None:
        qs = qs.filter(published=published)
    if disputed is not None:
        qs = qs.filter(disputed=disputed)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    return qs.order_by("-occurred_on", "-id")


def record_get(user, pk: int) -> CreditRecord:
    return get_object_or_404(records_visible(user), pk=pk)


def enterprises_visible(user):
    from accounts.models import Enterprise

    return scope_queryset(Enterprise.objects.select_related("agency", "credit"), user, enterprise_field="pk")


def enterprise_get(user, pk: int):
    return get_object_or_404(enterprises_visible(user), pk=pk)


def requests_visible(user) -> QuerySet[CreditRequest]:
    return scope_queryset(
        CreditRequest.objects.select_related("enterprise", "record", "filed_by", "accepted_by", "decided_by"),
        user,
        **RECORD_SCOPE,
    )


def requests_filtered(user, *, kind: str = "", state: str = "", overdue: bool = False, on=None):
    qs = requests_visible(user)
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(overdue_q(on))
    return qs.order_by("due_on", "-filed_at") if overdue else qs.order_by("-filed_at", "-id")


def overdue_q(on: dt.date | None = None) -> Q:
    """Accepted, not decided, and past the decision date (seed 000 item 八: 15 working days)."""
    return Q(state=RequestState.ACCEPTED, due_on__lt=on or timezone.localdate())


def request_get(user, pk: int) -> CreditRequest:
    return get_object_or_404(requests_visible(user), pk=pk)


def actions_visible(user) -> QuerySet[DishonestyAction]:
    return scope_queryset(
        DishonestyAction.objects.select_related("enterprise", "record", "officer"), user, **RECORD_SCOPE
    )


def records_awaiting_action(user, on: dt.date | None = None) -> QuerySet[CreditRecord]:
    """Negative records that count and have had no reminder, warning or interview yet."""
    on = on or timezone.localdate()
    return (
        records_visible(user)
        .filter(counting_q(on), actions__isnull=True)
        .exclude(grade="")
        .exclude(category=RecordCategory.COMMENDATION)
        .order_by("-occurred_on", "-id")
    )


def joint_punishment_visible(user, on: dt.date | None = None) -> QuerySet[JointPunishmentEntry]:
    """The joint-punishment list today: entries not removed whose severe record still counts."""
    on = on or timezone.localdate()
    return (
        scope_queryset(
            JointPunishmentEntry.objects.select_related("enterprise", "record"), user, **RECORD_SCOPE
        )
        .filter(removed_on__isnull=True)
        .filter(
            Q(record__counts_until__isnull=True) | Q(record__counts_until__gte=on),
            record__status=RecordStatus.ACTIVE,
        )
        .order_by("-listed_on", "-id")
    )


def notices_visible(user) -> QuerySet[DishonestyNotice]:
    return scope_queryset(
        DishonestyNotice.objects.select_related("enterprise", "agency", "issued_by"), user, **RECORD_SCOPE
    )


def notice_get(user, pk: int) -> DishonestyNotice:
    return get_object_or_404(notices_visible(user), pk=pk)


def overrides_visible(user) -> QuerySet[TierOverride]:
    return scope_queryset(
        TierOverride.objects.select_related("enterprise", "created_by"), user, **RECORD_SCOPE
    )


# --- public -------------------------------------------------------------------------------------
def dishonest_list(on: dt.date | None = None) -> QuerySet[CreditRecord]:
    """The public dishonest list: published negative records, not repaired or revoked, still listed.

    Only the enterprise's name and credit code are shown with the record: no personal data.
    """
    on = on or timezone.localdate()
    return (
        CreditRecord.objects.filter(
            Q(publish_until__isnull=True) | Q(publish_until__gte=on),
            published=True,
            status=RecordStatus.ACTIVE,
            occurred_on__lte=on,
        )
        .exclude(grade="")
        .exclude(category=RecordCategory.COMMENDATION)
        .select_related("enterprise")
        .only(
            "id",
            "grade",
            "title",
            "category",
            "occurred_on",
            "publish_until",
            "disputed",
            "enterprise__name",
            "enterprise__credit_code",
        )
        .order_by("-occurred_on", "-id")
    )


# --- explanations -------------------------------------------------------------------------------
ITEM_LABELS = {
    0: gettext_lazy("Notification-commitment (告知承诺制)"),
    1: gettext_lazy("Application materials"),
    2: gettext_lazy("Tolerant acceptance (容缺受理)"),
    3: gettext_lazy("On-site inspection"),
    4: gettext_lazy("Time limit"),
    13: gettext_lazy("Selection for supervision (双随机)"),
    14: gettext_lazy("Self-inspection report"),
}


@dataclass(frozen=True)
class KindMeasures:
    kind: str
    label: str
    resolved: ResolvedPolicy
    texts: list[tuple[str, str]]


def tier_explanation(enterprise, on: dt.date | None = None) -> dict:
    """What the enterprise's tier is, why, and what each application kind gets from it (page data)."""
    on = on or timezone.localdate()
    snapshot = tier_of(enterprise, on)
    policy = policy_on(on)
    kinds = []
    for kind in APPLICATION_KINDS:
        resolved = policy_resolve(kind, snapshot.tier, on)
        texts = [(ITEM_LABELS[item], text) for item, text in sorted(resolved.texts.items())]
        kinds.append(KindMeasures(kind, Scope(kind).label, resolved, texts))
    supervision = [
        (ITEM_LABELS[m.item], m.text)
        for m in measures_of(policy, snapshot.tier).filter(item__in=(13, 14)).order_by("item")
    ]
    penalty = measures_of(policy, snapshot.tier).filter(scope=Scope.PENALTY).order_by("item").first()
    records = (
        list(CreditRecord.objects.filter(pk__in=snapshot.record_ids).order_by("-occurred_on"))
        if snapshot.record_ids
        else []
    )
    return {
        "snapshot": snapshot,
        "policy": policy,
        "kinds": kinds,
        "supervision": supervision,
        "penalty": penalty,
        "records": records,
        "on": on,
    }


def dishonesty_notice_context(notice: DishonestyNotice) -> dict:
    """Everything the 失信告知书 PDF prints (documents app): plain values, Chinese labels."""
    enterprise, agency = notice.enterprise, notice.agency
    policy = PolicyVersion.objects.filter(code=notice.policy_version).first()
    measures = []
    if policy is not None:
        for m in measures_of(policy, notice.tier).order_by("item", "scope", "violation"):
            measures.append(
                {"item": m.item, "applies_to": str(m.get_scope_display()), "text": m.text, "scope": m.scope}
            )
    records = [
        {
            "id": r.pk,
            "category": r.category,
            "category_label": str(r.get_category_display()),
            "grade": r.grade,
            "grade_label": str(r.get_grade_display()) if r.grade else "",
            "title": r.title,
            "description": r.description,
            "occurred_on": r.occurred_on,
            "counts_until": r.counts_until,
            "publish_until": r.publish_until if r.published else None,
            "source": r.source,
        }
        for r in notice.records.order_by("occurred_on", "id")
    ]
    return {
        "number": notice.number,
        "agency_name": agency.name,
        "agency_code": agency.code,
        "enterprise_name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "legal_representative": enterprise.legal_representative,
        "address": enterprise.address,
        "tier": notice.tier,
        "tier_label": str(Tier(notice.tier).label),
        "policy_version": notice.policy_version,
        "policy_title": policy.title if policy else "",
        "records": records,
        "measures": measures,
        "repair_days": policy.repair_decision_days if policy else 15,
        "objection_days": policy.objection_decision_days if policy else 15,
        "date": notice.issued_on,
        "issued_by": notice.issued_by.display_name,
    }
