"""Writes of field supervision. Every function is one use case: atomic, audited, refusing with a
DomainError before anything is saved."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.provinces import PROVINCES
from core.audit import audit_record
from core.exceptions import ConflictError, DomainError, ForbiddenError
from core.notify import notify_enterprise, notify_users
from core.sequences import next_value
from credit.models import Grade, RecordCategory, Tier
from credit.selectors import daily_supervision, self_inspection_verification, tier_of
from credit.services import credit_record_create
from inspections import draw
from inspections.models import (
    DISHONEST_TIERS,
    Campaign,
    ChecklistItem,
    Complaint,
    ConflictDeclaration,
    Inspection,
    InspectionKind,
    ItemResult,
    ListKind,
    PenaltyReferral,
    SelfInspectionAnswer,
    SelfInspectionCampaign,
    SelfInspectionReport,
    ThreeListEntry,
)
from licensing.models import Category, LicenceStatus, LicenceType

STAFF_ROLES = ("officer", "approver")
SEVERITY_RANK = {Grade.MINOR: 1, Grade.SERIOUS: 2, Grade.SEVERE: 3}
# credit policy item 13 manner → the kind of inspection a campaign plans ("either" → the campaign's choice)
MANNER_KIND = {"off_site": InspectionKind.OFF_SITE, "on_site": InspectionKind.ON_SITE}
PDF_MIME = "application/pdf"


def _today() -> dt.date:
    return timezone.localdate()


def _is_admin(actor) -> bool:
    return bool(actor is not None and (actor.is_superuser or actor.role == "admin"))


def _require_staff_of(actor, agency) -> None:
    if actor is None or actor.role not in STAFF_ROLES or actor.agency_id != agency.pk:
        raise ForbiddenError(_("Only an officer of %s may do this.") % agency.name)


def _staff_of(agency, ids) -> list:
    """The active officers/approvers of `agency` among `ids` (one query)."""
    return list(
        get_user_model()
        .objects.filter(pk__in=list(ids), agency=agency, role__in=STAFF_ROLES, is_active=True)
        .order_by("pk")
    )


def _step(obj, name: str) -> None:
    if not can_proceed(getattr(obj, name)):
        raise ConflictError(
            _("Not possible in the current state (%s).") % obj.get_state_display(), code="illegal_transition"
        )
    getattr(obj, name)()


def _create_once(create, find):
    """Create in a savepoint. Two callers may both find nothing and both create: the unique constraint
    stops the second, which then returns the first one's row. Returns (row, created)."""
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        existing = find()
        if existing is None:
            raise
        return existing, False


def _standing_conflict(inspector_id: int, enterprise_id: int) -> bool:
    return ConflictDeclaration.objects.filter(
        inspector_id=inspector_id, enterprise_id=enterprise_id, withdrawn_at__isnull=True
    ).exists()


# --- conflicts of interest ------------------------------------------------------------------------------
@transaction.atomic
def conflict_declare(*, inspector, enterprise, relation: str, detail: str, actor) -> ConflictDeclaration:
    """Record a relation (回避): officers declare their own or a colleague's, administrators anyone's."""
    if not _is_admin(actor):
        _require_staff_of(actor, enterprise.agency)
    if inspector.role not in STAFF_ROLES or inspector.agency_id != enterprise.agency_id:
        raise DomainError(
            _("%s is not an officer of the agency that supervises this enterprise.") % inspector.display_name,
            field="inspector",
        )
    if relation not in ConflictDeclaration.Relation.values:
        raise DomainError(_("Choose the kind of relation."), field="relation")

    def standing():
        return ConflictDeclaration.objects.filter(
            inspector=inspector, enterprise=enterprise, withdrawn_at__isnull=True
        ).first()

    existing = standing()
    if existing is not None:
        return existing
    declaration, created = _create_once(
        lambda: ConflictDeclaration.objects.create(
            inspector=inspector,
            enterprise=enterprise,
            agency=enterprise.agency,
            relation=relation,
            detail=(detail or "").strip(),
            declared_by=actor,
        ),
        standing,
    )
    if not created:
        return declaration
    audit_record(
        actor=actor,
        obj=declaration,
        action="conflict.declare",
        after={"inspector": inspector.pk, "enterprise": enterprise.pk, "relation": relation},
    )
    return declaration


@transaction.atomic
def conflict_withdraw(*, declaration: ConflictDeclaration, actor, reason: str) -> ConflictDeclaration:
    declaration = (
        ConflictDeclaration.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=declaration.pk)
    )
    if not _is_admin(actor):
        _require_staff_of(actor, declaration.agency)
    if not (reason or "").strip():
        raise DomainError(_("Say why the declaration no longer stands."), field="reason")
    if declaration.withdrawn_at is not None:
        raise ConflictError(_("This declaration was already withdrawn."))
    declaration.withdrawn_at, declaration.withdrawn_by = timezone.now(), actor
    declaration.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(actor=actor, obj=declaration, action="conflict.withdraw", reason=reason)
    return declaration


# --- 双随机 campaigns ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class TierRule:
    """Item 13 of the credit policy for one tier, as the draw uses it."""

    tier: str
    weight: int  # percent: 100 + selection_probability_change
    always: bool
    manner: str


def tier_rules(on: dt.date | None = None) -> dict[str, TierRule]:
    rules = {}
    for tier in Tier.values:
        measure = daily_supervision(tier, on)
        change = measure.selection_probability_change or 0
        rules[tier] = TierRule(
            tier, max(0, 100 + change), bool(measure.always_selected), measure.inspection_manner
        )
    return rules


def campaign_population(
    *, agency, licence_type: str, category: str = "", level=None, provinces=(), tiers=()
) -> list[tuple[int, int, str]]:
    """(enterprise id, licence id, current tier) of every holder of a valid licence matching the
    definition — one query. An enterprise without a stored tier counts as 守信 (the derived tier of an
    enterprise without records; docs/inspections.md)."""
    from licensing.models import Licence

    qs = Licence.objects.filter(agency=agency, status=LicenceStatus.VALID, licence_type=licence_type)
    if category:
        qs = qs.filter(scopes__category=category)
    if level is not None:
        qs = qs.filter(scopes__level=level)
    if provinces:
        qs = qs.filter(enterprise__province__in=list(provinces))
    qs = qs.annotate(current_tier=Coalesce("enterprise__credit__tier", Value(Tier.TRUSTWORTHY.value)))
    if tiers:
        qs = qs.filter(current_tier__in=list(tiers))
    holders: dict[int, tuple[int, str]] = {}
    rows = qs.values_list("enterprise_id", "pk", "current_tier").order_by()
    for enterprise_id, licence_id, tier in rows:
        known = holders.get(enterprise_id)
        if known is None or licence_id < known[0]:  # the oldest matching licence names the inspection
            holders[enterprise_id] = (licence_id, tier)
    return [(e, lic, tier) for e, (lic, tier) in sorted(holders.items())]


