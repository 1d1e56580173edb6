"""Writes of supervision: rectification orders (shared by scans, commitment checks and inspections),
the officer's actions on scan warnings, commitment checks and their consequences. The scan itself
(opening and closing warnings in batches) is in supervision/scan.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.audit import audit_record
from core.exceptions import ConflictError, DomainError, ForbiddenError
from core.notify import notify_enterprise, notify_users
from core.sequences import next_value
from licensing.dates import add_months
from licensing.models import Application, Licence, LicenceStatus, Mode, ObtainedVia
from licensing.models import State as ApplicationState
from supervision.models import (
    INTERNAL_TYPES,
    RECTIFIABLE_TYPES,
    CommitmentCheck,
    LicenceWarning,
    OrderEvidence,
    RectificationOrder,
)

COMMITMENT_CHECK_MONTHS = 6  # seed 000 一(三): 作出准予许可决定后6个月内全覆盖核查
COMMITMENT_DUE_SOON_DAYS = 30
MAX_EVIDENCE_FILES = 10
ALLOWED_UPLOADS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _require_officer_of(actor, agency) -> None:
    if actor.role not in ("officer", "approver") or actor.agency_id != agency.pk:
        raise ForbiddenError(_("Only an officer of %s may do this.") % agency.name)


def _today() -> dt.date:
    return timezone.localdate()


# --- rectification orders (责令整改) -------------------------------------------------------------


@transaction.atomic
def rectification_order_create(
    *,
    enterprise,
    officer,
    findings: str,
    deadline: dt.date,
    source: str,
    source_id: str = "",
    licence=None,
) -> RectificationOrder:
    """责令整改 with a deadline. Idempotent per (source, source_id): the same finding never gets two orders."""
    _require_officer_of(officer, enterprise.agency)
    if not (findings or "").strip():
        raise DomainError(_("State what must be rectified."), field="findings")
    today = _today()
    if deadline is None or deadline <= today:
        raise DomainError(_("The deadline must be after today."), field="deadline")
    if source not in RectificationOrder.Source.values:
        raise DomainError(_("Unknown source."), field="source")
    if licence is not None and licence.enterprise_id != enterprise.pk:
        raise DomainError(_("The licence is not held by this enterprise."), field="licence")
    if source_id:
        existing = RectificationOrder.objects.filter(source=source, source_id=str(source_id)).first()
        if existing is not None:
            return existing
    seq = next_value(f"rectification:{enterprise.agency.code}:{today.year}")
    order = RectificationOrder.objects.create(
        number=f"{enterprise.agency.code}-ZG-{today.year}-{seq:05d}",
        enterprise=enterprise,
        agency=enterprise.agency,
        licence=licence,
        source=source,
        source_id=str(source_id),
        findings=findings.strip(),
        deadline=deadline,
        issued_by=officer,
        issued_on=today,
    )
    audit_record(
        actor=officer,
        obj=order,
        action="rectification.issue",
        after={"deadline": deadline.isoformat(), "source": source, "source_id": str(source_id)},
    )
    notify_enterprise(
        enterprise,
        title=_("Rectification order %s") % order.number,
        body=_("Rectify by %(date)s: %(findings)s") % {"date": deadline, "findings": order.findings},
        link=order_link(order),
    )
    from supervision import letters

    letters.order_letter(order, officer)
    return order


def order_link(order: RectificationOrder) -> str:
    return f"/supervision/orders/{order.pk}/"


def _lock(order) -> RectificationOrder:
    return (
        RectificationOrder.objects.select_for_update(of=("self",))
        .select_related("enterprise", "agency", "licence")
        .get(pk=order.pk)
    )


def _step(obj, name: str) -> None:
    if not can_proceed(getattr(obj, name)):
        label = obj.get_state_display() if hasattr(obj, "get_state_display") else obj.get_status_display()
        raise ConflictError(_("Not possible while it is “%s”.") % label, code="illegal_transition")
    getattr(obj, name)()


def _inspect_upload(upload) -> tuple[str, str]:
    """(mime, sha256) of an upload checked by its content, never its name (as licensing.material_add)."""
    import filetype

    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("The file is larger than %d MB.") % (settings.UPLOAD_MAX_BYTES // (1024 * 1024)), field="files"
        )
    if upload.size == 0:
        raise DomainError(_("The file is empty."), field="files")
    head = upload.read(8192)
    upload.seek(0)
    guessed = filetype.guess(head)
    mime = guessed.mime if guessed else ""
    if mime not in ALLOWED_UPLOADS:
        raise DomainError(
            _("Only PDF, JPEG and PNG files are accepted; %s is not one.") % (upload.name or "file"),
            field="files",
            code="bad_file_type",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return mime, digest.hexdigest()


def rectification_answer(*, order: RectificationOrder, actor, answer: str, uploads=()) -> RectificationOrder:
    """The enterprise answers with what it rectified and its evidence (PDF / JPEG / PNG)."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_EVIDENCE_FILES:
        raise DomainError(_("Attach at most %d files.") % MAX_EVIDENCE_FILES, field="files")
    checked = [
        (upload, *_inspect_upload(upload)) for upload in uploads
    ]  # every file before anything is saved
    with transaction.atomic():
        order = _lock(order)
        if actor.role != "enterprise" or actor.enterprise_id != order.enterprise_id:
            raise ForbiddenError(_("Only the enterprise concerned may answer."))
        if not (answer or "").strip():
            raise DomainError(_("Describe what was rectified."), field="answer")
        _step(order, "record_answer")
        order.answer, order.answered_on = answer.strip(), _today()
        order.save()
        for upload, mime, digest in checked:
            evidence = OrderEvidence(
                order=order,
                original_name=(upload.name or "file").replace("/", "_").replace("\\", "_")[-150:],
                content_type=mime,
                size=upload.size,
                sha256=digest,
                uploaded_by=actor,
            )
            evidence.file.save(f"{uuid.uuid4().hex}.{ALLOWED_UPLOADS[mime]}", upload, save=False)
            evidence.save()
        audit_record(
            actor=actor,
            obj=order,
            action="rectification.answer",
            after={"state": order.state, "evidence": [digest for _u, _m, digest in checked]},
        )
        notify_users(
            [order.issued_by],
            title=_("Rectification order %s answered") % order.number,
            body=order.answer,
            link=order_link(order),
        )
    return order


