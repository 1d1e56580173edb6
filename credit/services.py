"""Writes of credit: policy editions, records, overrides, the tier they make, repairs and objections,
and the handling of dishonest enterprises (seed 000 items 七 and 八).

Every function here is one use case: atomic, the changed row locked, the audit row in the same
transaction. A broken rule raises `DomainError` and nothing is saved.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import calendar
from core.audit import audit_record
from core.exceptions import ConflictError, DomainError, ForbiddenError
from core.permissions import user_role
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
    RequestKind,
    RequestState,
    Tier,
    TierChange,
    TierOverride,
)
from credit.selectors import counting_q, policy_on, tier_of

# Tiers for which a 失信告知书 is sent (seed 000 item 七, seed 002: 失信告知).
NOTIFIED_TIERS = (Tier.DISHONEST, Tier.SERIOUSLY_DISHONEST)


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, pycalendar.monthrange(year, month)[1]))


def period_end(start: dt.date, months: int) -> dt.date:
    """Last day (inclusive) of a period of `months` months starting on `start`."""
    return add_months(start, months) - dt.timedelta(days=1)


def _require_agency_staff(actor, enterprise, roles=("officer", "approver"), message: str = "") -> None:
    """Only staff of the enterprise's own licensing agency (or an administrator) may act on its credit."""
    role = user_role(actor)
    if role == "admin":
        return
    if role in roles and actor.agency_id == enterprise.agency_id:
        return
    raise ForbiddenError(
        message or _("Only staff of the enterprise's licensing agency may do this."), code="not_agency_staff"
    )


def _required_text(value: str, field_name: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(message, code=f"{field_name}_required", field=field_name)
    return text


# --- policy -------------------------------------------------------------------------------------
def policy_check_overlap(policy: PolicyVersion) -> None:
    """Two editions may not both be in force on any day."""
    if policy.effective_from is None:
        return
    if policy.effective_to and policy.effective_to < policy.effective_from:
        raise ValidationError({"effective_to": _("The end date is before the start date.")})
    clash = PolicyVersion.objects.exclude(pk=policy.pk).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=policy.effective_from)
    )
    if policy.effective_to:
        clash = clash.filter(effective_from__lte=policy.effective_to)
    other = clash.order_by("effective_from").first()
    if other is not None:
        raise ValidationError(
            _("These dates overlap edition %(code)s (%(start)s – %(end)s); end that edition first.")
            % {"code": other.code, "start": other.effective_from, "end": other.effective_to or "…"}
        )


@transaction.atomic
def policy_version_copy(
    *, source: PolicyVersion, code: str, title: str, effective_from: dt.date, actor
) -> PolicyVersion:
    """A new edition starting `effective_from`, with every measure and period of `source` copied.

    The edition in force that day (if open-ended or running past it) is ended the day before, so
    the administrator then edits the new edition's measures in the admin; history stays untouched.
    """
    code = _required_text(code, "code", _("Give the new edition a version code."))
    if PolicyVersion.objects.filter(code=code).exists():
        raise DomainError(_("Edition %s already exists.") % code, code="duplicate", field="code")
    if effective_from <= timezone.localdate():
        raise DomainError(
            _("A new edition can only start in the future; past results must not change."),
            code="bad_dates",
            field="effective_from",
        )
    running = (
        PolicyVersion.objects.select_for_update()
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from))
        .filter(effective_from__lt=effective_from)
        .first()
    )
    if running is not None:
        before = running.effective_to
        running.effective_to = effective_from - dt.timedelta(days=1)
        running.save(update_fields=["effective_to"])
        audit_record(
            actor=actor,
            obj=running,
            action="credit.policy_end",
            before={"effective_to": before.isoformat() if before else None},
            after={"effective_to": running.effective_to.isoformat()},
            reason=_("Superseded by edition %s") % code,
        )
    copied_fields = [
        f.name
        for f in PolicyVersion._meta.concrete_fields
        if f.name not in {"id", "code", "title", "effective_from", "effective_to", "created_at"}
    ]
    new = PolicyVersion(
        code=code,
        title=(title or source.title).strip(),
        effective_from=effective_from,
        **{name: getattr(source, name) for name in copied_fields},
    )
    try:
        policy_check_overlap(new)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="overlap", field="effective_from") from None
    new.save()
    Measure.objects.bulk_create(
        [
            Measure(
                **{
                    f.name: getattr(m, f.name)
                    for f in Measure._meta.concrete_fields
                    if f.name not in {"id", "policy"}
                },
                policy=new,
            )
            for m in source.measures.all()
        ]
    )
    audit_record(
        actor=actor,
        obj=new,
        action="credit.policy_copy",
        after={"from": source.code, "effective_from": effective_from.isoformat()},
    )
    return new