def _conflicts_for(*, agency, pool_ids: list[int], population_ids: set[int], years: int, today: dt.date):
    """Declared relations and recent inspections of the pool's inspectors with the population (two queries)."""
    conflicts: list[tuple[int, int, str]] = []
    for inspector_id, enterprise_id in ConflictDeclaration.objects.filter(
        inspector_id__in=pool_ids, withdrawn_at__isnull=True
    ).values_list("inspector_id", "enterprise_id"):
        if enterprise_id in population_ids:
            conflicts.append((inspector_id, enterprise_id, "declared"))
    if years:
        cutoff = _add_years(today, -years)
        recent = (
            Inspection.objects.filter(agency=agency)
            .exclude(state=Inspection.State.CANCELLED)
            .filter(Q(inspected_on__gte=cutoff) | Q(inspected_on__isnull=True, due_on__gte=cutoff))
            .filter(Q(lead_inspector_id__in=pool_ids) | Q(second_inspector_id__in=pool_ids))
            .values_list("enterprise_id", "lead_inspector_id", "second_inspector_id")
        )
        pool = set(pool_ids)
        for enterprise_id, lead, second in recent:
            if enterprise_id in population_ids:
                conflicts.extend((i, enterprise_id, "inspected") for i in (lead, second) if i in pool)
    return conflicts


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _names_of(enterprise_ids) -> str:
    from accounts.models import Enterprise

    names = Enterprise.objects.filter(pk__in=list(enterprise_ids)[:5]).values_list("name", flat=True)
    more = len(enterprise_ids) - 5
    text = "、".join(sorted(names))
    return text + (_(" and %d more") % more if more > 0 else "")


@transaction.atomic
def campaign_draw(
    *,
    officer,
    name: str,
    licence_type: str,
    inspector_ids,
    due_on: dt.date,
    sample_size: int | None = None,
    sample_rate: Decimal | None = None,
    category: str = "",
    level=None,
    provinces=(),
    tiers=(),
    conflict_years: int = 3,
    default_kind: str = InspectionKind.OFF_SITE,
    seed: str | None = None,
) -> Campaign:
    """Define a 双随机 campaign and draw it at once: the enterprises (weighted by credit tier, item 13)
    and two conflict-free inspectors each. All or nothing: a refusal leaves no trace."""
    if officer.role not in STAFF_ROLES or officer.agency_id is None:
        raise ForbiddenError(_("Only a licence officer may draw a campaign."))
    agency = officer.agency
    today = _today()
    if not (name or "").strip():
        raise DomainError(_("Give the campaign a name."), field="name")
    if licence_type not in LicenceType.values:
        raise DomainError(_("Choose a licence type."), field="licence_type")
    if category and category not in Category.values:
        raise DomainError(_("Unknown licensed category."), field="category")
    bad_tiers = set(tiers) - set(Tier.values)
    if bad_tiers:
        raise DomainError(_("Unknown credit tier: %s") % ", ".join(sorted(bad_tiers)), field="tiers")
    bad_provinces = set(provinces) - {code for code, _label in PROVINCES}
    if bad_provinces:
        raise DomainError(_("Unknown province: %s") % ", ".join(sorted(bad_provinces)), field="provinces")
    if (sample_size is None) == (sample_rate is None):
        raise DomainError(_("Give either a sample size or a sample rate, not both."), field="sample_size")
    if sample_size is not None and sample_size < 1:
        raise DomainError(_("The sample size must be at least 1."), field="sample_size")
    if sample_rate is not None and not (0 < Decimal(sample_rate) <= 100):
        raise DomainError(_("The sample rate must be above 0 and at most 100 %."), field="sample_rate")
    if due_on <= today:
        raise DomainError(_("The inspections must be due after today."), field="due_on")
    if not (0 <= conflict_years <= 10):
        raise DomainError(_("The conflict period must be between 0 and 10 years."), field="conflict_years")
    if default_kind not in InspectionKind.values:
        raise DomainError(_("Unknown kind of inspection."), field="default_kind")

    requested = {int(i) for i in inspector_ids}
    pool = _staff_of(agency, requested)
    strangers = requested - {u.pk for u in pool}
    if strangers:
        raise DomainError(
            _("The pool may hold only active officers of %(agency)s; not: %(ids)s")
            % {"agency": agency.name, "ids": ", ".join(str(i) for i in sorted(strangers))},
            field="inspector_ids",
            code="bad_pool",
        )
    if len(pool) < 2:
        raise DomainError(
            _("The inspector pool needs at least two officers: every enterprise gets two inspectors."),
            field="inspector_ids",
            code="pool_too_small",
        )

    population = campaign_population(
        agency=agency,
        licence_type=licence_type,
        category=category,
        level=level,
        provinces=provinces,
        tiers=tiers,
    )
    if not population:
        raise DomainError(
            _("No licence holder matches this definition: the population is empty."), code="empty_population"
        )
    size = len(population)
    if sample_rate is not None:
        sample_size = max(1, math.ceil(size * Decimal(sample_rate) / 100))
    if sample_size > size:
        raise DomainError(
            _("The sample size (%(k)d) is larger than the population (%(n)d).")
            % {"k": sample_size, "n": size},
            field="sample_size",
        )

    rules = tier_rules(today)
    pool_ids = [u.pk for u in pool]
    population_ids = {e for e, _lic, _tier in population}
    conflicts = _conflicts_for(
        agency=agency, pool_ids=pool_ids, population_ids=population_ids, years=conflict_years, today=today
    )
    short = sorted(e for e, n in draw.eligible_counts(population_ids, pool_ids, conflicts).items() if n < 2)
    if short:
        raise DomainError(
            _("Fewer than two inspectors of the pool are free of conflicts for: %s. Enlarge the pool.")
            % _names_of(short),
            field="inspector_ids",
            code="pool_too_small",
        )

    seed = seed or secrets.token_hex(16)
    inputs = draw.build_inputs(
        seed=seed,
        sample_size=sample_size,
        population=[(e, tier, rules[tier].weight, rules[tier].always) for e, _lic, tier in population],
        pool=pool_ids,
        conflicts=conflicts,
    )
    try:
        result = draw.run_draw(inputs)
    except draw.DrawError as exc:  # pre-checked above; kept so a policy edge can never half-save
        raise DomainError(_("The draw failed: %s") % exc, code=exc.code) from None

    seq = next_value(f"campaign:{agency.code}:{today.year}")
    campaign = Campaign.objects.create(
        number=f"{agency.code}-SJ-{today.year}-{seq:03d}",
        name=name.strip(),
        agency=agency,
        licence_type=licence_type,
        category=category,
        level=level,
        provinces=sorted(provinces),
        tiers=sorted(tiers),
        sample_size=sample_size,
        sample_rate=sample_rate,
        conflict_years=conflict_years,
        default_kind=default_kind,
        due_on=due_on,
        seed=seed,
        algorithm_version=draw.ALGORITHM_VERSION,
        inputs_json=draw.canonical_json(inputs).decode("utf-8"),
        inputs_sha256=draw.sha256_of(inputs),
        result_sha256=draw.sha256_of(draw.result_as_data(result)),
        population_size=size,
        pool_size=len(pool),
        created_by=officer,
    )
    licence_of = {e: lic for e, lic, _tier in population}
    tier_of_enterprise = {e: tier for e, _lic, tier in population}
    rows = []
    for position, (enterprise_id, (lead, second)) in enumerate(result, start=1):
        manner = rules[tier_of_enterprise[enterprise_id]].manner
        rows.append(
            {
                "number": f"{campaign.number}-{position:04d}",
                "enterprise_id": enterprise_id,
                "licence_id": licence_of[enterprise_id],
                "kind": MANNER_KIND.get(manner, default_kind),
                "draw_position": position,
                "draw_tier": tier_of_enterprise[enterprise_id],
                "inspection_manner": manner,
                "lead_inspector_id": lead,
                "second_inspector_id": second,
            }
        )
    _insert_planned_inspections(
        rows,
        common={
            "agency_id": agency.pk,
            "origin": Inspection.Origin.CAMPAIGN,
            "campaign_id": campaign.pk,
            "due_on": due_on,
            "state": Inspection.State.PLANNED,
            "created_by_id": officer.pk,
            "created_at": timezone.now(),
        },
    )
    audit_record(
        actor=officer,
        obj=campaign,
        action="campaign.draw",
        after={
            "population": size,
            "sample_size": sample_size,
            "drawn": len(result),
            "pool": len(pool),
            "inputs_sha256": campaign.inputs_sha256,
            "result_sha256": campaign.result_sha256,
        },
        context={"algorithm": draw.ALGORITHM_VERSION, "policy_on": today.isoformat()},
    )
    counts: dict[int, int] = {}
    for _enterprise, inspectors in result:
        for inspector in inspectors:
            counts[inspector] = counts.get(inspector, 0) + 1
    for user in pool:
        if counts.get(user.pk):
            notify_users(
                [user],
                title=_("Campaign %(number)s: %(n)d inspections assigned to you")
                % {"number": campaign.number, "n": counts[user.pk]},
                link=f"/inspections/campaigns/{campaign.pk}/",
            )
    return campaign