@transaction.atomic
def rectification_verify(
    *, order: RectificationOrder, officer, accepted: bool, note: str
) -> RectificationOrder:
    order = _lock(order)
    _require_officer_of(officer, order.agency)
    if not (note or "").strip():
        raise DomainError(_("Record how the rectification was verified."), field="note")
    before = order.state
    _step(order, "resolve" if accepted else "reject_answer")
    order.verification_note = note.strip()
    if accepted:
        order.closed_on = _today()
    order.save()
    audit_record(
        actor=officer,
        obj=order,
        action="rectification.verify",
        before={"state": before},
        after={"state": order.state},
        reason=note,
    )
    if accepted:
        for check in CommitmentCheck.objects.select_for_update().filter(
            order=order, state=CommitmentCheck.State.RECTIFYING
        ):
            _check_step(check, "rectified", officer, note)
        if order.licence_id and order.source == RectificationOrder.Source.SCAN_WARNING:
            from supervision.scan import licence_conditions_recheck

            # The scan decides whether the warning is gone: the roster data must show it too.
            licence_conditions_recheck(order.licence)
    notify_enterprise(
        order.enterprise,
        title=(
            _("Rectification order %s: rectification accepted")
            if accepted
            else _("Rectification order %s: answer not accepted")
        )
        % order.number,
        body=note.strip(),
        link=order_link(order),
    )
    return order


@transaction.atomic
def rectification_escalate_overdue(order_id: int, today: dt.date | None = None) -> bool:
    """Past the deadline without a verified rectification → escalated (a candidate for revocation). Idempotent."""
    today = today or _today()
    order = (
        RectificationOrder.objects.select_for_update(of=("self",))
        .select_related("enterprise", "agency")
        .get(pk=order_id)
    )
    if (
        order.state not in (RectificationOrder.State.ISSUED, RectificationOrder.State.ANSWERED)
        or order.deadline >= today
    ):
        return False
    before = order.state
    order.escalate()
    order.escalation_reason = _("Not rectified by %s.") % order.deadline
    order.save()
    audit_record(
        actor="system",
        obj=order,
        action="rectification.escalate",
        before={"state": before},
        after={"state": order.state},
        reason=order.escalation_reason,
    )
    for warning in LicenceWarning.objects.select_for_update().filter(
        order=order, status=LicenceWarning.Status.RECTIFYING
    ):
        warning.escalate()
        warning.save()
        audit_record(actor="system", obj=warning, action="warning.escalate", reason=order.escalation_reason)
    for check in CommitmentCheck.objects.select_for_update().filter(
        order=order, state=CommitmentCheck.State.RECTIFYING
    ):
        _check_step(check, "rectification_unmet", "system", order.escalation_reason)
    notify_enterprise(
        order.enterprise,
        title=_("Rectification order %s is overdue") % order.number,
        body=_("The deadline %s has passed without a verified rectification; the licence may be revoked.")
        % order.deadline,
        link=order_link(order),
    )
    notify_users(
        [order.issued_by],
        title=_("Rectification order %s escalated") % order.number,
        body=order.escalation_reason,
        link=order_link(order),
    )
    return True


