"""Every write of penalties: a case from 立案 to 结案.

Each service locks the case row, checks who acts and whether the step is possible now, calls the
declared transition and writes its audit row (with the tier and policy version that applied) in the
same transaction. A broken rule raises DomainError; a step another user already took raises
ConflictError (the loser of a race does nothing); an actor who may not act raises ForbiddenError.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from accounts.models import Jurisdiction
from core import calendar
from core.audit import audit_record
from core.exceptions import ConflictError, DomainError, ForbiddenError
from core.notify import notify_agency, notify_enterprise
from core.sequences import next_value
from credit.selectors import tier_of
from credit.services import credit_record_create
from licensing.dates import add_months, add_years
from licensing.models import Licence, LicenceStatus
from penalties.models import (
    Applicability,
    Bar,
    CaseNote,
    Evidence,
    Outcome,
    PenaltyCase,
    Source,
    State,
    Statement,
    Violation,
)
from penalties.selectors import case_recommendation, investigator_ids, procedure_rule

ALLOWED_UPLOADS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
STAFF_ROLES = ("officer", "approver")


def _today() -> dt.date:
    return timezone.localdate()


def _snapshot(case: PenaltyCase) -> dict:
    return {
        "state": case.state,
        "fine_amount": str(case.fine_amount) if case.fine_amount is not None else None,
        "decision_number": case.decision_number,
    }


def _lock(case: PenaltyCase | int) -> PenaltyCase:
    pk = case.pk if isinstance(case, PenaltyCase) else case
    try:
        return (
            PenaltyCase.objects.select_for_update(of=("self",))
            .select_related("agency", "enterprise", "violation", "licence")
            .get(pk=pk)
        )
    except PenaltyCase.DoesNotExist:
        raise DomainError(_("No such case."), code="not_found") from None


def _check_state(case: PenaltyCase, expected: str | None) -> None:
    if expected and case.state != expected:
        raise ConflictError(
            _("The case is now “%(state)s”: someone acted on it first. Reload and check.")
            % {"state": case.get_state_display()}
        )


def _run(case: PenaltyCase, transition_name: str) -> None:
    method = getattr(case, transition_name)
    if not can_proceed(method):
        raise ConflictError(
            _("This step is not possible while the case is “%(state)s”.")
            % {"state": case.get_state_display()},
            code="illegal_transition",
        )
    method()


def _save(
    case: PenaltyCase, actor, action: str, before: dict, *, reason: str = "", extra: dict | None = None
):
    try:
        case.save()
    except ConcurrentTransition:
        raise ConflictError(
            _("Someone else changed this case at the same moment; nothing was saved.")
        ) from None
    audit_record(
        actor=actor,
        obj=case,
        action=f"penalty.{action}",
        before=before,
        after=_snapshot(case),
        reason=reason,
        context={"credit_tier": case.credit_tier, "policy_version": case.policy_version, **(extra or {})},
    )


def _require_staff(actor, case: PenaltyCase) -> None:
    if getattr(actor, "role", None) not in STAFF_ROLES or actor.agency_id != case.agency_id:
        raise ForbiddenError(_("Only an officer of %(agency)s may do this.") % {"agency": case.agency.name})


def _require_decider(actor, case: PenaltyCase) -> None:
    """The approver decides, and never on a case they investigated (four eyes)."""
    if getattr(actor, "role", None) != "approver" or actor.agency_id != case.agency_id:
        raise ForbiddenError(
            _("Only an approver of %(agency)s may decide.") % {"agency": case.agency.name},
            code="approver_only",
        )
    if actor.pk in investigator_ids(case):
        raise ForbiddenError(
            _("You took part in the investigation of this case; another approver must decide."),
            code="four_eyes",
        )


def _require_party(actor, case: PenaltyCase) -> None:
    if getattr(actor, "role", None) != "enterprise" or actor.enterprise_id != case.enterprise_id:
        raise ForbiddenError(_("Only the party to the case may do this."))


def _text(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field, code="required")
    return value


def _party_link(case: PenaltyCase) -> str:
    return f"/penalties/my/{case.pk}/"


def _officer_link(case: PenaltyCase) -> str:
    return f"/penalties/cases/{case.pk}/"


def in_jurisdiction(agency, enterprise) -> bool:
    """An agency acts on enterprises of the provinces it licenses; the NEA everywhere."""
    if agency.is_national or enterprise.agency_id == agency.pk:
        return True
    return Jurisdiction.objects.filter(agency=agency, province=enterprise.province).exists()


# --- 立案 ---------------------------------------------------------------------------------------------
@transaction.atomic
def case_open(
    *,
    enterprise,
    violation: Violation | str,
    source: str,
    officer,
    summary: str,
    source_ref: str = "",
    licence: Licence | None = None,
    rectification_order=None,
    co_investigator=None,
    today: dt.date | None = None,
) -> PenaltyCase:
    """File a case (立案). Inspections, commitment checks, complaints, escalated rectification orders or the
    officer's own finding (ex officio) start one; the same (source, source_ref) never opens two cases.

    The party's credit tier is snapshotted now: the fine recommendation follows it (seed 003 items 5–12).
    """
    today = today or _today()
    if getattr(officer, "role", None) not in STAFF_ROLES or officer.agency_id is None:
        raise ForbiddenError(_("Only an officer of a licensing agency may file a case."))
    agency = officer.agency
    if not in_jurisdiction(agency, enterprise):
        raise ForbiddenError(
            _(
                "%(enterprise)s is not in the jurisdiction of %(agency)s; the competent agency must file the case."
            )
            % {"enterprise": enterprise.name, "agency": agency.name},
            code="jurisdiction",
        )
    if isinstance(violation, str):
        violation = Violation.objects.filter(code=violation, active=True).first()
        if violation is None:
            raise DomainError(_("Unknown violation type."), field="violation", code="bad_violation")
    elif not violation.active:
        raise DomainError(
            _("This violation type is no longer in use."), field="violation", code="bad_violation"
        )
    if source not in Source.values:
        raise DomainError(_("Unknown source of the case."), field="source")
    summary = _text(summary, _("State the grounds for filing the case."), "summary")
    if rectification_order is not None:
        if rectification_order.enterprise_id != enterprise.pk:
            raise DomainError(
                _("That rectification order concerns another enterprise."), field="rectification_order"
            )
        if rectification_order.state != "escalated":
            raise DomainError(
                _("Only an escalated rectification order leads to a penalty case."),
                field="rectification_order",
            )
        source_ref = source_ref or rectification_order.number
    elif source == Source.RECTIFICATION:
        raise DomainError(_("Name the escalated rectification order."), field="rectification_order")
    if licence is not None and licence.enterprise_id != enterprise.pk:
        raise DomainError(_("That licence is not the party's."), field="licence")
    if co_investigator is not None and (
        co_investigator.role not in STAFF_ROLES
        or co_investigator.agency_id != agency.pk
        or co_investigator == officer
    ):
        raise DomainError(
            _("The second investigator must be another officer of the agency."), field="co_investigator"
        )
    source_ref = (source_ref or "").strip()
    if source_ref:
        existing = (
            PenaltyCase.objects.filter(source=source, source_ref=source_ref)
            .exclude(state=State.CLOSED)
            .first()
        )
        if existing is not None:
            if existing.enterprise_id != enterprise.pk:
                raise DomainError(
                    _("That reference already belongs to a case against another party."), field="source_ref"
                )
            return existing
    tier = tier_of(enterprise, today)
    rule = procedure_rule(today)
    seq = next_value(f"penalty_case:{agency.code}:{today.year}")
    case = PenaltyCase.objects.create(
        number=f"{agency.code}-CF-{today.year}-{seq:05d}",
        agency=agency,
        enterprise=enterprise,
        violation=violation,
        licence=licence,
        source=source,
        source_ref=source_ref,
        rectification_order=rectification_order,
        summary=summary,
        filed_on=today,
        opened_by=officer,
        co_investigator=co_investigator,
        credit_tier=tier.tier,
        credit_reason=tier.reason,
        decision_due=today + dt.timedelta(days=rule.decision_days),
    )
    audit_record(
        actor=officer,
        obj=case,
        action="penalty.open",
        after=_snapshot(case) | {"violation": violation.code, "source": source, "source_ref": source_ref},
        reason=summary,
        context={"credit_tier": tier.tier, "credit_reason": tier.reason},
    )
    return case


@transaction.atomic
def case_start_investigation(*, case: PenaltyCase, officer, expected_state=None) -> PenaltyCase:
    case = _lock(case)
    _require_staff(officer, case)
    _check_state(case, expected_state)
    before = _snapshot(case)
    _run(case, "start_investigation")
    _save(case, officer, "start_investigation", before)
    return case


# --- 调查 ---------------------------------------------------------------------------------------------
def _check_upload(upload) -> tuple[str, str]:
    """Real type by content (never the name), size limit; returns (mime, sha256)."""
    import filetype

    if upload is None:
        raise DomainError(_("Choose a file."), field="file")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("The file is larger than %d MB.") % (settings.UPLOAD_MAX_BYTES // (1024 * 1024)),
            field="file",
            code="too_large",
        )
    if upload.size == 0:
        raise DomainError(_("The file is empty."), field="file", code="empty_file")
    head = upload.read(8192)
    upload.seek(0)
    guessed = filetype.guess(head)
    mime = guessed.mime if guessed else ""
    if mime not in ALLOWED_UPLOADS:
        raise DomainError(
            _("Only PDF, JPEG and PNG files are accepted; this file is not one."),
            field="file",
            code="bad_file_type",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return mime, digest.hexdigest()


def evidence_add(
    *, case: PenaltyCase, upload, description: str, actor, kind: str = Evidence.Kind.EVIDENCE
) -> Evidence:
    """Evidence during the investigation; a hearing record or proof of execution later."""
    description = _text(description, _("Describe the evidence."), "description")
    mime, sha256 = _check_upload(upload)
    allowed_states = {
        Evidence.Kind.EVIDENCE: (State.FILED, State.INVESTIGATING),
        Evidence.Kind.HEARING: (State.HEARING_SCHEDULED, State.HEARING_HELD),
        Evidence.Kind.EXECUTION: (State.DECIDED, State.EXECUTED),
    }
    if kind not in allowed_states:
        raise DomainError(_("Unknown kind of file."), field="kind")
    with transaction.atomic():
        locked = _lock(case)
        _require_staff(actor, locked)
        if locked.state not in allowed_states[kind]:
            raise DomainError(
                _("This kind of file cannot be added while the case is “%(state)s”.")
                % {"state": locked.get_state_display()},
                code="wrong_state",
            )
        original = (upload.name or "file").replace("/", "_").replace("\\", "_")[-150:]
        evidence = Evidence(
            case=locked,
            kind=kind,
            description=description[:300],
            original_name=original,
            content_type=mime,
            size=upload.size,
            sha256=sha256,
            uploaded_by=actor,
        )
        evidence.file.save(f"{uuid.uuid4().hex}.{ALLOWED_UPLOADS[mime]}", upload, save=False)
        evidence.save()
        audit_record(
            actor=actor,
            obj=locked,
            action="penalty.evidence_add",
            after={
                "evidence": evidence.pk,
                "kind": kind,
                "sha256": sha256,
                "description": evidence.description,
            },
            context={"credit_tier": locked.credit_tier},
        )
    return evidence


@transaction.atomic
def note_add(*, case: PenaltyCase, author, text: str) -> CaseNote:
    case = _lock(case)
    _require_staff(author, case)
    text = _text(text, _("Write the note."), "text")
    if case.state not in (State.FILED, State.INVESTIGATING):
        raise DomainError(
            _("Investigation notes are written while the case is investigated."), code="wrong_state"
        )
    note = CaseNote.objects.create(case=case, author=author, text=text)
    audit_record(
        actor=author, obj=case, action="penalty.note_add", after={"note": note.pk}, reason=text[:500]
    )
    return note


@transaction.atomic
def case_record_facts(
    *, case: PenaltyCase, officer, facts: str, illegal_gains: Decimal | None
) -> PenaltyCase:
    """The facts established and the illegal gains (which the fine of some violations is a multiple of)."""
    case = _lock(case)
    _require_staff(officer, case)
    if case.state not in (State.FILED, State.INVESTIGATING):
        raise DomainError(_("The facts are recorded while the case is investigated."), code="wrong_state")
    if illegal_gains is not None and illegal_gains < 0:
        raise DomainError(_("Illegal gains cannot be negative."), field="illegal_gains")
    before = _snapshot(case) | {"facts": case.facts, "illegal_gains": str(case.illegal_gains)}
    case.facts = (facts or "").strip()
    case.illegal_gains = illegal_gains
    _save(case, officer, "record_facts", before, extra={"illegal_gains": str(illegal_gains)})
    return case


# --- 告知 ---------------------------------------------------------------------------------------------
def _outcome_choice(name: str, rule: str, chosen: bool | None) -> bool:
    label = {
        "warning": _("A warning"),
        "rectification": _("An order to rectify"),
        "confiscation": _("Confiscation of the illegal gains"),
        "revocation": _("Revocation of the licence"),
    }[name]
    if chosen is None:
        return rule == Applicability.MANDATORY
    if rule == Applicability.MANDATORY and not chosen:
        raise DomainError(
            _("%s is mandatory for this violation.") % label, field=name, code="outcome_mandatory"
        )
    if rule == Applicability.NEVER and chosen:
        raise DomainError(
            _("%s is not a legal outcome of this violation.") % label, field=name, code="outcome_not_allowed"
        )
    return bool(chosen)


@transaction.atomic
def case_notify(
    *,
    case: PenaltyCase,
    officer,
    fine_amount: Decimal,
    grounds: str,
    departure_reason: str = "",
    warning: bool | None = None,
    rectification: bool | None = None,
    confiscation: bool | None = None,
    revocation: bool | None = None,
    today: dt.date | None = None,
    expected_state=None,
) -> PenaltyCase:
    """行政处罚事先告知 (行政处罚法 arts. 44, 45, 63, 64): tell the party the intended penalty, its facts,
    grounds and rights, and start the periods in which it may state its case or ask for a hearing.

    The fine is measured against the recommendation of the tier snapshotted at filing. Another amount
    must stay inside the legal range and carries a written reason (supervisors review these departures).
    Outcomes the catalogue marks mandatory are imposed; those it marks unavailable are refused.
    """
    today = today or _today()
    case = _lock(case)
    _require_staff(officer, case)
    _check_state(case, expected_state)
    if case.state != State.INVESTIGATING:
        raise ConflictError(
            _("The party is told once the investigation is complete."), code="illegal_transition"
        )
    if not case.facts.strip():
        raise DomainError(
            _("Record the facts established before notifying the party."), code="facts_required"
        )
    if not case.evidence.filter(kind=Evidence.Kind.EVIDENCE).exists():
        raise DomainError(
            _("No evidence is on file: a penalty needs established facts and evidence (行政处罚法 art. 40)."),
            code="evidence_required",
        )
    grounds = _text(grounds, _("State the grounds of the intended penalty."), "grounds")
    if fine_amount is None:
        raise DomainError(_("Enter the fine."), field="fine_amount")
    fine_amount = Decimal(fine_amount).quantize(Decimal("0.01"))
    rec = case_recommendation(case)
    if not (rec.lower <= fine_amount <= rec.upper):
        raise DomainError(
            _("The fine must lie within the legal range of %(low)s to %(high)s yuan.")
            % {"low": f"{rec.lower:,.2f}", "high": f"{rec.upper:,.2f}"},
            field="fine_amount",
            code="amount_out_of_range",
        )
    departure_reason = (departure_reason or "").strip()
    if fine_amount != rec.amount and not departure_reason:
        raise DomainError(
            _("The fine departs from the recommended %(amount)s yuan: write the reason for the departure.")
            % {"amount": f"{rec.amount:,.2f}"},
            field="departure_reason",
            code="departure_reason_required",
        )
    if fine_amount == rec.amount:
        departure_reason = ""
    violation = case.violation
    warning = _outcome_choice("warning", violation.warning, warning)
    rectification = _outcome_choice("rectification", violation.rectification, rectification)
    confiscation = _outcome_choice("confiscation", violation.confiscation, confiscation)
    revocation = _outcome_choice("revocation", violation.revocation, revocation)
    if revocation:
        if case.licence is None:
            raise DomainError(
                _("Revocation needs the licence concerned: name it when filing the case."), field="revocation"
            )
        if case.licence.status not in (LicenceStatus.VALID, LicenceStatus.SUSPENDED):
            raise DomainError(
                _("The licence is %s already; it cannot be revoked.") % case.licence.get_status_display(),
                field="revocation",
            )
    gains = case.illegal_gains or Decimal(0)
    rule = procedure_rule(today)
    statement = calendar.add_working_days(today, rule.statement_working_days)
    hearing = calendar.add_working_days(today, rule.hearing_request_working_days)
    before = _snapshot(case)
    _run(case, "notify")
    case.policy_version = rec.policy_version
    case.fine_position = rec.position
    case.fine_lower, case.fine_upper = rec.lower, rec.upper
    case.recommended_fine = rec.amount
    case.recommendation_text = rec.reasoning
    case.fine_amount = fine_amount
    case.departure_reason = departure_reason
    case.warning, case.rectification, case.revoke_licence = warning, rectification, revocation
    case.confiscation_amount = gains if confiscation and gains > 0 else None
    case.reapply_bar_years = violation.reapply_bar_years
    case.tolerant_bar_years = violation.tolerant_bar_years
    case.commitment_bar_years = violation.commitment_bar_years
    case.grounds = grounds
    case.proposed_by = officer
    case.notified_on = today
    case.statement_due, case.hearing_request_due = statement.date, hearing.date
    case.deadlines_provisional = statement.provisional or hearing.provisional
    case.waived_at, case.waived_by, case.waiver_text = None, None, ""
    _save(
        case,
        officer,
        "notify",
        before,
        reason=grounds,
        extra={
            "recommended_fine": str(rec.amount),
            "position": rec.position,
            "departure_reason": departure_reason,
            "statement_due": statement.date.isoformat(),
            "hearing_request_due": hearing.date.isoformat(),
        },
    )
    notify_enterprise(
        case.enterprise,
        title=_("Notice of intended administrative penalty, case %s") % case.number,
        body=_("You may state your case until %(statement)s and request a hearing until %(hearing)s.")
        % {"statement": case.statement_due, "hearing": case.hearing_request_due},
        link=_party_link(case),
    )
    return case


def _party_window_open(case: PenaltyCase, due: dt.date | None, today: dt.date, what: str) -> None:
    if case.waived_at:
        raise DomainError(_("You have waived your right to state your case and to a hearing."), code="waived")
    if due is None or today > due:
        raise DomainError(
            _("The period to %(what)s ended on %(due)s.") % {"what": what, "due": due}, code="period_over"
        )


@transaction.atomic
def statement_submit(*, case: PenaltyCase, actor, text: str, today: dt.date | None = None) -> Statement:
    """陈述、申辩 (行政处罚法 art. 45) within the period; the agency must weigh it before deciding."""
    today = today or _today()
    case = _lock(case)
    _require_party(actor, case)
    text = _text(text, _("Write your statement."), "text")
    if case.state not in (State.NOTIFIED, State.HEARING_REQUESTED, State.HEARING_SCHEDULED):
        raise DomainError(_("Statements are taken between the notice and the decision."), code="wrong_state")
    _party_window_open(case, case.statement_due, today, _("state your case"))
    statement = Statement.objects.create(case=case, text=text, submitted_by=actor)
    audit_record(
        actor=actor,
        obj=case,
        action="penalty.statement",
        after={"statement": statement.pk},
        reason=text[:500],
    )
    notify_agency(
        case.agency,
        title=_("Statement received in case %s") % case.number,
        body=text[:500],
        link=_officer_link(case),
    )
    return statement


@transaction.atomic
def hearing_request(
    *, case: PenaltyCase, actor, today: dt.date | None = None, expected_state=None
) -> PenaltyCase:
    """听证 (行政处罚法 art. 64): the party asks within the period; the case waits for the hearing."""
    today = today or _today()
    case = _lock(case)
    _require_party(actor, case)
    _check_state(case, expected_state)
    if case.state != State.NOTIFIED:
        raise ConflictError(
            _("A hearing can be requested only after the notice, once."), code="illegal_transition"
        )
    _party_window_open(case, case.hearing_request_due, today, _("request a hearing"))
    before = _snapshot(case)
    _run(case, "request_hearing")
    case.hearing_requested_at = timezone.now()
    _save(case, actor, "hearing_request", before)
    notify_agency(
        case.agency, title=_("Hearing requested in case %s") % case.number, link=_officer_link(case)
    )
    return case


@transaction.atomic
def rights_waive(*, case: PenaltyCase, actor, text: str, expected_state=None) -> PenaltyCase:
    """The party waives in writing its rights to state its case and to a hearing; the decision may then
    be made before the periods end."""
    case = _lock(case)
    _require_party(actor, case)
    _check_state(case, expected_state)
    text = _text(text, _("Write the waiver in your own words."), "text")
    if case.state != State.NOTIFIED:
        raise DomainError(_("Rights can be waived only while the notice period runs."), code="wrong_state")
    if case.waived_at:
        raise DomainError(_("The rights have already been waived."), code="waived")
    before = _snapshot(case)
    case.waived_at, case.waived_by, case.waiver_text = timezone.now(), actor, text
    _save(case, actor, "waive", before, reason=text)
    notify_agency(
        case.agency, title=_("The party waived its rights in case %s") % case.number, link=_officer_link(case)
    )
    return case


# --- 听证 ---------------------------------------------------------------------------------------------
@transaction.atomic
def hearing_schedule(
    *, case: PenaltyCase, officer, at: dt.datetime, place: str, host, today: dt.date | None = None
) -> PenaltyCase:
    """Fix the hearing, told to the party at least `hearing_notice_days` before (行政处罚法 art. 64(2)),
    chaired by someone who did not investigate the case (art. 64(4))."""
    today = today or _today()
    case = _lock(case)
    _require_staff(officer, case)
    place = _text(place, _("Give the place of the hearing."), "place")
    if at is None:
        raise DomainError(_("Give the date and time of the hearing."), field="at")
    rule = procedure_rule(today)
    earliest = today + dt.timedelta(days=rule.hearing_notice_days)
    if timezone.localtime(at).date() < earliest:
        raise DomainError(
            _("The party must be told %(days)d days ahead: the hearing can be on %(date)s at the earliest.")
            % {"days": rule.hearing_notice_days, "date": earliest},
            field="at",
            code="notice_too_short",
        )
    if host is None or host.role not in STAFF_ROLES or host.agency_id != case.agency_id:
        raise DomainError(_("The hearing is chaired by an officer or approver of the agency."), field="host")
    if host.pk in investigator_ids(case):
        raise DomainError(
            _("The hearing must be chaired by someone who did not investigate the case."),
            field="host",
            code="host_investigated",
        )
    before = _snapshot(case)
    _run(case, "schedule_hearing")
    case.hearing_at, case.hearing_place, case.hearing_host = at, place, host
    _save(
        case,
        officer,
        "hearing_schedule",
        before,
        extra={"at": at.isoformat(), "place": place, "host": host.pk},
    )
    notify_enterprise(
        case.enterprise,
        title=_("Hearing in case %s") % case.number,
        body=_("The hearing will be held on %(at)s at %(place)s.")
        % {"at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"), "place": place},
        link=_party_link(case),
    )
    return case


@transaction.atomic
def hearing_record(
    *, case: PenaltyCase, officer, record: str, party_attended: bool, today: dt.date | None = None
) -> PenaltyCase:
    """The hearing record (听证笔录). A party that does not attend without good reason has given up the
    hearing (art. 65): record that, and the case proceeds to the decision."""
    today = today or _today()
    case = _lock(case)
    _require_staff(officer, case)
    record = _text(record, _("Write the hearing record."), "record")
    if case.state != State.HEARING_SCHEDULED:
        raise ConflictError(_("No hearing is scheduled in this case."), code="illegal_transition")
    if case.hearing_at and today < timezone.localtime(case.hearing_at).date():
        raise DomainError(_("The hearing has not taken place yet."), code="hearing_not_yet")
    before = _snapshot(case)
    _run(case, "hold_hearing")
    case.hearing_held_on, case.hearing_record, case.party_attended = today, record, bool(party_attended)
    _save(
        case,
        officer,
        "hearing_record",
        before,
        reason=record[:500],
        extra={"party_attended": bool(party_attended)},
    )
    return case


# --- 决定 ---------------------------------------------------------------------------------------------
def _check_party_heard(case: PenaltyCase, today: dt.date) -> None:
    """No decision while the party may still state its case or ask for a hearing, unless it waived both
    in writing (行政处罚法 arts. 44, 45, 62)."""
    if case.state == State.HEARING_HELD or case.waived_at:
        return
    last = max(case.statement_due, case.hearing_request_due)
    if today <= last:
        raise DomainError(
            _(
                "The party may state its case or request a hearing until %(date)s; decide after that date, "
                "or once the party has waived its rights in writing."
            )
            % {"date": last},
            code="period_running",
        )


@transaction.atomic
def case_decide(
    *, case: PenaltyCase, approver, reason: str, today: dt.date | None = None, expected_state=None
) -> PenaltyCase:
    """The approver's decision on the notified penalty, with all its effects in this one transaction:
    the decision number, the credit record (and the tier recomputed), the licence revoked where the
    outcome includes it, the bars, publication, and the party told."""
    today = today or _today()
    case = _lock(case)
    _require_decider(approver, case)
    _check_state(case, expected_state)
    if case.state not in (State.NOTIFIED, State.HEARING_HELD):
        raise ConflictError(
            _("This case is not awaiting a decision (it is “%(state)s”).")
            % {"state": case.get_state_display()},
            code="illegal_transition",
        )
    _check_party_heard(case, today)
    reason = (reason or "").strip()
    if (case.statements.exists() or case.hearing_held_on) and not reason:
        raise DomainError(
            _("Say how the party's statements and the hearing were weighed."),
            field="reason",
            code="reason_required",
        )
    before = _snapshot(case)
    _run(case, "decide")
    rule = procedure_rule(today)
    violation = case.violation
    year_seq = next_value(f"penalty_decision:{case.agency.code}:{today.year}")
    case.decision_number = f"{case.agency.short_name or case.agency.name}罚字〔{today.year}〕{year_seq}号"
    case.outcome = Outcome.PENALTY
    case.decided_on, case.decided_by = today, approver
    case.decision_reason = reason or case.grounds
    if case.total_amount:
        case.payment_due = today + dt.timedelta(days=rule.payment_days)
    publish_until = add_months(today, rule.publish_months(violation.credit_grade)) - dt.timedelta(days=1)
    case.credit_record = credit_record_create(
        enterprise=case.enterprise,
        category="penalty",
        grade=violation.credit_grade,
        title=f"行政处罚：{violation.title}",
        description=f"{case.decision_number}（{case.agency.name}）",
        occurred_on=today,
        source="penalty",
        source_ref=f"case-{case.pk}",
        published=True,
        publish_until=publish_until,
        counts_until=publish_until,
        actor=approver,
    )
    if case.revoke_licence:
        from licensing.services import licence_revoke

        licence_revoke(
            licence=case.licence,
            actor=approver,
            reason=f"行政处罚决定{case.decision_number}：{violation.title}",
            source=f"penalty:{case.number}",
        )
    for mode, years, lifted in (
        (Bar.Mode.APPLICATION, case.reapply_bar_years, False),
        (Bar.Mode.TOLERANT, case.tolerant_bar_years, True),
        (Bar.Mode.COMMITMENT, case.commitment_bar_years, True),
    ):
        if years:
            Bar.objects.create(
                enterprise=case.enterprise,
                case=case,
                mode=mode,
                starts_on=today,
                ends_on=add_years(today, years) - dt.timedelta(days=1),
                lifted_by_repair=lifted,
            )
    _save(
        case,
        approver,
        "decide",
        before,
        reason=case.decision_reason,
        extra={
            "decision_number": case.decision_number,
            "credit_record": case.credit_record_id,
            "licence_revoked": case.licence_id if case.revoke_licence else None,
            "publish_until": publish_until.isoformat(),
        },
    )
    notify_enterprise(
        case.enterprise,
        title=_("Administrative penalty decision %s") % case.decision_number,
        body=_("Case %(case)s has been decided. Amount payable: %(amount)s yuan.")
        % {"case": case.number, "amount": f"{case.total_amount:,.2f}"},
        link=_party_link(case),
    )
    from penalties import letters

    letters.decision_letter(case, approver)
    return case


@transaction.atomic
def case_return(*, case: PenaltyCase, approver, reason: str, expected_state=None) -> PenaltyCase:
    """The approver sends the case back for more investigation; a new notice must follow."""
    case = _lock(case)
    _require_decider(approver, case)
    _check_state(case, expected_state)
    reason = _text(reason, _("Say what must be investigated further."), "reason")
    before = _snapshot(case)
    _run(case, "return_to_investigation")
    case.notified_on = case.statement_due = case.hearing_request_due = None
    case.waived_at, case.waived_by, case.waiver_text = None, None, ""
    case.hearing_requested_at = case.hearing_at = case.hearing_held_on = None
    case.hearing_place, case.hearing_record, case.hearing_host, case.party_attended = "", "", None, None
    _save(case, approver, "return", before, reason=reason)
    return case


@transaction.atomic
def case_dismiss(
    *, case: PenaltyCase, approver, reason: str, today: dt.date | None = None, expected_state=None
):
    """不予行政处罚 / 撤销立案: the facts do not hold or the law does not call for a penalty."""
    today = today or _today()
    case = _lock(case)
    _require_decider(approver, case)
    _check_state(case, expected_state)
    reason = _text(reason, _("Give the reasons for not imposing a penalty."), "reason")
    before = _snapshot(case)
    _run(case, "dismiss")
    case.outcome = Outcome.NO_PENALTY
    case.decided_on, case.decided_by, case.decision_reason = today, approver, reason
    case.closed_on, case.closing_note = today, reason
    _save(case, approver, "dismiss", before, reason=reason)
    if case.notified_on:
        notify_enterprise(
            case.enterprise,
            title=_("No penalty in case %s") % case.number,
            body=reason,
            link=_party_link(case),
        )
    return case


# --- 执行, 结案 ----------------------------------------------------------------------------------------
@transaction.atomic
def execution_record(
    *,
    case: PenaltyCase,
    officer,
    note: str,
    fine_paid_on: dt.date | None = None,
    today: dt.date | None = None,
    expected_state=None,
) -> PenaltyCase:
    """The decision has been carried out: the fine and confiscated gains paid (the licence was revoked
    with the decision itself)."""
    today = today or _today()
    case = _lock(case)
    _require_staff(officer, case)
    _check_state(case, expected_state)
    note = _text(note, _("Describe how the decision was executed."), "note")
    if case.total_amount:
        if fine_paid_on is None:
            raise DomainError(_("Give the date the amount was paid."), field="fine_paid_on")
        if fine_paid_on > today or fine_paid_on < case.decided_on:
            raise DomainError(
                _("The payment date must lie between the decision and today."), field="fine_paid_on"
            )
    before = _snapshot(case)
    _run(case, "record_execution")
    case.executed_on, case.fine_paid_on, case.execution_note = today, fine_paid_on, note
    _save(case, officer, "execute", before, reason=note)
    return case


@transaction.atomic
def case_close(*, case: PenaltyCase, officer, note: str, today: dt.date | None = None, expected_state=None):
    """结案 with the closing report."""
    today = today or _today()
    case = _lock(case)
    _require_staff(officer, case)
    _check_state(case, expected_state)
    note = _text(note, _("Write the closing report."), "note")
    before = _snapshot(case)
    _run(case, "close")
    case.closed_on, case.closing_note = today, note
    _save(case, officer, "close", before, reason=note)
    return case


# --- supervisors' review of departures -----------------------------------------------------------
@transaction.atomic
def departure_review(*, case: PenaltyCase, supervisor, note: str) -> PenaltyCase:
    case = _lock(case)
    if getattr(supervisor, "role", None) != "supervisor" or not (
        supervisor.agency_id == case.agency_id or supervisor.is_national_supervisor
    ):
        raise ForbiddenError(_("Only a supervisor of the agency reviews departures."))
    note = _text(note, _("Write your review."), "note")
    if not case.is_departure:
        raise DomainError(_("This case follows the recommendation; there is no departure to review."))
    before = _snapshot(case)
    case.departure_reviewed_by, case.departure_reviewed_at, case.departure_review_note = (
        supervisor,
        timezone.now(),
        note,
    )
    _save(case, supervisor, "departure_review", before, reason=note)
    return case


# --- the calendar changed --------------------------------------------------------------------------
def recompute_provisional_deadlines(years: set[int]) -> int:
    """After an official schedule is loaded, recount the party's periods counted on a provisional calendar."""
    count = 0
    ids = PenaltyCase.objects.filter(deadlines_provisional=True, state=State.NOTIFIED).values_list(
        "pk", flat=True
    )
    for pk in list(ids):
        with transaction.atomic():
            case = _lock(pk)
            if not case.deadlines_provisional or case.notified_on is None:
                continue
            rule = procedure_rule(case.notified_on)
            before = _snapshot(case) | {
                "statement_due": str(case.statement_due),
                "hearing_request_due": str(case.hearing_request_due),
            }
            statement = calendar.add_working_days(case.notified_on, rule.statement_working_days)
            hearing = calendar.add_working_days(case.notified_on, rule.hearing_request_working_days)
            case.statement_due, case.hearing_request_due = statement.date, hearing.date
            case.deadlines_provisional = statement.provisional or hearing.provisional
            _save(
                case,
                "system",
                "deadlines_recomputed",
                before,
                reason="official calendar loaded",
                extra={"years": sorted(years)},
            )
            count += 1
    return count