def _insert_planned_inspections(rows: list[dict], *, common: dict) -> None:
    """Insert a campaign's planned inspections: INSERT … SELECT … FROM (VALUES …).

    Why not bulk_create: a draw may plan thousands of inspections and must finish within 2 s over a
    population of 50 000 (docs/inspections.md). bulk_create builds a model instance per row (with
    django-fsm's state tracking) and sends all ~30 columns of every row as parameters; here only the nine
    columns that differ per row travel per row, the others are sent once."""
    from django.db import connection

    if not rows:
        return
    fields = [f for f in Inspection._meta.concrete_fields if not f.primary_key]
    varying = [f for f in fields if f.attname in rows[0]]
    position = {f.attname: n for n, f in enumerate(varying, start=1)}
    # PostgreSQL types a bare parameter in a SELECT list as text; SQLite must not cast (a date would
    # become a number).
    cast = connection.vendor == "postgresql"
    select, constants = [], []
    for field in fields:
        if field.attname in position:
            select.append(f"v.column{position[field.attname]}")
            continue
        value = common[field.attname] if field.attname in common else field.get_default()
        constants.append(field.get_db_prep_save(value, connection))
        select.append(f"CAST(%s AS {field.db_type(connection)})" if cast else "%s")
    table = connection.ops.quote_name(Inspection._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(varying)) + ")"
    limit = connection.features.max_query_params
    batch = (limit - len(constants)) // len(varying) if limit else 1000
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            values = ", ".join([row_sql] * len(chunk))
            params = constants + [row[f.attname] for row in chunk for f in varying]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {', '.join(select)} FROM (VALUES {values}) AS v",
                params,
            )


@transaction.atomic
def campaign_publish(*, campaign: Campaign, officer) -> Campaign:
    """一公开: publish the results once every drawn enterprise has been inspected (or the inspection cancelled)."""
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("agency").get(pk=campaign.pk)
    _require_staff_of(officer, campaign.agency)
    pending = campaign.inspections.filter(state=Inspection.State.PLANNED).count()
    if pending:
        raise DomainError(
            _("%d inspections of this campaign are still planned; record them before publishing.") % pending,
            code="inspections_pending",
        )
    _step(campaign, "publish")
    campaign.published_at, campaign.published_by = timezone.now(), officer
    campaign.save()
    audit_record(actor=officer, obj=campaign, action="campaign.publish", after={"state": campaign.state})
    return campaign


# --- inspections ---------------------------------------------------------------------------------------
def _check_inspectors(enterprise, inspectors) -> None:
    lead, second = inspectors
    if lead is None or second is None or lead.pk == second.pk:
        raise DomainError(_("An inspection needs two different inspectors."), field="second_inspector")
    for inspector in inspectors:
        if (
            inspector.role not in STAFF_ROLES
            or inspector.agency_id != enterprise.agency_id
            or not inspector.is_active
        ):
            raise DomainError(
                _("%s is not an officer of the supervising agency.") % inspector.display_name,
                field="lead_inspector",
            )
        if _standing_conflict(inspector.pk, enterprise.pk):
            raise DomainError(
                _("%s has declared a relation with this enterprise and may not inspect it.")
                % inspector.display_name,
                field="lead_inspector",
                code="conflict_of_interest",
            )