@transaction.atomic
def rectification_revoke_licence(*, order: RectificationOrder, officer, reason: str) -> RectificationOrder:
    """整改逾期未完成 → 撤销许可: the officer revokes the licence of an escalated order, with a reason."""
    from licensing.services import licence_revoke

    order = _lock(order)
    _require_officer_of(officer, order.agency)
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for revoking the licence."), field="reason")
    if order.state != RectificationOrder.State.ESCALATED:
        raise ConflictError(
            _("Only an order whose rectification was not met can lead to revocation."), code="not_escalated"
        )
    if order.licence is None:
        raise DomainError(_("The order does not concern a licence."), code="no_licence")
    if order.licence_revoked_on:
        raise ConflictError(_("The licence was already revoked."), code="already_revoked")
    licence_revoke(
        licence=order.licence, actor=officer, reason=reason.strip(), source=f"rectification:{order.number}"
    )
    order.licence_revoked_on = _today()
    order.save()
    audit_record(actor=officer, obj=order, action="rectification.revoke_licence", reason=reason)
    for check in CommitmentCheck.objects.select_for_update().filter(
        order=order, state=CommitmentCheck.State.UNMET
    ):
        _check_step(check, "licence_revoked", officer, reason)
    _close_warnings_of(order.licence, _("Licence revoked: %s") % reason.strip())
    notify_enterprise(
        order.enterprise,
        title=_("Licence %s revoked") % order.licence.number,
        body=reason.strip(),
        link=order_link(order),
    )
    return order


def _close_warnings_of(licence, resolution: str) -> int:
    return LicenceWarning.objects.filter(licence=licence, status__in=LicenceWarning.ACTIVE).update(
        status=LicenceWarning.Status.RESOLVED, closed_on=_today(), resolution=resolution
    )


# --- scan warnings: the officer's follow-up ------------------------------------------------------


def warning_link(warning: LicenceWarning) -> str:
    return f"/supervision/warnings/{warning.pk}/"


@transaction.atomic
def warning_order_rectification(
    *, warning: LicenceWarning, officer, deadline: dt.date, findings: str = ""
) -> RectificationOrder:
    """The owner (or any officer of the agency) orders the holder to rectify what the scan found."""
    warning = (
        LicenceWarning.objects.select_for_update(of=("self",))
        .select_related("licence", "enterprise__agency", "agency")
        .get(pk=warning.pk)
    )
    _require_officer_of(officer, warning.agency)
    if warning.type not in RECTIFIABLE_TYPES:
        raise DomainError(
            _("This warning is a reminder; it cannot be turned into a rectification order."),
            code="not_rectifiable",
        )
    before = warning.status
    _step(warning, "order_rectification")
    order = rectification_order_create(
        enterprise=warning.enterprise,
        officer=officer,
        findings=(findings or "").strip() or warning.evidence,
        deadline=deadline,
        source=RectificationOrder.Source.SCAN_WARNING,
        source_id=f"warning-{warning.pk}",
        licence=warning.licence,
    )
    warning.order = order
    warning.save()
    audit_record(
        actor=officer,
        obj=warning,
        action="warning.order_rectification",
        before={"status": before},
        after={"status": warning.status, "order": order.number},
    )
    return order