def policy_version_audit(*, policy: PolicyVersion, actor, created: bool) -> None:
    """The admin edits the policy directly (policy is data); each save is audited."""
    audit_record(
        actor=actor,
        obj=policy,
        action="credit.policy_create" if created else "credit.policy_change",
        after={
            "code": policy.code,
            "effective_from": policy.effective_from.isoformat(),
            "effective_to": policy.effective_to.isoformat() if policy.effective_to else None,
        },
    )


# --- tier ---------------------------------------------------------------------------------------
@transaction.atomic
def tier_recompute(*, enterprise, actor=None, reason: str = "") -> str:
    """Derive today's tier and store it; a change is written to the tier history and the audit log."""
    from accounts.models import Enterprise

    # The enterprise row is the lock: two recomputations (even the very first) run one after the other.
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).values_list("pk").first()
    current = EnterpriseCredit.objects.filter(enterprise=enterprise).first()
    snapshot = tier_of(enterprise)
    before = current.tier if current else ""
    if current is None:
        EnterpriseCredit.objects.create(enterprise=enterprise, tier=snapshot.tier, reason=snapshot.reason)
    elif current.tier != snapshot.tier or current.reason != snapshot.reason:
        current.tier, current.reason = snapshot.tier, snapshot.reason
        current.save(update_fields=["tier", "reason", "computed_at"])
    if before != snapshot.tier:
        TierChange.objects.create(
            enterprise=enterprise, from_tier=before, to_tier=snapshot.tier, reason=reason or snapshot.reason
        )
        audit_record(
            actor=actor,
            obj=enterprise,
            action="credit.tier_change",
            before={"tier": before},
            after={"tier": snapshot.tier},
            reason=reason or snapshot.reason,
        )
    return snapshot.tier


def credit_tiers_refresh(*, on: dt.date | None = None) -> int:
    """Daily: records expire and overrides start or end without any event; store today's tiers.

    Only enterprises with a stored tier, a record or an override can change; returns how many changed.
    """
    from accounts.models import Enterprise

    changed = 0
    candidates = Enterprise.objects.filter(
        Q(credit__isnull=False) | Q(credit_records__isnull=False) | Q(tier_overrides__isnull=False)
    ).distinct()
    for enterprise in candidates.iterator():
        stored = EnterpriseCredit.objects.filter(enterprise=enterprise).values_list("tier", "reason").first()
        snapshot = tier_of(enterprise, on)
        if stored != (snapshot.tier, snapshot.reason):
            tier_recompute(enterprise=enterprise, reason=_("Daily recomputation: %s") % snapshot.reason)
            changed += 1
    return changed


# --- records ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RecordPeriods:
    counts_until: dt.date | None
    publish_until: dt.date | None
    policy_version: str