@transaction.atomic
def inspection_plan(
    *,
    officer,
    enterprise,
    kind: str,
    origin: str,
    reason: str,
    lead_inspector,
    second_inspector,
    due_on: dt.date,
    licence=None,
) -> Inspection:
    """An ad hoc inspection (key / targeted / problem supervision). Campaign inspections come only from a draw."""
    _require_staff_of(officer, enterprise.agency)
    if origin == Inspection.Origin.CAMPAIGN:
        raise DomainError(
            _("Random-inspection assignments are made only by a campaign draw."),
            field="origin",
            code="draw_only",
        )
    if origin not in Inspection.Origin.values:
        raise DomainError(_("Unknown origin."), field="origin")
    if kind not in InspectionKind.values:
        raise DomainError(_("Unknown kind of inspection."), field="kind")
    if not (reason or "").strip():
        raise DomainError(_("State why this enterprise is inspected."), field="reason")
    if due_on < _today():
        raise DomainError(_("The due date is in the past."), field="due_on")
    if licence is not None and licence.enterprise_id != enterprise.pk:
        raise DomainError(_("That licence belongs to another enterprise."), field="licence")
    _check_inspectors(enterprise, (lead_inspector, second_inspector))
    today = _today()
    seq = next_value(f"inspection:{enterprise.agency.code}:{today.year}")
    inspection = Inspection.objects.create(
        number=f"{enterprise.agency.code}-JC-{today.year}-{seq:05d}",
        agency=enterprise.agency,
        enterprise=enterprise,
        licence=licence,
        origin=origin,
        kind=kind,
        reason=reason.strip(),
        lead_inspector=lead_inspector,
        second_inspector=second_inspector,
        due_on=due_on,
        created_by=officer,
    )
    audit_record(
        actor=officer,
        obj=inspection,
        action="inspection.plan",
        after={"origin": origin, "kind": kind, "inspectors": [lead_inspector.pk, second_inspector.pk]},
    )
    notify_users(
        [lead_inspector, second_inspector],
        title=_("Inspection %(number)s of %(name)s assigned to you")
        % {"number": inspection.number, "name": enterprise.name},
        link=f"/inspections/inspections/{inspection.pk}/",
    )
    return inspection


@dataclass
class ItemInput:
    checklist_item_id: int | None
    outcome: str
    severity: str = ""
    text: str = ""


@dataclass
class VideoInput:
    started_at: dt.datetime
    ended_at: dt.datetime
    participants: str
    checked: str
    recording_ref: str


def _lock_inspection(inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("enterprise__agency", "agency", "licence")
        .get(pk=inspection.pk)
    )


def _validate_items(kind: str, items: list[ItemInput]) -> None:
    expected = set(ChecklistItem.objects.filter(kind=kind, active=True).values_list("pk", flat=True))
    given = [i.checklist_item_id for i in items if i.checklist_item_id is not None]
    if len(given) != len(set(given)):
        raise DomainError(_("A checklist point is answered twice."), field="items")
    unknown = set(given) - expected
    if unknown:
        raise DomainError(
            _("These points are not on the checklist of this kind of inspection."), field="items"
        )
    missing = expected - set(given)
    if missing:
        raise DomainError(
            _("Answer every point of the checklist (%d missing).") % len(missing),
            field="items",
            code="incomplete",
        )
    for item in items:
        if item.outcome not in ItemResult.Outcome.values:
            raise DomainError(_("Each point is either met or a finding."), field="items")
        if item.outcome == ItemResult.Outcome.FINDING:
            if item.severity not in Grade.values:
                raise DomainError(
                    _("Every finding needs a severity (minor, serious, severe)."), field="items"
                )
            if not (item.text or "").strip():
                raise DomainError(_("Describe every finding."), field="items")
        elif item.checklist_item_id is None:
            raise DomainError(_("An additional point must be a finding."), field="items")