def warnings_notify(warning_ids) -> int:
    """Tell the enterprises (and the owner officers) about new warnings. Idempotent: each warning is
    claimed open → notified under a row lock, so a retried or duplicated task tells nobody twice."""
    with transaction.atomic():
        warnings = list(
            LicenceWarning.objects.select_for_update(of=("self",))
            .filter(pk__in=list(warning_ids), status=LicenceWarning.Status.OPEN)
            .select_related("licence", "enterprise", "owner")
            .order_by("enterprise_id", "pk")
        )
        if not warnings:
            return 0
        by_enterprise: dict[int, list[LicenceWarning]] = defaultdict(list)
        by_owner: dict[int, list[LicenceWarning]] = defaultdict(list)
        for warning in warnings:
            if warning.type not in INTERNAL_TYPES:
                by_enterprise[warning.enterprise_id].append(warning)
            if warning.owner is not None:
                by_owner[warning.owner_id].append(warning)
        for items in by_enterprise.values():
            enterprise = items[0].enterprise
            notify_enterprise(
                enterprise,
                title=_("Licence-condition warnings: %d") % len(items),
                body="\n".join(f"{w.licence.number} · {w.get_type_display()}: {w.evidence}" for w in items),
                link="/supervision/mine/",
            )
        for items in by_owner.values():
            notify_users(
                [items[0].owner],
                title=_("New licence-condition warnings assigned to you: %d") % len(items),
                body="\n".join(
                    f"{w.enterprise.name} · {w.licence.number} · {w.get_type_display()}" for w in items
                ),
                link="/supervision/warnings/?owner=me",
            )
        ids = [w.pk for w in warnings]
        LicenceWarning.objects.filter(pk__in=ids, status=LicenceWarning.Status.OPEN).update(
            status=LicenceWarning.Status.NOTIFIED, notified_at=timezone.now()
        )
        audit_record(
            actor="system", obj=("supervision.licencewarning", "batch"), action="warning.notify", after=ids
        )
    return len(ids)