def record_periods(
    *,
    category: str,
    grade: str,
    occurred_on: dt.date,
    counts_until: dt.date | None,
    published: bool,
    publish_until: dt.date | None,
    policy: PolicyVersion | None = None,
) -> RecordPeriods:
    """Validity and public listing of a new record from the grade's periods in the policy in force.

    A negative record counts for its grade's listing period unless the source gives a validity; a
    published one is listed for at most that period (轻微 3 months, 较重 1 year, 严重 3 years).
    """
    policy = policy or policy_on()
    negative = bool(grade) and category != RecordCategory.COMMENDATION
    if counts_until is not None and counts_until < occurred_on:
        raise DomainError(
            _("The validity ends before the record's date."), code="bad_dates", field="counts_until"
        )
    if counts_until is None:
        if negative:
            counts_until = period_end(occurred_on, policy.listing_months(grade))
        elif category == RecordCategory.COMMENDATION:
            counts_until = period_end(occurred_on, policy.commendation_months)
    if not published:
        return RecordPeriods(counts_until, None, policy.code)
    if negative:
        months = policy.listing_months(grade)
        longest = period_end(occurred_on, months)
        if publish_until is None:
            publish_until = longest
        elif publish_until > longest:
            raise DomainError(
                _(
                    "A %(grade)s record may be listed publicly for at most %(months)d months, "
                    "that is until %(date)s."
                )
                % {"grade": Grade(grade).label, "months": months, "date": longest.isoformat()},
                code="listing_too_long",
                field="publish_until",
            )
    if publish_until is not None and publish_until < occurred_on:
        raise DomainError(
            _("The listing ends before the record's date."), code="bad_dates", field="publish_until"
        )
    return RecordPeriods(counts_until, publish_until, policy.code)


def _validate_record_kind(category: str, grade: str) -> None:
    if category not in RecordCategory.values:
        raise DomainError(_("Unknown record category: %s") % category, code="bad_category", field="category")
    if grade and grade not in Grade.values:
        raise DomainError(_("Unknown grade: %s") % grade, code="bad_grade", field="grade")
    if category == RecordCategory.DISHONEST and not grade:
        raise DomainError(
            _("A dishonest behaviour must be graded minor, serious or severe."),
            code="grade_required",
            field="grade",
        )
    if category == RecordCategory.COMMENDATION and grade:
        raise DomainError(_("A commendation has no grade."), code="bad_grade", field="grade")