@transaction.atomic
def inspection_record(
    *,
    inspection: Inspection,
    officer,
    inspected_on: dt.date,
    summary: str,
    items: list[ItemInput],
    kind: str | None = None,
    video: VideoInput | None = None,
    rectify_by: dt.date | None = None,
    refer_penalty: bool = False,
    penalty_reason: str = "",
) -> Inspection:
    """Record what the two inspectors found. Findings need a follow-up: a rectification order
    (supervision.services.rectification_order_create) and/or a penalty referral. The inspection becomes
    a credit record (行政检查信息), graded by its worst finding."""
    inspection = _lock_inspection(inspection)
    if officer.pk not in inspection.inspector_ids:
        raise ForbiddenError(_("Only the two assigned inspectors may record this inspection."))
    _require_staff_of(officer, inspection.agency)
    if inspection.state != Inspection.State.PLANNED:
        raise ConflictError(
            _("This inspection is already %s.") % inspection.get_state_display(), code="illegal_transition"
        )
    for inspector_id in inspection.inspector_ids:
        if _standing_conflict(inspector_id, inspection.enterprise_id):
            raise DomainError(
                _(
                    "An assigned inspector has declared a relation with this enterprise; cancel this inspection and plan another."
                ),
                code="conflict_of_interest",
            )
    kind = kind or inspection.kind
    if kind not in InspectionKind.values:
        raise DomainError(_("Unknown kind of inspection."), field="kind")
    today = _today()
    if inspected_on > today:
        raise DomainError(_("The inspection date cannot be in the future."), field="inspected_on")
    if inspected_on < inspection.created_at.date() - dt.timedelta(days=1):
        raise DomainError(_("The inspection date is before it was planned."), field="inspected_on")
    if not (summary or "").strip():
        raise DomainError(_("Write a summary of the inspection."), field="summary")
    _validate_items(kind, items)
    if kind == InspectionKind.VIDEO:
        if video is None or not all(
            [
                video.started_at,
                video.ended_at,
                (video.participants or "").strip(),
                (video.checked or "").strip(),
                (video.recording_ref or "").strip(),
            ]
        ):
            raise DomainError(
                _(
                    "A video verification records its time, participants, what was checked and the recording's reference."
                ),
                field="video",
            )
        if video.ended_at <= video.started_at:
            raise DomainError(_("The video ended before it started."), field="video")
    findings = [i for i in items if i.outcome == ItemResult.Outcome.FINDING]
    if findings and rectify_by is None and not refer_penalty:
        raise DomainError(
            _("Findings need a follow-up: order a rectification, refer the case for a penalty, or both."),
            field="rectify_by",
            code="follow_up_required",
        )
    if not findings and (rectify_by is not None or refer_penalty):
        raise DomainError(_("Without findings there is nothing to rectify or penalise."), field="rectify_by")
    if refer_penalty and not (penalty_reason or "").strip():
        raise DomainError(_("Say why a penalty case should be filed."), field="penalty_reason")

    snapshot = tier_of(inspection.enterprise, inspected_on)
    worst = max((f.severity for f in findings), key=SEVERITY_RANK.get, default="")
    ItemResult.objects.bulk_create(
        ItemResult(
            inspection=inspection,
            checklist_item_id=item.checklist_item_id,
            outcome=item.outcome,
            severity=item.severity if item.outcome == ItemResult.Outcome.FINDING else "",
            text=(item.text or "").strip(),
            position=position,
        )
        for position, item in enumerate(items, start=1)
    )
    _step(inspection, "complete")
    inspection.kind = kind
    inspection.inspected_on = inspected_on
    inspection.summary = summary.strip()
    inspection.tier_at_inspection, inspection.tier_reason = snapshot.tier, snapshot.reason
    inspection.result = Inspection.Result.SHORT if findings else Inspection.Result.COMPLIANT
    inspection.worst_severity = worst
    inspection.completed_by = officer
    if video is not None and kind == InspectionKind.VIDEO:
        inspection.video_started_at, inspection.video_ended_at = video.started_at, video.ended_at
        inspection.video_participants = video.participants.strip()
        inspection.video_checked = video.checked.strip()
        inspection.video_recording_ref = video.recording_ref.strip()
    finding_text = "\n".join(f"{n}. {f.text.strip()}" for n, f in enumerate(findings, start=1))
    inspection.credit_record = credit_record_create(
        enterprise=inspection.enterprise,
        category=RecordCategory.INSPECTION,
        grade=worst,
        title=_("Inspection %(number)s: %(result)s")
        % {"number": inspection.number, "result": inspection.get_result_display()},
        description=inspection.summary + ("\n" + finding_text if finding_text else ""),
        occurred_on=inspected_on,
        source="inspection",
        source_ref=f"inspection-{inspection.pk}",
        actor=officer,
    )
    if rectify_by is not None:
        from supervision.services import rectification_order_create

        inspection.rectification_order = rectification_order_create(
            enterprise=inspection.enterprise,
            officer=officer,
            findings=finding_text,
            deadline=rectify_by,
            source="inspection",
            source_id=str(inspection.pk),
            licence=inspection.licence,
        )
    inspection.save()
    if refer_penalty:
        penalty_referral_create(
            enterprise=inspection.enterprise,
            officer=officer,
            reason=penalty_reason,
            source_type="inspection",
            source_id=str(inspection.pk),
            inspection=inspection,
        )
    audit_record(
        actor=officer,
        obj=inspection,
        action="inspection.record",
        before={"state": Inspection.State.PLANNED},
        after={
            "state": inspection.state,
            "result": inspection.result,
            "worst": worst,
            "findings": len(findings),
            "rectification_order": inspection.rectification_order_id,
            "penalty_referral": refer_penalty,
        },
        context={"tier": snapshot.tier},
    )
    notify_enterprise(
        inspection.enterprise,
        title=_("Result of inspection %s") % inspection.number,
        body=inspection.get_result_display(),
        link=f"/inspections/inspections/{inspection.pk}/",
    )
    return inspection


@transaction.atomic
def inspection_cancel(*, inspection: Inspection, officer, reason: str) -> Inspection:
    inspection = _lock_inspection(inspection)
    _require_staff_of(officer, inspection.agency)
    if not (reason or "").strip():
        raise DomainError(_("Say why the inspection is cancelled."), field="reason")
    _step(inspection, "cancel")
    inspection.cancel_reason = reason.strip()
    inspection.save()
    audit_record(actor=officer, obj=inspection, action="inspection.cancel", reason=reason)
    return inspection


# --- penalty referrals (consumed by the penalties app) ------------------------------------------------------
@transaction.atomic
def penalty_referral_create(
    *, enterprise, officer, reason: str, source_type: str, source_id: str, inspection=None
) -> PenaltyReferral:
    """Ask for a penalty case. Idempotent per (source_type, source_id)."""
    _require_staff_of(officer, enterprise.agency)
    if not (reason or "").strip():
        raise DomainError(_("Say why a penalty case should be filed."), field="reason")
    existing = PenaltyReferral.objects.filter(source_type=source_type, source_id=str(source_id)).first()
    if existing is not None:
        return existing
    referral = PenaltyReferral.objects.create(
        enterprise=enterprise,
        agency=enterprise.agency,
        inspection=inspection,
        source_type=source_type,
        source_id=str(source_id),
        reason=reason.strip(),
        referred_by=officer,
    )
    audit_record(actor=officer, obj=referral, action="penalty_referral.create", reason=reason)
    return referral


@transaction.atomic
def penalty_referral_take(*, referral: PenaltyReferral, actor, case_reference: str) -> PenaltyReferral:
    """The penalties app filed a case for this referral."""
    referral = (
        PenaltyReferral.objects.select_for_update(of=("self",)).select_related("agency").get(pk=referral.pk)
    )
    _require_staff_of(actor, referral.agency)
    if not (case_reference or "").strip():
        raise DomainError(_("Give the case reference."), field="case_reference")
    _step(referral, "take")
    referral.case_reference = case_reference.strip()
    referral.handled_by, referral.handled_at = actor, timezone.now()
    referral.save()
    audit_record(
        actor=actor, obj=referral, action="penalty_referral.take", after={"case": referral.case_reference}
    )
    return referral


@transaction.atomic
def penalty_referral_decline(*, referral: PenaltyReferral, actor, note: str) -> PenaltyReferral:
    referral = (
        PenaltyReferral.objects.select_for_update(of=("self",)).select_related("agency").get(pk=referral.pk)
    )
    _require_staff_of(actor, referral.agency)
    if not (note or "").strip():
        raise DomainError(_("Say why no case is filed."), field="note")
    _step(referral, "decline")
    referral.note = note.strip()
    referral.handled_by, referral.handled_at = actor, timezone.now()
    referral.save()
    audit_record(actor=actor, obj=referral, action="penalty_referral.decline", reason=note)
    return referral


# --- 三清单 ---------------------------------------------------------------------------------------------
def _open_entry(enterprise_id: int, list_kind: str) -> ThreeListEntry | None:
    return (
        ThreeListEntry.objects.select_for_update(of=("self",))
        .filter(enterprise_id=enterprise_id, list_kind=list_kind)
        .exclude(state=ThreeListEntry.State.RESOLVED)
        .first()
    )