def warnings_notify_pending(limit: int = 5000) -> int:
    """The sweep behind the scan's after-commit notification (a broker outage must lose nothing)."""
    ids = list(
        LicenceWarning.objects.filter(status=LicenceWarning.Status.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(warnings_notify(ids[i : i + 500]) for i in range(0, len(ids), 500))


# --- commitment checks (告知承诺 全覆盖核查) --------------------------------------------------------


def check_link(check: CommitmentCheck) -> str:
    return f"/supervision/checks/{check.pk}/"


def commitment_decision_of(licence: Licence) -> tuple[dt.date, dt.date]:
    """(decided on, check due by) of the licence's latest commitment decision. The due date is the one
    licensing stored at approval (`post_check_due`), else six calendar months after the decision
    (31 August → 28 February: the month's last day when the day does not exist)."""
    decided = (
        Application.objects.filter(
            licence=licence, mode=Mode.COMMITMENT, state=ApplicationState.APPROVED, decided_on__isnull=False
        )
        .order_by("-decided_on", "-pk")
        .values_list("decided_on", flat=True)
        .first()
    )
    decided = decided or licence.issued_on
    return decided, licence.post_check_due or add_months(decided, COMMITMENT_CHECK_MONTHS)


def commitment_check_ensure(licence: Licence) -> CommitmentCheck | None:
    """The post-approval check of a licence granted under 告知承诺 (None for other licences). Idempotent:
    one check per commitment decision; licensing may call it at approval, the daily task catches the rest."""
    return _commitment_check_ensure(licence)[0]


def _commitment_check_ensure(licence: Licence) -> tuple[CommitmentCheck | None, bool]:
    if licence.obtained_via != ObtainedVia.COMMITMENT:
        return None, False
    decided_on, due_on = commitment_decision_of(licence)
    existing = CommitmentCheck.objects.filter(licence=licence, decided_on=decided_on).first()
    if existing is not None:
        return existing, False
    from supervision.scan import owners_for

    try:
        with transaction.atomic():
            check = CommitmentCheck.objects.create(
                licence=licence,
                enterprise_id=licence.enterprise_id,
                agency_id=licence.agency_id,
                decided_on=decided_on,
                due_on=due_on,
                owner_id=owners_for({licence.pk: licence.agency_id}).get(licence.pk),
            )
            audit_record(
                actor="system",
                obj=check,
                action="commitment_check.create",
                after={"decided_on": decided_on.isoformat(), "due_on": due_on.isoformat()},
            )
            notify_enterprise(
                licence.enterprise,
                title=_("Post-approval check of your commitment for %s") % licence.number,
                body=_(
                    "The licence was granted under notification-commitment on %(decided)s; the agency will "
                    "check the commitment against reality by %(due)s."
                )
                % {"decided": decided_on, "due": due_on},
                link="/supervision/mine/",
            )
            if check.owner is not None:
                notify_users(
                    [check.owner],
                    title=_("Commitment check assigned to you: %s") % licence.number,
                    body=_("Due by %s.") % due_on,
                    link=check_link(check),
                )
    except IntegrityError:  # ensured concurrently by licensing and the daily task
        return CommitmentCheck.objects.get(licence=licence, decided_on=decided_on), False
    return check, True


def commitment_checks_ensure_all() -> int:
    """Every licence under 告知承诺 whose current decision has no check yet gets one. Returns how many."""
    missing = (
        Licence.objects.alias(
            has_current=Exists(
                CommitmentCheck.objects.filter(licence=OuterRef("pk"), due_on=OuterRef("post_check_due"))
            ),
            has_any=Exists(CommitmentCheck.objects.filter(licence=OuterRef("pk"))),
        )
        .filter(
            obtained_via=ObtainedVia.COMMITMENT, status__in=[LicenceStatus.VALID, LicenceStatus.SUSPENDED]
        )
        .filter(
            Q(post_check_due__isnull=False, has_current=False) | Q(post_check_due__isnull=True, has_any=False)
        )
        .select_related("enterprise")
        .order_by("pk")
    )
    return sum(_commitment_check_ensure(licence)[1] for licence in missing.iterator(chunk_size=500))


def commitment_checks_remind(today: dt.date | None = None) -> dict:
    """Tell the officer in charge once when a check enters its last 30 days and once when it is overdue;
    the claim is a conditional UPDATE, so a second run sends nothing."""
    today = today or _today()
    sent = {"due_soon": 0, "overdue": 0}
    soon = CommitmentCheck.objects.filter(
        state=CommitmentCheck.State.DUE,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=COMMITMENT_DUE_SOON_DAYS),
        due_soon_notified_on__isnull=True,
    )
    overdue = CommitmentCheck.objects.filter(
        state=CommitmentCheck.State.DUE, due_on__lt=today, overdue_notified_on__isnull=True
    )
    for kind, queryset, stamp in (
        ("due_soon", soon, "due_soon_notified_on"),
        ("overdue", overdue, "overdue_notified_on"),
    ):
        for check in queryset.select_related("licence", "enterprise", "owner", "agency").order_by("pk"):
            with transaction.atomic():
                if not CommitmentCheck.objects.filter(pk=check.pk, **{f"{stamp}__isnull": True}).update(
                    **{stamp: today}
                ):
                    continue
                title = (
                    _("Commitment check due by %(date)s: %(licence)s")
                    if kind == "due_soon"
                    else _("Commitment check overdue since %(date)s: %(licence)s")
                ) % {"date": check.due_on, "licence": check.licence.number}
                body = check.enterprise.name
                if check.owner is not None:
                    notify_users([check.owner], title=title, body=body, link=check_link(check))
                else:
                    from core.notify import notify_agency

                    notify_agency(
                        check.agency, roles=("officer",), title=title, body=body, link=check_link(check)
                    )
                sent[kind] += 1
    return sent


def _check_step(check: CommitmentCheck, name: str, actor, reason: str = "") -> None:
    before = check.state
    _step(check, name)
    check.save()
    audit_record(
        actor=actor,
        obj=check,
        action=f"commitment_check.{name}",
        before={"state": before},
        after={"state": check.state},
        reason=reason or "",
    )


def _clean_comparison(rows) -> list[dict]:
    cleaned = []
    for row in rows or []:
        item = str(row.get("item", "")).strip()
        if not item:
            continue
        cleaned.append(
            {
                "item": item[:200],
                "committed": str(row.get("committed", "")).strip()[:200],
                "found": str(row.get("found", "")).strip()[:200],
                "matches": bool(row.get("matches")),
            }
        )
    if not cleaned:
        raise DomainError(_("Compare at least one committed item with what was found."), field="comparison")
    return cleaned


@transaction.atomic
def commitment_check_record(
    *,
    check: CommitmentCheck,
    officer,
    method: str,
    comparison: list[dict],
    outcome: str,
    note: str = "",
    deadline: dt.date | None = None,
) -> CommitmentCheck:
    """Record the check and carry out its outcome in the same transaction:

    - consistent: every item matches; closed;
    - inconsistent: a rectification order with a deadline (unmet → escalated → revocation);
    - false commitment: the licence is revoked, a penalty case is proposed and a severe dishonest
      credit record is created (seed 002: 提交虚假承诺的……依法撤销许可并给予行政处罚).
    """
    check = (
        CommitmentCheck.objects.select_for_update(of=("self",))
        .select_related("licence", "enterprise__agency", "agency")
        .get(pk=check.pk)
    )
    _require_officer_of(officer, check.agency)
    if check.state != CommitmentCheck.State.DUE:
        raise ConflictError(_("This check has already been recorded."), code="already_recorded")
    if method not in CommitmentCheck.Method.values:
        raise DomainError(_("Choose how the check was done."), field="method")
    if outcome not in CommitmentCheck.Outcome.values:
        raise DomainError(_("Choose the outcome."), field="outcome")
    rows = _clean_comparison(comparison)
    mismatched = [r for r in rows if not r["matches"]]
    note = (note or "").strip()
    today = _today()
    if outcome == CommitmentCheck.Outcome.CONSISTENT and mismatched:
        raise DomainError(
            _("Items do not match the commitment (%s); the outcome cannot be “consistent”.")
            % _(", ").join(r["item"] for r in mismatched),
            field="outcome",
        )
    if outcome != CommitmentCheck.Outcome.CONSISTENT and not mismatched:
        raise DomainError(_("Mark the items that do not match the commitment."), field="comparison")
    if outcome == CommitmentCheck.Outcome.FALSE_COMMITMENT and not note:
        raise DomainError(_("Describe what was falsely committed."), field="note")

    check.method, check.comparison, check.outcome, check.note = method, rows, outcome, note
    check.checked_on, check.checked_by = today, officer
    context = {"outcome": outcome, "method": method, "mismatched": [r["item"] for r in mismatched]}

    if outcome == CommitmentCheck.Outcome.CONSISTENT:
        _check_step(check, "record_consistent", officer, note)
    elif outcome == CommitmentCheck.Outcome.INCONSISTENT:
        findings = _("The post-approval check found the commitment not met: %s") % _("; ").join(
            _("%(item)s committed %(committed)s, found %(found)s")
            % {"item": r["item"], "committed": r["committed"] or "—", "found": r["found"] or "—"}
            for r in mismatched
        )
        if note:
            findings += "\n" + note
        check.order = rectification_order_create(
            enterprise=check.enterprise,
            officer=officer,
            findings=findings,
            deadline=deadline,
            source=RectificationOrder.Source.COMMITMENT_CHECK,
            source_id=f"check-{check.pk}",
            licence=check.licence,
        )
        _check_step(check, "record_inconsistent", officer, note)
        context["order"] = check.order.number
    else:
        from credit.services import credit_record_create
        from licensing.services import licence_revoke

        reason = _("False commitment found by the post-approval check: %s") % note
        if check.licence.status in (LicenceStatus.VALID, LicenceStatus.SUSPENDED):
            licence_revoke(
                licence=check.licence, actor=officer, reason=reason, source=f"commitment_check:{check.pk}"
            )
        check.penalty_referral, check.penalty_referral_reason = True, reason
        check.credit_record = credit_record_create(
            enterprise=check.enterprise,
            category="dishonest",
            grade="severe",
            title=_("False notification-commitment for licence %s") % check.licence.number,
            description=note,
            occurred_on=today,
            source="commitment_check",
            source_ref=f"check-{check.pk}",
            actor=officer,
        )
        _check_step(check, "licence_revoked", officer, reason)
        _close_warnings_of(check.licence, reason)
        context["credit_record"] = check.credit_record.pk
    audit_record(actor=officer, obj=check, action="commitment_check.record", after=context, reason=note)
    notify_enterprise(
        check.enterprise,
        title=_("Result of the commitment check for %s") % check.licence.number,
        body=_("Outcome: %(outcome)s. %(note)s") % {"outcome": check.get_outcome_display(), "note": note},
        link=order_link(check.order) if check.order_id else "/supervision/mine/",
    )
    return check


@transaction.atomic
def commitment_check_link_penalty_case(*, check: CommitmentCheck, case_ref: str, actor) -> CommitmentCheck:
    """For the penalties app: note the case opened on a referred check (one case per check)."""
    check = CommitmentCheck.objects.select_for_update().get(pk=check.pk)
    if not check.penalty_referral:
        raise DomainError(_("This check was not referred for a penalty case."), code="not_referred")
    if check.penalty_case_ref and check.penalty_case_ref != case_ref:
        raise ConflictError(_("A penalty case is already linked to this check."), code="already_linked")
    check.penalty_case_ref = case_ref[:40]
    check.save(update_fields=["penalty_case_ref"])
    audit_record(actor=actor, obj=check, action="commitment_check.penalty_case", after={"case": case_ref})
    return check