@transaction.atomic
def credit_record_create(
    *,
    enterprise,
    category: str,
    title: str,
    occurred_on: dt.date,
    source: str,
    grade: str = "",
    source_ref: str = "",
    description: str = "",
    counts_until: dt.date | None = None,
    published: bool = False,
    publish_until: dt.date | None = None,
    actor=None,
    recompute: bool = True,
) -> CreditRecord:
    """Add a record (idempotent on source + source_ref) and recompute the tier at once.

    Inspections and penalty decisions call this; so do the officer's page and the platform import.
    A severe negative record that counts puts the enterprise on the joint-punishment list.
    """
    title = _required_text(title, "title", _("A credit record needs a title."))
    source = _required_text(source, "source", _("A credit record needs its source."))
    _validate_record_kind(category, grade or "")
    if source_ref:
        existing = CreditRecord.objects.filter(source=source, source_ref=source_ref).first()
        if existing is not None:
            return existing
    periods = record_periods(
        category=category,
        grade=grade or "",
        occurred_on=occurred_on,
        counts_until=counts_until,
        published=published,
        publish_until=publish_until,
    )
    try:
        with transaction.atomic():
            record = CreditRecord.objects.create(
                enterprise=enterprise,
                category=category,
                grade=grade or "",
                title=title,
                description=description or "",
                source=source,
                source_ref=source_ref or "",
                occurred_on=occurred_on,
                counts_until=periods.counts_until,
                published=published,
                publish_until=periods.publish_until,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        # Another caller stored the same source reference a moment ago: that row is the record.
        existing = CreditRecord.objects.filter(source=source, source_ref=source_ref).first()
        if existing is None:
            raise
        return existing
    audit_record(
        actor=actor,
        obj=record,
        action="credit.record_create",
        after={
            "enterprise": enterprise.pk,
            "category": category,
            "grade": record.grade,
            "title": title,
            "source": source,
            "source_ref": record.source_ref,
            "counts_until": record.counts_until.isoformat() if record.counts_until else None,
            "publish_until": record.publish_until.isoformat() if record.publish_until else None,
        },
        context={"policy_version": periods.policy_version},
    )
    today = timezone.localdate()
    if (
        record.grade == Grade.SEVERE
        and record.is_negative
        and CreditRecord.objects.filter(counting_q(today), pk=record.pk).exists()
    ):
        JointPunishmentEntry.objects.create(record=record, enterprise=enterprise, listed_on=today)
        audit_record(actor=actor, obj=record, action="credit.joint_punishment_list")
    if recompute:
        tier_recompute(enterprise=enterprise, actor=actor, reason=_("New credit record: %s") % title)
    return record


# --- overrides ----------------------------------------------------------------------------------
@transaction.atomic
def tier_override_create(
    *, enterprise, tier: str, reason: str, starts_on: dt.date, ends_on: dt.date | None, actor
) -> TierOverride:
    """An authorised override (an approver of the enterprise's agency) with a reason and an end date."""
    _require_agency_staff(
        actor,
        enterprise,
        roles=("approver",),
        message=_("Only an approver of the agency may override a tier."),
    )
    reason = _required_text(reason, "reason", _("An override needs a written reason."))
    if tier not in Tier.values:
        raise DomainError(_("Unknown credit tier: %s") % tier, code="bad_tier", field="tier")
    if starts_on is None or ends_on is None:
        raise DomainError(_("An override needs an end date."), code="end_required", field="ends_on")
    if ends_on < starts_on:
        raise DomainError(_("The override ends before it starts."), code="bad_dates", field="ends_on")
    if ends_on < timezone.localdate():
        raise DomainError(_("The override would already be over."), code="bad_dates", field="ends_on")
    override = TierOverride.objects.create(
        enterprise=enterprise,
        tier=tier,
        reason=reason,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        obj=override,
        action="credit.override_create",
        reason=reason,
        after={"tier": tier, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
    )
    if starts_on <= timezone.localdate() <= ends_on:
        tier_recompute(enterprise=enterprise, actor=actor, reason=_("Override: %s") % reason)
    return override


@transaction.atomic
def tier_override_cancel(*, override: TierOverride, actor, reason: str) -> TierOverride:
    reason = _required_text(reason, "reason", _("Say why the override is cancelled."))
    override = TierOverride.objects.select_for_update().get(pk=override.pk)
    _require_agency_staff(
        actor,
        override.enterprise,
        roles=("approver",),
        message=_("Only an approver of the agency may cancel an override."),
    )
    if override.cancelled_at is not None:
        raise ConflictError(_("This override is already cancelled."))
    override.cancelled_at = timezone.now()
    override.save(update_fields=["cancelled_at"])
    audit_record(actor=actor, obj=override, action="credit.override_cancel", reason=reason)
    tier_recompute(enterprise=override.enterprise, actor=actor, reason=_("Override cancelled: %s") % reason)
    return override


# --- repairs and objections (seed 000 item 八) -----------------------------------------------------
@transaction.atomic
def credit_request_file(
    *, kind: str, record: CreditRecord, user, statement: str, commitment: bool = False
) -> CreditRequest:
    """An enterprise files a credit repair or an objection about one of its own records."""
    if kind not in RequestKind.values:
        raise DomainError(_("Unknown request kind: %s") % kind, code="bad_kind", field="kind")
    if user_role(user) != "enterprise" or user.enterprise_id != record.enterprise_id:
        raise ForbiddenError(
            _("An enterprise may only file for its own credit records."), code="not_own_record"
        )
    statement = _required_text(statement, "statement", _("State your grounds."))
    record = CreditRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != RecordStatus.ACTIVE:
        raise DomainError(
            _("This record has already been repaired or revoked."), code="record_closed", field="record"
        )
    if kind == RequestKind.REPAIR:
        if not record.is_negative:
            raise DomainError(
                _(
                    "Only a negative record (penalty, failed inspection, dishonest behaviour) can be repaired."
                ),
                code="not_negative",
                field="record",
            )
        if not commitment:
            raise DomainError(
                _("A credit repair needs your credit commitment (信用承诺)."),
                code="commitment_required",
                field="commitment",
            )
    if CreditRequest.objects.filter(record=record, state__in=["submitted", "accepted"]).exists():
        raise DomainError(
            _("A repair or objection about this record is already being handled."),
            code="request_open",
            field="record",
        )
    request = CreditRequest.objects.create(
        kind=kind,
        enterprise_id=record.enterprise_id,
        record=record,
        statement=statement,
        commitment=bool(commitment),
        filed_by=user,
    )
    if kind == RequestKind.OBJECTION:
        record.disputed = True
        record.save(update_fields=["disputed"])
    audit_record(
        actor=user,
        obj=request,
        action=f"credit.{kind}_file",
        after={"record": record.pk, "state": request.state},
    )
    return request


def _locked_request(request: CreditRequest, actor, expected: str) -> CreditRequest:
    locked = CreditRequest.objects.select_for_update().select_related("enterprise").get(pk=request.pk)
    _require_agency_staff(actor, locked.enterprise)
    if locked.state != expected:
        raise ConflictError(
            _("This request is no longer %(state)s; someone else has handled it.")
            % {"state": RequestState(expected).label},
            code="stale_state",
        )
    return locked


def _transition_audit(request: CreditRequest, actor, action: str, before: str, reason: str = "") -> None:
    audit_record(
        actor=actor,
        obj=request,
        action=f"credit.{request.kind}_{action}",
        before={"state": before},
        after={
            "state": request.state,
            "due_on": request.due_on.isoformat() if request.due_on else None,
            "due_provisional": request.due_provisional,
        },
        reason=reason,
        context={"policy_version": request.policy_version},
    )


def request_due(kind: str, accepted_on: dt.date, policy: PolicyVersion) -> calendar.DateResult:
    """Seed 000 item 八: decided within N working days of acceptance (start day not counted)."""
    return calendar.add_working_days(accepted_on, policy.decision_days(kind))


@transaction.atomic
def credit_request_accept(*, request: CreditRequest, actor) -> CreditRequest:
    request = _locked_request(request, actor, RequestState.SUBMITTED)
    today = timezone.localdate()
    policy = policy_on(today)
    request.accept(by=actor, on=today, due=request_due(request.kind, today, policy))
    request.policy_version = policy.code
    request.save()
    _transition_audit(request, actor, "accept", RequestState.SUBMITTED)
    return request


def _release_dispute(request: CreditRequest) -> None:
    if request.kind == RequestKind.OBJECTION:
        CreditRecord.objects.filter(pk=request.record_id).update(disputed=False)


@transaction.atomic
def credit_request_refuse_to_accept(*, request: CreditRequest, actor, reason: str) -> CreditRequest:
    """不予受理, with the reason told to the enterprise."""
    reason = _required_text(reason, "reason", _("Give the reason for not accepting the request."))
    request = _locked_request(request, actor, RequestState.SUBMITTED)
    request.refuse_to_accept(by=actor, at=timezone.now(), reason=reason)
    request.save()
    _release_dispute(request)
    _transition_audit(request, actor, "not_accept", RequestState.SUBMITTED, reason)
    return request


@transaction.atomic
def credit_request_refuse(*, request: CreditRequest, actor, reason: str) -> CreditRequest:
    reason = _required_text(reason, "reason", _("Give the reasons for the refusal."))
    request = _locked_request(request, actor, RequestState.ACCEPTED)
    request.refuse(by=actor, at=timezone.now(), reason=reason)
    request.save()
    _release_dispute(request)
    _transition_audit(request, actor, "refuse", RequestState.ACCEPTED, reason)
    if request.kind == RequestKind.REPAIR:
        from credit import letters

        letters.repair_decision(request, actor)
    return request


@transaction.atomic
def credit_request_grant(*, request: CreditRequest, actor, reason: str = "") -> CreditRequest:
    """A granted repair: the record is repaired, its listing withdrawn, it stops counting at once.
    A granted objection: the record is revoked. Either way the tier is recomputed now."""
    request = _locked_request(request, actor, RequestState.ACCEPTED)
    record = CreditRecord.objects.select_for_update().get(pk=request.record_id)
    if record.status != RecordStatus.ACTIVE:
        raise ConflictError(_("The record has already been repaired or revoked."), code="record_closed")
    today = timezone.localdate()
    request.grant(by=actor, at=timezone.now(), reason=(reason or "").strip())
    request.save()
    if request.kind == RequestKind.REPAIR:
        record.repair(on=today)
        ended = _("Credit repaired")
    else:
        record.revoke(on=today)
        ended = _("Revoked after an objection")
    record.save()
    JointPunishmentEntry.objects.filter(record=record, removed_on__isnull=True).update(
        removed_on=today, removal_reason=ended
    )
    _transition_audit(request, actor, "grant", RequestState.ACCEPTED, reason)
    audit_record(
        actor=actor,
        obj=record,
        action="credit.record_repair" if request.kind == RequestKind.REPAIR else "credit.record_revoke",
        before={"status": RecordStatus.ACTIVE},
        after={"status": record.status, "published": record.published},
        reason=reason,
        context={"request": request.pk},
    )
    tier_recompute(enterprise=record.enterprise, actor=actor, reason=f"{ended}: {record.title}")
    if request.kind == RequestKind.REPAIR:
        from credit import letters

        letters.repair_decision(request, actor)
    return request


def credit_requests_recompute_due(*, years: set[int] | None = None) -> int:
    """After the calendar changed: recompute the due dates of open requests counted provisionally."""
    changed = 0
    open_requests = CreditRequest.objects.filter(
        state=RequestState.ACCEPTED, due_provisional=True, accepted_on__isnull=False
    )
    policies = {p.code: p for p in PolicyVersion.objects.all()}
    for request in open_requests:
        policy = policies.get(request.policy_version) or policy_on(request.accepted_on)
        due = request_due(request.kind, request.accepted_on, policy)
        if (due.date, due.provisional) == (request.due_on, request.due_provisional):
            continue
        with transaction.atomic():
            updated = CreditRequest.objects.filter(
                pk=request.pk, state=RequestState.ACCEPTED, due_on=request.due_on
            ).update(due_on=due.date, due_provisional=due.provisional)
            if updated:
                audit_record(
                    actor="calendar",
                    obj=request,
                    action="credit.request_due_recompute",
                    before={"due_on": request.due_on.isoformat(), "provisional": True},
                    after={"due_on": due.date.isoformat(), "provisional": due.provisional},
                    reason=_("The working-day calendar changed"),
                )
                changed += 1
    return changed


# --- dishonesty handling (seed 000 item 七) -----------------------------------------------------
@transaction.atomic
def dishonesty_action_record(
    *, record: CreditRecord, took_place_on: dt.date, notes: str, actor
) -> DishonestyAction:
    """A reminder, warning or interview: which one follows from the record's grade (policy data)."""
    _require_agency_staff(actor, record.enterprise)
    notes = _required_text(notes, "notes", _("Write down what was said or done."))
    if not record.is_negative:
        raise DomainError(
            _("Reminders, warnings and interviews are for negative records only."),
            code="not_negative",
            field="record",
        )
    if took_place_on > timezone.localdate():
        raise DomainError(
            _("An action is recorded after it took place."), code="bad_dates", field="took_place_on"
        )
    policy = policy_on(took_place_on)
    action = DishonestyAction.objects.create(
        record=record,
        enterprise=record.enterprise,
        kind=policy.action_for(record.grade),
        took_place_on=took_place_on,
        notes=notes,
        officer=actor,
        policy_version=policy.code,
    )
    audit_record(
        actor=actor,
        obj=action,
        action="credit.dishonesty_action",
        after={"record": record.pk, "kind": action.kind, "took_place_on": took_place_on.isoformat()},
        context={"policy_version": policy.code},
    )
    return action


@transaction.atomic
def dishonesty_notice_issue(*, enterprise, actor) -> DishonestyNotice:
    """失信告知书 to a 失信 / 严重失信 enterprise, listing the negative records that count today."""
    from accounts.models import Agency

    _require_agency_staff(actor, enterprise)
    today = timezone.localdate()
    snapshot = tier_of(enterprise, today)
    if snapshot.tier not in NOTIFIED_TIERS:
        raise DomainError(
            _("A dishonesty notice is only sent to a dishonest or seriously dishonest enterprise."),
            code="not_dishonest",
        )
    records = [
        r
        for r in CreditRecord.objects.filter(counting_q(today), enterprise=enterprise).order_by("occurred_on")
        if r.is_negative
    ]
    if not records:
        raise DomainError(
            _("The tier is an override; there is no negative record to notify."), code="no_records"
        )
    agency = Agency.objects.select_for_update().get(pk=enterprise.agency_id)
    count = DishonestyNotice.objects.filter(agency=agency, issued_on__year=today.year).count()
    notice = DishonestyNotice.objects.create(
        number=f"{agency.code}-SXGZ-{today.year}-{count + 1:04d}",
        enterprise=enterprise,
        agency=agency,
        tier=snapshot.tier,
        policy_version=policy_on(today).code,
        issued_on=today,
        issued_by=actor,
    )
    notice.records.set(records)
    audit_record(
        actor=actor,
        obj=notice,
        action="credit.notice_issue",
        after={"number": notice.number, "records": [r.pk for r in records], "tier": snapshot.tier},
        context={"policy_version": notice.policy_version, "tier": snapshot.tier},
    )
    from credit import letters

    letters.dishonesty_notice(notice, actor)
    return notice


def dishonesty_notice_mark_read(*, notice: DishonestyNotice, user) -> bool:
    """The first time the enterprise opens its notice (proof of delivery). Conditional: once only."""
    if user_role(user) != "enterprise" or user.enterprise_id != notice.enterprise_id:
        return False
    with transaction.atomic():
        now = timezone.now()
        updated = DishonestyNotice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now)
        if updated:
            notice.read_at = now
            audit_record(actor=user, obj=notice, action="credit.notice_read")
    return bool(updated)


# --- import from the energy-sector credit platform ------------------------------------------------
@dataclass
class ImportReport:
    created: list[CreditRecord] = field(default_factory=list)
    existing: int = 0
    unknown_enterprises: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def credit_records_import(*, rows: list[dict], source: str, actor=None) -> ImportReport:
    """Store the rows of a platform export (file now, live feed later); idempotent on source + ref.

    Every row is validated first: one bad row refuses the whole batch and nothing is saved. Rows for
    enterprises not registered here are skipped and reported. Tiers are recomputed once per enterprise.
    """
    from accounts.models import Enterprise
    from credit.platform import parse_rows

    report = ImportReport()
    parsed, report.errors = parse_rows(rows)
    if report.errors:
        return report
    codes = {row.credit_code for row in parsed}
    enterprises = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
    touched = {}
    try:
        with transaction.atomic():
            for row in parsed:
                enterprise = enterprises.get(row.credit_code)
                if enterprise is None:
                    report.unknown_enterprises.append(f"{row.line}: {row.credit_code}")
                    continue
                if CreditRecord.objects.filter(source=source, source_ref=row.source_ref).exists():
                    report.existing += 1
                    continue
                try:
                    record = credit_record_create(
                        enterprise=enterprise,
                        category=row.category,
                        grade=row.grade,
                        title=row.title,
                        description=row.description,
                        occurred_on=row.occurred_on,
                        counts_until=row.counts_until,
                        published=row.published,
                        publish_until=row.publish_until,
                        source=source,
                        source_ref=row.source_ref,
                        actor=actor,
                        recompute=False,
                    )
                except DomainError as exc:
                    report.errors.append(
                        _("Row %(line)d: %(error)s") % {"line": row.line, "error": exc.message}
                    )
                    continue
                report.created.append(record)
                touched[enterprise.pk] = enterprise
            if report.errors:
                raise _RollBack
            for enterprise in touched.values():
                tier_recompute(enterprise=enterprise, actor=actor, reason=_("Imported credit records"))
    except _RollBack:
        report.created = []
        report.existing = 0
    return report


class _RollBack(Exception):
    pass