@transaction.atomic
def three_list_add(
    *, enterprise, list_kind: str, reason: str, officer, source_type: str = "", source_id: str = ""
) -> ThreeListEntry:
    """Put an enterprise on one of the three lists (the filing officer is responsible until reassigned).
    Idempotent: an enterprise already on that list keeps its entry (the new reason is noted in the audit)."""
    _require_staff_of(officer, enterprise.agency)
    if list_kind not in ListKind.values:
        raise DomainError(_("Unknown list."), field="list_kind")
    if list_kind == ListKind.DISHONEST:
        raise DomainError(
            _(
                "The dishonest list follows the credit tiers and is synchronised daily; it is not filled by hand."
            ),
            field="list_kind",
            code="synchronised_list",
        )
    if not (reason or "").strip():
        raise DomainError(_("State why the enterprise goes on the list."), field="reason")
    existing = _open_entry(enterprise.pk, list_kind)
    if existing is not None:
        audit_record(
            actor=officer,
            obj=existing,
            action="three_list.add_again",
            reason=reason,
            after={"source_type": source_type, "source_id": str(source_id)},
        )
        return existing
    entry, created = _create_once(
        lambda: ThreeListEntry.objects.create(
            enterprise=enterprise,
            agency=enterprise.agency,
            list_kind=list_kind,
            reason=reason.strip(),
            source_type=source_type,
            source_id=str(source_id),
            responsible=officer,
            listed_by=officer,
        ),
        lambda: _open_entry(enterprise.pk, list_kind),
    )
    audit_record(
        actor=officer,
        obj=entry,
        action="three_list.add" if created else "three_list.add_again",
        reason=reason,
        after={
            "list": list_kind,
            "enterprise": enterprise.pk,
            "source_type": source_type,
            "source_id": str(source_id),
        },
    )
    return entry


def _lock_entry(entry) -> ThreeListEntry:
    return (
        ThreeListEntry.objects.select_for_update(of=("self",))
        .select_related("agency", "enterprise")
        .get(pk=entry.pk)
    )


@transaction.atomic
def three_list_plan(
    *, entry: ThreeListEntry, officer, responsible, plan: str, plan_due: dt.date
) -> ThreeListEntry:
    """Set (or revise) the supervision plan and the officer responsible for it (专人负责)."""
    entry = _lock_entry(entry)
    _require_staff_of(officer, entry.agency)
    if responsible.role not in STAFF_ROLES or responsible.agency_id != entry.agency_id:
        raise DomainError(_("The responsible person must be an officer of the agency."), field="responsible")
    if not (plan or "").strip():
        raise DomainError(_("Describe the supervision plan."), field="plan")
    if plan_due < _today():
        raise DomainError(_("The due date is in the past."), field="plan_due")
    before = {
        "state": entry.state,
        "responsible": entry.responsible_id,
        "plan_due": str(entry.plan_due or ""),
    }
    _step(entry, "plan")
    entry.responsible, entry.supervision_plan, entry.plan_due = responsible, plan.strip(), plan_due
    entry.save()
    audit_record(
        actor=officer,
        obj=entry,
        action="three_list.plan",
        before=before,
        after={"state": entry.state, "responsible": responsible.pk, "plan_due": plan_due.isoformat()},
        reason=plan,
    )
    return entry


def _resolve(entry: ThreeListEntry, actor, resolution: str) -> None:
    before = entry.state
    _step(entry, "resolve")
    entry.resolution = resolution.strip()
    entry.resolved_at = timezone.now()
    entry.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
    entry.save()
    audit_record(
        actor=actor,
        obj=entry,
        action="three_list.resolve",
        before={"state": before},
        after={"state": entry.state},
        reason=resolution,
    )


@transaction.atomic
def three_list_resolve(*, entry: ThreeListEntry, officer, resolution: str) -> ThreeListEntry:
    """The entry leaves its list (kept as history). A dishonest entry leaves only with the credit tier."""
    entry = _lock_entry(entry)
    _require_staff_of(officer, entry.agency)
    if not (resolution or "").strip():
        raise DomainError(_("Describe how the matter was resolved."), field="resolution")
    if entry.list_kind == ListKind.DISHONEST:
        from credit.selectors import current_tier

        if current_tier(entry.enterprise) in DISHONEST_TIERS:
            raise DomainError(
                _("The enterprise is still dishonest; it leaves this list when its credit is repaired."),
                code="still_dishonest",
            )
    _resolve(entry, officer, resolution)
    return entry


def three_list_sync_dishonest() -> tuple[int, int]:
    """Keep the dishonest list equal to the enterprises whose current tier is 失信 or 严重失信:
    add the missing, resolve the repaired. Idempotent; each change in its own transaction."""
    from credit.models import EnterpriseCredit

    dishonest = dict(
        EnterpriseCredit.objects.filter(tier__in=DISHONEST_TIERS).values_list("enterprise_id", "tier")
    )
    listed = dict(
        ThreeListEntry.objects.filter(list_kind=ListKind.DISHONEST)
        .exclude(state=ThreeListEntry.State.RESOLVED)
        .values_list("enterprise_id", "pk")
    )
    added = removed = 0
    for enterprise_id in sorted(set(dishonest) - set(listed)):
        added += _sync_add(enterprise_id, dishonest[enterprise_id])
    for enterprise_id in sorted(set(listed) - set(dishonest)):
        removed += _sync_remove(listed[enterprise_id])
    return added, removed


@transaction.atomic
def _sync_add(enterprise_id: int, tier: str) -> int:
    from accounts.models import Enterprise

    if _open_entry(enterprise_id, ListKind.DISHONEST) is not None:
        return 0  # a concurrent run added it
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    entry, created = _create_once(
        lambda: ThreeListEntry.objects.create(
            enterprise=enterprise,
            agency_id=enterprise.agency_id,
            list_kind=ListKind.DISHONEST,
            reason=_("Current credit tier: %s") % Tier(tier).label,
            source_type="credit",
            source_id=str(enterprise_id),
        ),
        lambda: _open_entry(enterprise_id, ListKind.DISHONEST),
    )
    if not created:
        return 0
    audit_record(
        actor="system", obj=entry, action="three_list.add", after={"list": ListKind.DISHONEST, "tier": tier}
    )
    return 1


@transaction.atomic
def _sync_remove(entry_id: int) -> int:
    from credit.selectors import current_tier

    entry = (
        ThreeListEntry.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=entry_id)
    )
    if entry.state == ThreeListEntry.State.RESOLVED:
        return 0
    tier = current_tier(entry.enterprise)
    if tier in DISHONEST_TIERS:
        return 0
    _resolve(entry, "system", _("Credit tier is now %s.") % Tier(tier).label)
    return 1


# --- complaints ------------------------------------------------------------------------------------------
def _complaint_number(agency) -> str:
    today = _today()
    return f"{agency.code}-TS-{today.year}-{next_value(f'complaint:{agency.code}:{today.year}'):05d}"


@transaction.atomic
def complaint_submit_public(
    *, enterprise, content: str, complainant_name: str = "", complainant_contact: str = ""
) -> Complaint:
    """A complaint from the public web form (no login; the view applies the honeypot and the rate limit)."""
    if len((content or "").strip()) < 10:
        raise DomainError(_("Describe the matter in at least 10 characters."), field="content")
    complaint = Complaint.objects.create(
        number=_complaint_number(enterprise.agency),
        enterprise=enterprise,
        agency=enterprise.agency,
        channel=Complaint.Channel.PUBLIC,
        content=content.strip()[:5000],
        complainant_name=(complainant_name or "").strip()[:50],
        complainant_contact=(complainant_contact or "").strip()[:100],
    )
    audit_record(
        actor="public", obj=complaint, action="complaint.submit", after={"enterprise": enterprise.pk}
    )
    return complaint


@transaction.atomic
def complaint_register(
    *, officer, enterprise, content: str, complainant_name: str = "", complainant_contact: str = ""
) -> Complaint:
    """A complaint received by letter, phone or in person, registered by an officer."""
    _require_staff_of(officer, enterprise.agency)
    if len((content or "").strip()) < 10:
        raise DomainError(_("Describe the matter in at least 10 characters."), field="content")
    complaint = Complaint.objects.create(
        number=_complaint_number(enterprise.agency),
        enterprise=enterprise,
        agency=enterprise.agency,
        channel=Complaint.Channel.OFFICER,
        content=content.strip(),
        complainant_name=(complainant_name or "").strip(),
        complainant_contact=(complainant_contact or "").strip(),
        registered_by=officer,
    )
    audit_record(
        actor=officer, obj=complaint, action="complaint.register", after={"enterprise": enterprise.pk}
    )
    return complaint


@transaction.atomic
def complaint_examine(*, complaint: Complaint, officer, accept: bool, note: str) -> Complaint:
    """Accepted → the enterprise goes on the complained-about list; dismissed → nothing more."""
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("agency", "enterprise")
        .get(pk=complaint.pk)
    )
    _require_staff_of(officer, complaint.agency)
    if not (note or "").strip():
        raise DomainError(_("Record the outcome of the examination."), field="note")
    _step(complaint, "accept" if accept else "dismiss")
    complaint.note = note.strip()
    complaint.handled_by, complaint.handled_at = officer, timezone.now()
    if accept:
        complaint.entry = three_list_add(
            enterprise=complaint.enterprise,
            list_kind=ListKind.COMPLAINED,
            reason=note,
            officer=officer,
            source_type="complaint",
            source_id=str(complaint.pk),
        )
    complaint.save()
    audit_record(
        actor=officer,
        obj=complaint,
        action="complaint.examine",
        after={"state": complaint.state},
        reason=note,
    )
    return complaint


# --- 年度自查 ---------------------------------------------------------------------------------------------
@transaction.atomic
def self_inspection_open(
    *,
    officer,
    year: int,
    title: str,
    due_on: dt.date,
    verify_due_on: dt.date,
    instructions: str = "",
    spot_check_rate: int = 20,
) -> SelfInspectionCampaign:
    if officer.role not in STAFF_ROLES or officer.agency_id is None:
        raise ForbiddenError(_("Only a licence officer may open a self-inspection."))
    agency = officer.agency
    if not (title or "").strip():
        raise DomainError(_("Give the self-inspection a title."), field="title")
    if due_on <= _today():
        raise DomainError(_("The reports must be due after today."), field="due_on")
    if verify_due_on < due_on:
        raise DomainError(_("Verification cannot be due before the reports."), field="verify_due_on")
    if not (1 <= spot_check_rate <= 100):
        raise DomainError(_("The spot-check rate is a percentage from 1 to 100."), field="spot_check_rate")
    if SelfInspectionCampaign.objects.filter(agency=agency, year=year).exists():
        raise DomainError(
            _("The self-inspection of %d is already open.") % year, field="year", code="duplicate"
        )
    campaign = SelfInspectionCampaign.objects.create(
        agency=agency,
        year=year,
        title=title.strip(),
        instructions=(instructions or "").strip(),
        due_on=due_on,
        verify_due_on=verify_due_on,
        spot_check_rate=spot_check_rate,
        created_by=officer,
    )
    audit_record(actor=officer, obj=campaign, action="self_inspection.open", after={"year": year})
    holders = (
        get_user_model()
        .objects.filter(
            role="enterprise",
            is_active=True,
            enterprise__licences__agency=agency,
            enterprise__licences__status=LicenceStatus.VALID,
        )
        .distinct()
    )
    notify_users(
        list(holders),
        title=_("Annual self-inspection %d: please report") % year,
        body=_("Submit your self-inspection report by %s.") % due_on,
        link=f"/inspections/self/{campaign.pk}/submit/",
    )
    return campaign


def _check_pdf(upload) -> tuple[str, str]:
    """By content, not by name: only a PDF is accepted. Returns (sha256, safe original name)."""
    import filetype

    if upload.size == 0:
        raise DomainError(_("The file is empty."), field="attachment")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("The file is larger than %d MB.") % (settings.UPLOAD_MAX_BYTES // (1024 * 1024)),
            field="attachment",
        )
    head = upload.read(8192)
    upload.seek(0)
    guessed = filetype.guess(head)
    if guessed is None or guessed.mime != PDF_MIME:
        raise DomainError(_("The attachment must be a PDF file."), field="attachment", code="bad_file_type")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest(), (upload.name or "report.pdf").replace("/", "_").replace("\\", "_")[-150:]


@transaction.atomic
def self_inspection_submit(
    *,
    campaign: SelfInspectionCampaign,
    actor,
    summary: str,
    answers: dict[int, tuple[bool, str]],
    attachment=None,
) -> SelfInspectionReport:
    """The enterprise's report: an answer for every point of the self-inspection checklist."""
    campaign = (
        SelfInspectionCampaign.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=campaign.pk)
    )
    if actor.role != "enterprise" or actor.enterprise_id is None:
        raise ForbiddenError(_("Only an enterprise user submits a self-inspection report."))
    enterprise = actor.enterprise
    if enterprise.agency_id != campaign.agency_id:
        raise ForbiddenError(_("This self-inspection is not addressed to your enterprise."))
    if campaign.state != SelfInspectionCampaign.State.OPEN:
        raise DomainError(_("The self-inspection is closed; reports are no longer accepted."), code="closed")
    if SelfInspectionReport.objects.filter(campaign=campaign, enterprise=enterprise).exists():
        raise DomainError(_("Your enterprise has already submitted its report."), code="duplicate")
    if not (summary or "").strip():
        raise DomainError(_("Write a summary of the self-inspection."), field="summary")
    expected = set(ChecklistItem.objects.filter(kind="self", active=True).values_list("pk", flat=True))
    if set(answers) != expected:
        raise DomainError(
            _("Answer every point of the self-inspection checklist."), field="answers", code="incomplete"
        )
    for compliant, note in answers.values():
        if not compliant and not (note or "").strip():
            raise DomainError(_("Explain every point that is not met."), field="answers")
    digest = name = ""
    if attachment is not None:
        digest, name = _check_pdf(attachment)
    snapshot = tier_of(enterprise)
    report = SelfInspectionReport(
        campaign=campaign,
        enterprise=enterprise,
        agency=campaign.agency,
        summary=summary.strip(),
        submitted_by=actor,
        tier_at_submission=snapshot.tier,
        verification_mode=self_inspection_verification(snapshot.tier),
        attachment_name=name,
        attachment_sha256=digest,
    )
    if attachment is not None:
        report.attachment.save(f"{uuid.uuid4().hex}.pdf", attachment, save=False)
    report.save()
    SelfInspectionAnswer.objects.bulk_create(
        SelfInspectionAnswer(
            report=report, checklist_item_id=item_id, compliant=compliant, note=(note or "").strip()
        )
        for item_id, (compliant, note) in sorted(answers.items())
    )
    audit_record(
        actor=actor,
        obj=report,
        action="self_inspection.submit",
        after={"sha256": digest, "mode": report.verification_mode},
        context={"tier": snapshot.tier},
    )
    return report


@transaction.atomic
def self_inspection_draw(*, campaign: SelfInspectionCampaign, officer, verifier_ids, seed: str | None = None):
    """Close the reports and choose which are verified (item 14): 信用良好 none, 守信 a reproducible random
    spot-check at the campaign's rate, 失信 / 严重失信 all; each chosen report gets one verifier."""
    campaign = (
        SelfInspectionCampaign.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=campaign.pk)
    )
    _require_staff_of(officer, campaign.agency)
    if campaign.state != SelfInspectionCampaign.State.OPEN:
        raise ConflictError(_("The verification sample has already been drawn."), code="illegal_transition")
    requested = {int(i) for i in verifier_ids}
    verifiers = _staff_of(campaign.agency, requested)
    if not verifiers or len(verifiers) != len(requested):
        raise DomainError(_("Choose one or more officers of the agency as verifiers."), field="verifier_ids")
    reports = list(campaign.reports.select_for_update(of=("self",)).order_by("enterprise_id"))
    population = [
        (r.enterprise_id, r.tier_at_submission, 100, r.verification_mode == "key")
        for r in reports
        if r.verification_mode in ("spot_check", "key")
    ]
    spot = sum(1 for row in population if not row[3])
    key = len(population) - spot
    sample_size = key + (max(1, math.ceil(spot * campaign.spot_check_rate / 100)) if spot else 0)
    pool_ids = [u.pk for u in verifiers]
    ids = {row[0] for row in population}
    conflicts = _conflicts_for(
        agency=campaign.agency, pool_ids=pool_ids, population_ids=ids, years=0, today=_today()
    )
    short = sorted(e for e, n in draw.eligible_counts(ids, pool_ids, conflicts).items() if n < 1)
    if short:
        raise DomainError(
            _("No verifier is free of conflicts for: %s.") % _names_of(short),
            field="verifier_ids",
            code="pool_too_small",
        )
    seed = seed or secrets.token_hex(16)
    inputs = draw.build_inputs(
        seed=seed,
        sample_size=max(sample_size, 1),
        population=population,
        pool=pool_ids,
        conflicts=conflicts,
        per_target=1,
    )
    result = draw.run_draw(inputs) if population else []
    chosen = {enterprise: inspectors[0] for enterprise, inspectors in result}
    for report in reports:
        if report.enterprise_id in chosen:
            _step(report, "select")
            report.verifier_id = chosen[report.enterprise_id]
        else:
            _step(report, "pass_over")
        report.save()
    _step(campaign, "draw")
    campaign.seed, campaign.algorithm_version = seed, draw.ALGORITHM_VERSION
    campaign.inputs_json = draw.canonical_json(inputs).decode("utf-8")
    campaign.inputs_sha256 = draw.sha256_of(inputs)
    campaign.drawn_at = timezone.now()
    campaign.save()
    audit_record(
        actor=officer,
        obj=campaign,
        action="self_inspection.draw",
        after={"reports": len(reports), "verified": len(chosen), "inputs_sha256": campaign.inputs_sha256},
    )
    return campaign


@transaction.atomic
def self_inspection_verify(
    *, report: SelfInspectionReport, officer, matches: bool, note: str, severity: str = ""
) -> SelfInspectionReport:
    report = (
        SelfInspectionReport.objects.select_for_update(of=("self",))
        .select_related("agency", "enterprise")
        .get(pk=report.pk)
    )
    if report.verifier_id != officer.pk:
        raise ForbiddenError(_("Only the assigned verifier may verify this report."))
    _require_staff_of(officer, report.agency)
    if not (note or "").strip():
        raise DomainError(_("Record how the report was verified."), field="note")
    if not matches and severity not in Grade.values:
        raise DomainError(_("Grade the discrepancy (minor, serious, severe)."), field="severity")
    _step(report, "confirm" if matches else "find_discrepancy")
    report.verification_note = note.strip()
    report.discrepancy_severity = "" if matches else severity
    report.verified_at = timezone.now()
    report.save()
    audit_record(
        actor=officer, obj=report, action="self_inspection.verify", after={"state": report.state}, reason=note
    )
    return report
