"""Every write of licensing: applications through their life, and the licence register.

Each service locks the row, calls the declared transition, recomputes the clock, and writes its
audit row with the tier and policy version that applied, all in one transaction. A lost race or a
stale state raises ConflictError (409); a broken rule raises DomainError (400).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from core import calendar
from core.audit import audit_record
from core.exceptions import ConflictError, DomainError, ForbiddenError
from core.sequences import next_value
from credit.selectors import policy_resolve, tier_of
from licensing import letters
from licensing.conditions import gap_report
from licensing.dates import add_months, add_years
from licensing.models import (
    LICENCE_VALIDITY_YEARS,
    OPEN_STATES,
    Application,
    ApplicationScope,
    Category,
    ClockPause,
    Kind,
    Level,
    Licence,
    LicenceScope,
    LicenceStatus,
    LicenceType,
    Material,
    Mode,
    ObtainedVia,
    State,
    TolerantBar,
)

ACCEPTANCE_WORKING_DAYS = 5  # 行政许可法 art. 32
CERTIFICATE_WORKING_DAYS = 10  # 行政许可法 art. 44
COMMITMENT_CHECK_MONTHS = 6  # seed 000 一(三)
COMMITMENT_KINDS = (Kind.NEW, Kind.LICENSED_CHANGE, Kind.RENEWAL)
TOLERANT_KINDS = (Kind.NEW, Kind.LICENSED_CHANGE, Kind.RENEWAL)
REGISTRATION_FIELDS = ("name", "legal_representative", "address")
ALLOWED_UPLOADS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _today() -> dt.date:
    return timezone.localdate()


def _snapshot(app: Application) -> dict:
    return {
        "state": app.state,
        "deadline": app.deadline.isoformat() if app.deadline else None,
        "credit_tier": app.credit_tier,
        "policy_version": app.policy_version,
    }


def _lock(application: Application | int) -> Application:
    pk = application.pk if isinstance(application, Application) else application
    try:
        return (
            # of=("self",): lock the application row only (the licence join is nullable)
            Application.objects.select_for_update(of=("self",))
            .select_related("enterprise", "agency", "licence")
            .get(pk=pk)
        )
    except Application.DoesNotExist:
        raise DomainError(_("No such application."), code="not_found") from None


def _check_state(app: Application, expected: State | None) -> None:
    if expected and app.state != expected:
        raise ConflictError(
            _("The application is now “%(state)s”: someone acted on it first. Reload and check.")
            % {"state": app.get_state_display()}
        )


def _run(app: Application, transition_name: str) -> None:
    method = getattr(app, transition_name)
    if not can_proceed(method):
        raise ConflictError(
            _("This step is not possible while the application is “%(state)s”.")
            % {"state": app.get_state_display()},
            code="illegal_transition",
        )
    method()


def _save(
    app: Application, actor, action: str, before: dict, *, reason: str = "", extra: dict | None = None
) -> None:
    try:
        app.save()
    except ConcurrentTransition:
        raise ConflictError(
            _("Someone else changed this application at the same moment; nothing was saved.")
        ) from None
    context = {"credit_tier": app.credit_tier, "policy_version": app.policy_version, **(extra or {})}
    audit_record(
        actor=actor,
        obj=app,
        action=f"application.{action}",
        before=before,
        after=_snapshot(app),
        reason=reason,
        context=context,
    )


def _require_officer(actor, app: Application) -> None:
    if actor.role not in ("officer", "approver") or actor.agency_id != app.agency_id:
        raise ForbiddenError(_("Only an officer of %(agency)s may do this.") % {"agency": app.agency.name})


def _require_applicant(actor, app: Application) -> None:
    if actor.role != "enterprise" or actor.enterprise_id != app.enterprise_id:
        raise ForbiddenError(_("Only the applicant may do this."))


# --- the clock ---------------------------------------------------------------------------------
def recompute_deadline(app: Application) -> None:
    """Deadline = accepted_on + time limit + extension + closed pauses, in working days.

    While paused the stored deadline is the one that applied when the pause began; the working
    days left are frozen until the clock resumes.
    """
    if app.accepted_on is None or app.time_limit_days is None:
        app.deadline, app.deadline_provisional = None, False
        return
    if app.same_day:
        app.deadline, app.deadline_provisional = app.accepted_on, False
        return
    total = app.time_limit_days + app.extension_days + app.paused_working_days
    result = calendar.add_working_days(app.accepted_on, total)
    app.deadline, app.deadline_provisional = result.date, result.provisional


def _pause(app: Application, reason: str) -> None:
    if app.pauses.filter(ended_on__isnull=True).exists():
        return
    ClockPause.objects.create(application=app, reason=reason, started_on=_today())


def _resume(app: Application) -> None:
    pause = app.pauses.filter(ended_on__isnull=True).first()
    if pause is None:
        return
    pause.ended_on = _today()
    pause.working_days = max(0, calendar.working_days_between(pause.started_on, pause.ended_on).days)
    pause.save(update_fields=["ended_on", "working_days"])
    app.paused_working_days += pause.working_days
    recompute_deadline(app)


@dataclass(frozen=True)
class ClockView:
    deadline: dt.date | None
    provisional: bool
    remaining: int | None
    paused: bool
    overdue: bool
    due_soon: bool


def clock_of(app: Application, today: dt.date | None = None) -> ClockView:
    today = today or _today()
    if app.deadline is None or app.is_final:
        return ClockView(app.deadline, app.deadline_provisional, None, False, False, False)
    paused = app.is_paused
    as_of = today
    if paused:
        # the selectors prefetch `pauses` (a handful per application): read them, never query per row
        pause = next((p for p in app.pauses.all() if p.ended_on is None), None)
        as_of = pause.started_on if pause else today
    try:
        remaining = calendar.working_days_between(as_of, app.deadline).days
    except calendar.CalendarRangeError:
        remaining = None
    overdue = remaining is not None and remaining < 0 and not paused
    due_soon = remaining is not None and 0 <= remaining <= 3 and not paused
    return ClockView(app.deadline, app.deadline_provisional, remaining, paused, overdue, due_soon)


# --- drafting -----------------------------------------------------------------------------------
def _validate_scopes(scopes: list[tuple[str, int]]) -> list[tuple[str, Level]]:
    if not scopes:
        raise DomainError(
            _("Choose at least one category and level."), code="scopes_required", field="scopes"
        )
    seen, result = set(), []
    for category, level_id in scopes:
        if category not in Category.values:
            raise DomainError(_("Unknown category: %s") % category, field="scopes")
        if category in seen:
            raise DomainError(_("Each category may be asked for once."), field="scopes")
        seen.add(category)
        level = Level.objects.filter(pk=level_id).first()
        if level is None:
            raise DomainError(_("Unknown level."), field="scopes")
        result.append((category, level))
    return result


@transaction.atomic
def application_create(
    *,
    enterprise,
    kind: str,
    actor,
    licence: Licence | None = None,
    licence_type: str = LicenceType.FACILITY,
    business_class: str = "",
    scopes: list[tuple[str, int]] | None = None,
    registration_changes: dict | None = None,
    reissue_reason: str = "",
    cancellation_reason: str = "",
    applicant_note: str = "",
) -> Application:
    """A draft application: only what the kind needs is asked and checked."""
    if actor.role != "enterprise" or actor.enterprise_id != enterprise.pk:
        raise ForbiddenError(_("Only a user of the enterprise may apply for it."))
    if kind not in Kind.values:
        raise DomainError(_("Unknown kind of application."), field="kind")
    if kind == Kind.NEW:
        if licence is not None:
            raise DomainError(_("A new application concerns no existing licence."), field="licence")
        if licence_type == LicenceType.POWER_BUSINESS and not business_class:
            raise DomainError(_("Choose the business class."), field="business_class")
    else:
        if licence is None:
            raise DomainError(_("Choose the licence this application concerns."), field="licence")
        if licence.enterprise_id != enterprise.pk:
            raise DomainError(_("That licence is not your enterprise's."), field="licence")
        if licence.status not in (LicenceStatus.VALID, LicenceStatus.SUSPENDED):
            raise DomainError(
                _("That licence is %s; no application can change it.") % licence.get_status_display(),
                field="licence",
            )
        licence_type = licence.licence_type
        business_class = licence.business_class
        if kind == Kind.RENEWAL:
            opens_on = licence.valid_until - dt.timedelta(days=settings.RENEWAL_WINDOW_DAYS)
            if _today() < opens_on:
                raise DomainError(
                    _("Renewal opens on %(date)s (%(days)s days before the licence expires).")
                    % {"date": opens_on, "days": settings.RENEWAL_WINDOW_DAYS},
                    code="renewal_not_open",
                    field="licence",
                )
        open_same = Application.objects.filter(
            licence=licence, kind=kind, state__in=[State.DRAFT, *OPEN_STATES]
        )
        if open_same.exists():
            raise DomainError(
                _("An application of this kind for this licence is already open."), code="duplicate"
            )
    parsed_scopes = []
    if kind in (Kind.NEW, Kind.LICENSED_CHANGE) and licence_type == LicenceType.FACILITY:
        parsed_scopes = _validate_scopes(scopes or [])
        if kind == Kind.LICENSED_CHANGE:
            current = {s.category: s.level_id for s in licence.scopes.all()}
            if all(current.get(c) == lv.pk for c, lv in parsed_scopes):
                raise DomainError(
                    _("The requested categories and levels are what the licence already has."), field="scopes"
                )
    changes = {}
    if kind == Kind.REGISTRATION_CHANGE:
        changes = {
            k: str(v).strip()
            for k, v in (registration_changes or {}).items()
            if k in REGISTRATION_FIELDS and str(v).strip()
        }
        changes = {k: v for k, v in changes.items() if getattr(enterprise, k) != v}
        if not changes:
            raise DomainError(
                _("Enter at least one registered item that changes."), field="registration_changes"
            )
    if kind == Kind.REISSUE and not reissue_reason.strip():
        raise DomainError(_("Say why the licence must be reissued (lost, damaged…)."), field="reissue_reason")
    app = Application.objects.create(
        enterprise=enterprise,
        agency=enterprise.agency,
        kind=kind,
        licence=licence,
        licence_type=licence_type,
        business_class=business_class,
        registration_changes=changes,
        reissue_reason=reissue_reason.strip(),
        cancellation_reason=cancellation_reason.strip(),
        applicant_note=applicant_note.strip(),
        contact_name=actor.display_name,
        contact_phone=actor.phone or enterprise.contact_phone,
        created_by=actor,
    )
    for category, level in parsed_scopes:
        ApplicationScope.objects.create(application=app, category=category, level=level)
    audit_record(actor=actor, obj=app, action="application.create", after=_snapshot(app) | {"kind": kind})
    return app


def requested_scopes(app: Application) -> list[tuple[str, int]]:
    """What the conditions are checked against: the requested scopes, or the licence's own."""
    scopes = [(s.category, s.level_id) for s in app.scopes.all()]
    if not scopes and app.licence_id:
        scopes = [(s.category, s.level_id) for s in app.licence.scopes.all()]
    return scopes


def material_add(*, application: Application, kind: str, upload, actor, round: str | None = None) -> Material:
    """Store an upload after checking its real type (by content) and size; never trust the name."""
    import filetype

    if kind not in Material.Kind.values:
        raise DomainError(_("Unknown kind of material."), field="kind")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("The file is larger than %d MB.") % (settings.UPLOAD_MAX_BYTES // (1024 * 1024)), field="file"
        )
    if upload.size == 0:
        raise DomainError(_("The file is empty."), field="file")
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
    with transaction.atomic():
        app = _lock(application)
        if actor.role == "enterprise":
            _require_applicant(actor, app)
            if app.state not in (
                State.DRAFT,
                State.CORRECTION_REQUESTED,
                State.TOLERANT_ACCEPTED,
                State.AWAITING_APPLICANT,
            ):
                raise DomainError(
                    _("Materials can be added only while the application waits for them."), code="not_waiting"
                )
        else:
            _require_officer(actor, app)
        round = round or {
            State.DRAFT: Material.Round.INITIAL,
            State.CORRECTION_REQUESTED: Material.Round.CORRECTION,
            State.TOLERANT_ACCEPTED: Material.Round.SUPPLEMENT,
            State.AWAITING_APPLICANT: Material.Round.REVIEW,
        }.get(app.state, Material.Round.REVIEW)
        original = (upload.name or "file").replace("/", "_").replace("\\", "_")[-150:]
        material = Material(
            application=app,
            kind=kind,
            round=round,
            original_name=original,
            content_type=mime,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
        )
        material.file.save(f"{uuid.uuid4().hex}.{ALLOWED_UPLOADS[mime]}", upload, save=False)
        material.save()
        audit_record(
            actor=actor,
            obj=app,
            action="application.material_add",
            after={"material": material.pk, "kind": kind, "sha256": material.sha256, "round": round},
        )
    return material


# --- submission and acceptance -------------------------------------------------------------------
def _assign_number(app: Application) -> None:
    if app.number:
        return
    day = _today()
    seq = next_value(f"application:{app.agency.code}:{day:%Y%m%d}")
    app.number = f"{app.agency.code}{day:%Y%m%d}{seq:04d}"


def tolerant_bar_of(enterprise, on: dt.date | None = None) -> TolerantBar | None:
    on = on or _today()
    return (
        TolerantBar.objects.filter(enterprise=enterprise, starts_on__lte=on, ends_on__gte=on)
        .order_by("-ends_on")
        .first()
    )


def preview_policy(app: Application, mode: str | None = None):
    """What the enterprise's tier gets for this application today (shown before submitting)."""
    # Cancellation has no measure of its own: the resolver gives it the ordinary (statutory) rules.
    tier = tier_of(app.enterprise)
    return tier, policy_resolve(app.kind, tier.tier, tolerant=(mode or app.mode) == Mode.TOLERANT)


def _check_mode_allowed(app: Application, mode: str, tier: str, policy) -> None:
    from penalties.selectors import active_bars

    bars = active_bars(app.enterprise, _today())
    if app.kind == Kind.NEW and "application" in bars:
        raise DomainError(
            _("A penalty decision bars your enterprise from applying until %s.") % bars["application"],
            code="application_barred",
        )
    if mode == Mode.TOLERANT:
        if app.kind not in TOLERANT_KINDS or not policy.tolerant_allowed:
            raise DomainError(
                _(
                    "Tolerant acceptance is not available for this kind of application at your credit "
                    "tier (%s)."
                )
                % tier_label(tier),
                code="tolerant_not_allowed",
                field="mode",
            )
        bar = tolerant_bar_of(app.enterprise)
        if bar is not None:
            raise DomainError(
                _("Tolerant acceptance is barred until %s after a missed supplement.") % bar.ends_on,
                code="tolerant_barred",
                field="mode",
            )
        if "tolerant" in bars:
            raise DomainError(
                _("A penalty decision bars tolerant acceptance until %s.") % bars["tolerant"],
                code="tolerant_barred",
                field="mode",
            )
    if mode == Mode.COMMITMENT:
        if app.kind not in COMMITMENT_KINDS or not policy.commitment_allowed:
            raise DomainError(
                _(
                    "Notification-commitment is not available for this application at your credit tier "
                    "(%s); it returns after credit repair."
                )
                % tier_label(tier),
                code="commitment_not_allowed",
                field="mode",
            )
        if "commitment" in bars:
            raise DomainError(
                _("A penalty decision bars notification-commitment until %s.") % bars["commitment"],
                code="commitment_barred",
                field="mode",
            )


def tier_label(tier: str) -> str:
    from credit.models import Tier

    return str(Tier(tier).label)


@transaction.atomic
def application_submit(
    *,
    application: Application,
    actor,
    mode: str = Mode.ORDINARY,
    tolerant_items: list[str] | None = None,
    tolerant_reason: str = "",
    sign: bool = False,
) -> Application:
    """Submit (or resubmit after the correction notice). The 5-working-day acceptance window starts."""
    app = _lock(application)
    _require_applicant(actor, app)
    before = _snapshot(app)
    if mode not in Mode.values:
        raise DomainError(_("Unknown mode."), field="mode")
    if app.state == State.CORRECTION_REQUESTED:
        mode = app.mode  # the mode chosen at first submission stays
    elif app.state == State.DRAFT:
        if not app.materials.exists():
            raise DomainError(_("Upload the application materials before submitting."), code="no_materials")
        tier = tier_of(app.enterprise)
        policy = policy_resolve(app.kind, tier.tier, tolerant=mode == Mode.TOLERANT)
        _check_mode_allowed(app, mode, tier.tier, policy)  # also a penalty's bar on applying
        now = timezone.now()
        if mode == Mode.TOLERANT:
            items = [i.strip() for i in (tolerant_items or []) if i.strip()]
            if not items:
                raise DomainError(_("List the materials you will supplement."), field="tolerant_items")
            if not sign:
                raise DomainError(
                    _("Sign the tolerant-acceptance commitment letter to apply this way."), field="sign"
                )
            app.tolerant_items, app.tolerant_reason, app.tolerant_signed_at = (
                items,
                tolerant_reason.strip(),
                now,
            )
        if mode == Mode.COMMITMENT:
            if not sign:
                raise DomainError(
                    _("Sign the notification-commitment letter to apply this way."), field="sign"
                )
            app.commitment_signed_at = now
        app.mode = mode
    _run(app, "submit")
    _assign_number(app)
    app.submitted_at = timezone.now()
    app.received_on = _today()
    app.acceptance_due = calendar.add_working_days(app.received_on, ACCEPTANCE_WORKING_DAYS).date
    if app.kind == Kind.RENEWAL and app.licence_id:
        days_left = (app.licence.valid_until - app.received_on).days
        app.renewal_timely = days_left >= settings.RENEWAL_MIN_DAYS_BEFORE_EXPIRY
    if app.mode == Mode.COMMITMENT:
        from licensing.verification import get_verifier

        app.verification = get_verifier().verify(app)
    _save(app, actor, "submit", before)
    if app.mode == Mode.COMMITMENT and before["state"] == State.DRAFT:
        letters.commitment_letter(app, actor)
    return app


@transaction.atomic
def application_request_correction(
    *, application: Application, officer, items: list[str], expected_state=None
) -> Application:
    """一次性告知: one notice listing everything missing. A second notice is refused."""
    app = _lock(application)
    _require_officer(officer, app)
    _check_state(app, expected_state)
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise DomainError(
            _("List every missing or defective material in the one correction notice."), field="items"
        )
    if app.correction_requested_on is not None:
        raise DomainError(
            _(
                "A correction notice was already issued; 一次性告知 allows only one. Accept, "
                "tolerant-accept or refuse the application."
            ),
            code="second_correction",
        )
    before = _snapshot(app)
    _run(app, "request_correction")
    app.correction_items = items
    app.correction_requested_on = _today()
    app.acceptance_due = None
    _save(app, officer, "request_correction", before, extra={"items": items})
    letters.correction_notice(app, officer)
    return app


@transaction.atomic
def application_reject(*, application: Application, officer, reason: str, expected_state=None) -> Application:
    app = _lock(application)
    _require_officer(officer, app)
    _check_state(app, expected_state)
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for not accepting."), field="reason")
    before = _snapshot(app)
    _run(app, "reject")
    app.not_accepted_reason = reason.strip()
    app.decided_on = _today()
    _save(app, officer, "reject", before, reason=reason)
    letters.rejection_decision(app, officer)
    return app


def _snapshot_credit(app: Application, *, accepted_on: dt.date, tolerant: bool):
    tier = tier_of(app.enterprise, on=accepted_on)
    policy = policy_resolve(app.kind, tier.tier, on=accepted_on, tolerant=tolerant)
    app.credit_tier, app.credit_reason, app.policy_version = tier.tier, tier.reason, policy.policy_version
    app.time_limit_days, app.same_day = policy.time_limit_days, policy.same_day
    app.site_inspection = policy.site_inspection
    app.materials_exempt = policy.materials_exempt
    return policy


def _accept(app: Application, actor, *, accepted_on: dt.date, deemed: bool) -> None:
    before = _snapshot(app)
    policy = _snapshot_credit(app, accepted_on=accepted_on, tolerant=False)
    if app.mode == Mode.COMMITMENT:
        if not policy.commitment_allowed:
            raise DomainError(
                _("The enterprise's tier at acceptance (%s) does not allow notification-commitment.")
                % tier_label(app.credit_tier),
                code="commitment_not_allowed",
            )
        if not deemed and not app.verification.get("ok"):
            raise DomainError(
                _(
                    "The online verification did not check out; accept under the ordinary procedure "
                    "only after the materials are corrected, or refuse."
                ),
                code="verification_failed",
            )
    _run(app, "accept")
    app.accepted_on = accepted_on
    app.deemed_accepted = deemed
    if not deemed:
        app.handled_by = actor
    app.acceptance_due = None
    recompute_deadline(app)
    _save(app, actor, "deemed_accept" if deemed else "accept", before)
    letters.acceptance_notice(app, actor)


@transaction.atomic
def application_accept(*, application: Application, officer, expected_state=None) -> Application:
    app = _lock(application)
    _require_officer(officer, app)
    _check_state(app, expected_state)
    _accept(app, officer, accepted_on=_today(), deemed=False)
    return app


@transaction.atomic
def application_deem_accept(application_id: int, today: dt.date | None = None) -> bool:
    """行政许可法 art. 32: not acted on within 5 working days → accepted on the day it was received.
    Idempotent: an application no longer waiting is left alone."""
    app = _lock(application_id)
    today = today or _today()
    if app.state != State.SUBMITTED or app.acceptance_due is None or app.acceptance_due >= today:
        return False
    _accept(app, "system", accepted_on=app.received_on, deemed=True)
    return True


@transaction.atomic
def application_tolerant_accept(
    *, application: Application, officer, items: list[str] | None = None, expected_state=None
) -> Application:
    """容缺受理 within the gap limits of the tier; the supplement is due 10 days after acceptance."""
    app = _lock(application)
    _require_officer(officer, app)
    _check_state(app, expected_state)
    if app.mode != Mode.TOLERANT or not app.tolerant_signed_at:
        raise DomainError(
            _("The applicant has not applied for tolerant acceptance nor signed its commitment."),
            code="not_tolerant",
        )
    before = _snapshot(app)
    today = _today()
    policy = _snapshot_credit(app, accepted_on=today, tolerant=True)
    _check_mode_allowed(app, Mode.TOLERANT, app.credit_tier, policy)
    report = gap_report(app.enterprise, requested_scopes(app), today)
    if report.leads_missing:
        raise DomainError(
            _("The technical and safety leads can never be missing: %s.")
            % "、".join(r.label for r in report.leads_missing),
            code="lead_missing",
        )
    if report.personnel_gap_pct > policy.personnel_gap_max:
        raise DomainError(
            _("Personnel gap %(gap)s%% exceeds the %(max)s%% allowed for this tier.")
            % {"gap": report.personnel_gap_pct, "max": policy.personnel_gap_max},
            code="gap_exceeded",
        )
    if report.equipment_gap_pct > policy.equipment_gap_max:
        raise DomainError(
            _("Equipment gap %(gap)s%% exceeds the %(max)s%% allowed for this tier.")
            % {"gap": report.equipment_gap_pct, "max": policy.equipment_gap_max},
            code="gap_exceeded",
        )
    _run(app, "tolerant_accept")
    if items:
        app.tolerant_items = [i.strip() for i in items if i.strip()]
    app.accepted_on = today
    app.handled_by = officer
    app.acceptance_due = None
    app.personnel_gap_pct, app.equipment_gap_pct = report.personnel_gap_pct, report.equipment_gap_pct
    app.tolerant_due_on = today + dt.timedelta(days=policy.tolerant_supplement_days)
    recompute_deadline(app)
    _save(
        app,
        officer,
        "tolerant_accept",
        before,
        extra={
            "personnel_gap": str(report.personnel_gap_pct),
            "equipment_gap": str(report.equipment_gap_pct),
        },
    )
    _pause(app, ClockPause.Reason.TOLERANT)
    letters.tolerant_documents(app, officer)
    return app


@transaction.atomic
def application_supplement(*, application: Application, actor, expected_state=None) -> Application:
    app = _lock(application)
    _require_applicant(actor, app)
    _check_state(app, expected_state)
    if app.state == State.TOLERANT_ACCEPTED and app.tolerant_due_on and _today() > app.tolerant_due_on:
        raise DomainError(
            _("The supplement was due on %s; the application will be terminated.") % app.tolerant_due_on,
            code="supplement_late",
        )
    if not app.materials.filter(round=Material.Round.SUPPLEMENT).exists():
        raise DomainError(_("Upload the supplementary materials first."), code="no_materials")
    before = _snapshot(app)
    _run(app, "supplement")
    _resume(app)
    _save(app, actor, "supplement", before)
    return app


@transaction.atomic
def application_terminate_overdue(application_id: int, today: dt.date | None = None) -> bool:
    """Supplement missed → 终止办理, and no tolerant acceptance for 2 years. Idempotent."""
    app = _lock(application_id)
    today = today or _today()
    if app.state != State.TOLERANT_ACCEPTED or not app.tolerant_due_on or today <= app.tolerant_due_on:
        return False
    before = _snapshot(app)
    _run(app, "terminate")
    app.terminated_reason = _(
        "The materials promised in the tolerant-acceptance commitment were not supplied by %s."
    ) % (app.tolerant_due_on)
    app.decided_on = today
    pause = app.pauses.filter(ended_on__isnull=True).first()
    if pause:
        pause.ended_on = today
        pause.save(update_fields=["ended_on"])
    policy = policy_resolve(app.kind, app.credit_tier or "trustworthy", tolerant=True)
    bar = TolerantBar.objects.create(
        enterprise=app.enterprise,
        application=app,
        starts_on=today,
        ends_on=add_years(today, policy.tolerant_bar_years) - dt.timedelta(days=1),
    )
    _save(
        app,
        "system",
        "terminate",
        before,
        reason=app.terminated_reason,
        extra={"bar_until": bar.ends_on.isoformat()},
    )
    letters.tolerant_termination_notice(app)
    return True


# --- review ---------------------------------------------------------------------------------------
def _officer_step(
    transition_name: str,
    action: str,
    *,
    pause: str | None = None,
    resume: bool = False,
    applicant: bool = False,
):
    @transaction.atomic
    def step(
        *, application: Application, actor, note: str = "", expected_state=None, **fields
    ) -> Application:
        app = _lock(application)
        (_require_applicant if applicant else _require_officer)(actor, app)
        _check_state(app, expected_state)
        before = _snapshot(app)
        _run(app, transition_name)
        for name, value in fields.items():
            setattr(app, name, value)
        if resume:
            _resume(app)
        if transition_name == "start_review" and app.handled_by_id is None:
            app.handled_by = actor
        _save(app, actor, action, before, reason=note)
        if pause:
            _pause(app, pause)
        return app

    step.__name__ = f"application_{action}"
    return step


application_start_review = _officer_step("start_review", "start_review")
application_begin_site_inspection = _officer_step("begin_site_inspection", "begin_site_inspection")
application_send_to_experts = _officer_step(
    "send_to_experts", "send_to_experts", pause=ClockPause.Reason.EXPERT_REVIEW
)
application_answer = _officer_step("applicant_answered", "applicant_answered", resume=True, applicant=True)


@transaction.atomic
def application_ask_applicant(
    *, application: Application, officer, items: list[str], expected_state=None
) -> Application:
    """During review, ask the applicant for something; the clock pauses until the answer."""
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise DomainError(_("Say what the applicant must provide."), field="items")
    app = _lock(application)
    _require_officer(officer, app)
    _check_state(app, expected_state)
    before = _snapshot(app)
    _run(app, "ask_applicant")
    app.correction_items = items
    _save(app, officer, "ask_applicant", before, extra={"items": items})
    _pause(app, ClockPause.Reason.APPLICANT)
    return app


@transaction.atomic
def application_record_site_inspection(
    *, application: Application, officer, result: str, expected_state=None
) -> Application:
    if not (result or "").strip():
        raise DomainError(_("Record what the on-site inspection found."), field="result")
    app = _lock(application)
    _require_officer(officer, app)
    _check_state(app, expected_state)
    before = _snapshot(app)
    _run(app, "record_site_inspection")
    app.site_inspection_done, app.site_inspection_result = True, result.strip()
    _save(app, officer, "record_site_inspection", before, reason=result)
    return app


@transaction.atomic
def application_experts_returned(
    *, application: Application, officer, opinion: str, expected_state=None
) -> Application:
    if not (opinion or "").strip():
        raise DomainError(_("Record the experts' opinion."), field="opinion")
    app = _lock(application)
    _require_officer(officer, app)
    _check_state(app, expected_state)
    before = _snapshot(app)
    _run(app, "experts_returned")
    app.expert_opinion = opinion.strip()
    _resume(app)
    _save(app, officer, "experts_returned", before, reason=opinion)
    return app


@transaction.atomic
def application_request_extension(*, application: Application, officer, reason: str) -> Application:
    """One extension of 10 working days, with a reason told to the applicant (art. 42)."""
    app = _lock(application)
    _require_officer(officer, app)
    if not app.accepted_on or app.is_final:
        raise DomainError(_("Only an accepted, undecided application can be extended."), code="not_running")
    if app.extension_days or app.extension_requested:
        raise DomainError(_("The time limit can be extended only once."), code="extension_once")
    if not (reason or "").strip():
        raise DomainError(_("Give the reason; the applicant will be told."), field="reason")
    before = _snapshot(app)
    app.extension_requested, app.extension_reason, app.extension_requested_by = True, reason.strip(), officer
    _save(app, officer, "request_extension", before, reason=reason)
    return app


@transaction.atomic
def application_decide_extension(
    *, application: Application, approver, grant: bool, note: str = ""
) -> Application:
    app = _lock(application)
    _require_approver(approver, app)
    if not app.extension_requested:
        raise ConflictError(_("No extension request is pending."), code="no_request")
    before = _snapshot(app)
    app.extension_requested = False
    if grant:
        policy = policy_resolve(app.kind, app.credit_tier or "trustworthy")
        app.extension_days = policy.extension_days
        app.extension_approved_by = approver
        recompute_deadline(app)
    else:
        app.extension_reason = ""
    _save(app, approver, "extension_granted" if grant else "extension_refused", before, reason=note)
    return app


@transaction.atomic
def application_propose(
    *, application: Application, officer, outcome: str, text: str, expected_state=None
) -> Application:
    app = _lock(application)
    _require_officer(officer, app)
    _check_state(app, expected_state)
    if outcome not in ("approve", "deny"):
        raise DomainError(_("Propose to approve or to deny."), field="outcome")
    if not (text or "").strip():
        raise DomainError(_("Write the proposal and its grounds."), field="text")
    if outcome == "approve" and app.site_inspection == "mandatory" and not app.site_inspection_done:
        raise DomainError(
            _("An on-site inspection, item by item, is mandatory at this credit tier before approval."),
            code="site_inspection_required",
        )
    before = _snapshot(app)
    _run(app, "propose")
    app.proposed_outcome, app.proposal, app.proposed_by = outcome, text.strip(), officer
    _save(app, officer, "propose", before, reason=text, extra={"outcome": outcome})
    return app


def _require_approver(actor, app: Application) -> None:
    if actor.role != "approver" or actor.agency_id != app.agency_id:
        raise ForbiddenError(_("Only an approver of %(agency)s may decide.") % {"agency": app.agency.name})


@transaction.atomic
def application_decide(
    *, application: Application, approver, outcome: str, reason: str = "", expected_state=None
) -> Application:
    """The approver's decision. Nobody approves what they handled as officer (four eyes)."""
    app = _lock(application)
    _require_approver(approver, app)
    _check_state(app, expected_state)
    if approver.pk in (app.handled_by_id, app.proposed_by_id):
        raise ForbiddenError(
            _("You handled this application as officer; another approver must decide."), code="four_eyes"
        )
    if outcome not in ("approve", "deny", "return"):
        raise DomainError(_("Decide to approve, deny or return for review."), field="outcome")
    if app.state != State.PENDING_DECISION:
        raise ConflictError(_("This application is not awaiting a decision."), code="illegal_transition")
    before = _snapshot(app)
    if outcome == "return":
        if not (reason or "").strip():
            raise DomainError(_("Say what the officer should review again."), field="reason")
        _run(app, "return_to_review")
        _save(app, approver, "return_to_review", before, reason=reason)
        return app
    if outcome != app.proposed_outcome:
        raise DomainError(
            _("The decision differs from the proposal: return it for review with your reasons."),
            code="against_proposal",
        )
    if outcome == "deny" and not (reason or app.proposal).strip():
        raise DomainError(_("A denial needs its reasons."), field="reason")
    if outcome == "approve":
        _run(app, "approve")
        _approve_effects(app, approver)
    else:
        _run(app, "deny")
    app.decided_on, app.decided_by = _today(), approver
    app.decision_reason = (reason or app.proposal).strip()
    _save(app, approver, outcome, before, reason=app.decision_reason)
    if outcome == "approve":
        letters.grant_documents(app, approver)
    else:
        letters.denial_decision(app, approver)
    return app


@transaction.atomic
def application_withdraw(
    *, application: Application, actor, reason: str = "", expected_state=None
) -> Application:
    app = _lock(application)
    _require_applicant(actor, app)
    _check_state(app, expected_state)
    before = _snapshot(app)
    _run(app, "withdraw")
    app.withdrawn_reason = reason.strip()
    app.decided_on = _today()
    pause = app.pauses.filter(ended_on__isnull=True).first()
    if pause:
        pause.ended_on = _today()
        pause.save(update_fields=["ended_on"])
    _save(app, actor, "withdraw", before, reason=reason)
    return app


@transaction.atomic
def application_deem_renewal(application_id: int, today: dt.date | None = None) -> bool:
    """行政许可法 art. 50: a timely renewal the agency has not decided by the expiry date is granted.
    Applies while the agency holds the file (not while it waits for the applicant). Idempotent."""
    app = _lock(application_id)
    today = today or _today()
    agency_holds = (
        State.SUBMITTED,
        State.ACCEPTED,
        State.SUPPLEMENTED,
        State.UNDER_REVIEW,
        State.SITE_INSPECTION,
        State.PENDING_DECISION,
    )
    if (
        app.kind != Kind.RENEWAL
        or not app.renewal_timely
        or app.state not in agency_holds
        or app.licence is None
        or app.licence.valid_until >= today
    ):
        return False
    before = _snapshot(app)
    if app.state == State.SUBMITTED:
        _accept(app, "system", accepted_on=app.received_on, deemed=True)
        before = _snapshot(app)
    if app.state == State.PENDING_DECISION:
        app.return_to_review()
    if app.state in (State.ACCEPTED, State.SUPPLEMENTED, State.UNDER_REVIEW):
        app.approve()
    app.deemed_granted = True
    _approve_effects(app, "system")
    app.decided_on = today
    app.decision_reason = _("Deemed granted: not decided by the licence's expiry date (行政许可法 art. 50).")
    _save(app, "system", "deemed_renewal", before, reason=app.decision_reason)
    letters.grant_documents(app, None)
    return True


# --- the licence register -----------------------------------------------------------------------
_TYPE_CODES = {LicenceType.FACILITY: "CX", "generation": "FD", "transmission": "SD", "supply": "GD"}


def _licence_number(agency, licence_type: str, business_class: str, year: int) -> str:
    code = _TYPE_CODES[licence_type] if licence_type == LicenceType.FACILITY else _TYPE_CODES[business_class]
    seq = next_value(f"licence:{agency.code}:{code}:{year}")
    return f"{agency.code}-{code}-{year}-{seq:05d}"


def _approve_effects(app: Application, actor) -> None:
    """On approval, the licence register changes in the same transaction."""
    today = _today()
    via = {
        Mode.ORDINARY: ObtainedVia.ORDINARY,
        Mode.TOLERANT: ObtainedVia.TOLERANT,
        Mode.COMMITMENT: ObtainedVia.COMMITMENT,
    }[app.mode]
    app.certificate_due = calendar.add_working_days(today, CERTIFICATE_WORKING_DAYS).date
    if app.kind == Kind.NEW:
        years = LICENCE_VALIDITY_YEARS[app.licence_type]
        from licensing.models import LevelScheme

        licence = Licence.objects.create(
            number=_licence_number(app.agency, app.licence_type, app.business_class, today.year),
            licence_type=app.licence_type,
            business_class=app.business_class,
            enterprise=app.enterprise,
            agency=app.agency,
            issued_on=today,
            valid_from=today,
            valid_until=add_years(today, years) - dt.timedelta(days=1),
            obtained_via=via,
            level_scheme=LevelScheme.objects.order_by("-effective_from").first()
            if app.licence_type == LicenceType.FACILITY
            else None,
        )
        for scope in app.scopes.all():
            LicenceScope.objects.create(licence=licence, category=scope.category, level=scope.level)
        app.licence = licence
        _licence_audit(licence, actor, "licence.grant", None, app)
    else:
        licence = Licence.objects.select_for_update().get(pk=app.licence_id)
        before = _licence_snapshot(licence)
        if app.kind == Kind.LICENSED_CHANGE:
            for scope in app.scopes.all():
                LicenceScope.objects.update_or_create(
                    licence=licence, category=scope.category, defaults={"level": scope.level}
                )
            licence.obtained_via = via if via != ObtainedVia.ORDINARY else licence.obtained_via
            licence.certificate_version += 1
        elif app.kind == Kind.REGISTRATION_CHANGE:
            enterprise = app.enterprise
            enterprise_before = {f: getattr(enterprise, f) for f in app.registration_changes}
            for name, value in app.registration_changes.items():
                setattr(enterprise, name, value)
            enterprise.save(update_fields=list(app.registration_changes))
            audit_record(
                actor=actor,
                obj=enterprise,
                action="enterprise.registration_change",
                before=enterprise_before,
                after=app.registration_changes,
                context={"application": app.pk},
            )
            licence.certificate_version += 1
        elif app.kind == Kind.RENEWAL:
            years = LICENCE_VALIDITY_YEARS[licence.licence_type]
            start = max(licence.valid_until + dt.timedelta(days=1), today)
            licence.valid_from = start
            licence.valid_until = add_years(start, years) - dt.timedelta(days=1)
            licence.certificate_version += 1
        elif app.kind == Kind.REISSUE:
            licence.certificate_version += 1
        elif app.kind == Kind.CANCELLATION:
            licence.cancel()
            licence.status_reason = app.cancellation_reason or _("Cancelled on the holder's application.")
        licence.save()
        _licence_audit(licence, actor, f"licence.{app.kind}", before, app)
    if app.mode == Mode.COMMITMENT and app.kind in COMMITMENT_KINDS:
        licence.post_check_due = add_months(today, COMMITMENT_CHECK_MONTHS)
        licence.save(update_fields=["post_check_due"])
        from supervision.services import commitment_check_ensure

        commitment_check_ensure(licence)  # the 6-month full check (seed 000 一(三)) starts now


def _licence_snapshot(licence: Licence) -> dict:
    return {
        "status": licence.status,
        "valid_until": licence.valid_until.isoformat(),
        "scopes": {s.category: s.level.name for s in licence.scopes.all()},
        "certificate_version": licence.certificate_version,
    }


def _licence_audit(
    licence: Licence, actor, action: str, before: dict | None, app: Application | None, reason: str = ""
) -> None:
    context = {"application": app.pk if app else None}
    if app is not None:
        context |= {"credit_tier": app.credit_tier, "policy_version": app.policy_version}
    audit_record(
        actor=actor,
        obj=licence,
        action=action,
        before=before,
        after=_licence_snapshot(licence),
        reason=reason,
        context=context,
    )


def _licence_status_change(transition_name: str, action: str):
    @transaction.atomic
    def change(*, licence: Licence, actor, reason: str, source: str = "") -> Licence:
        """Status changes from supervision or penalty outcomes (source names the case)."""
        if not (reason or "").strip():
            raise DomainError(_("Give the reason."), field="reason")
        locked = Licence.objects.select_for_update().get(pk=licence.pk)
        before = _licence_snapshot(locked)
        method = getattr(locked, transition_name)
        if not can_proceed(method):
            raise ConflictError(
                _("The licence is %s; this change is not possible.") % locked.get_status_display(),
                code="illegal_transition",
            )
        method()
        locked.status_reason = reason.strip()
        locked.save()
        audit_record(
            actor=actor,
            obj=locked,
            action=action,
            before=before,
            after=_licence_snapshot(locked),
            reason=reason,
            context={"source": source},
        )
        if transition_name == "revoke":
            _revoke_certificates(locked, actor, reason)
        return locked

    change.__name__ = f"licence_{transition_name}"
    return change


def _revoke_certificates(licence: Licence, actor, reason: str) -> None:
    """A revoked licence's certificate no longer verifies as current (/verify/<code> says revoked)."""
    from documents.models import Document
    from documents.services import document_revoke

    for document in Document.objects.filter(
        doc_type="licence_certificate",
        subject_type=letters.LICENCE_SUBJECT,
        subject_id=str(licence.pk),
        validity="current",
    ):
        document_revoke(
            document=document,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            reason=reason,
        )


licence_revoke = _licence_status_change("revoke", "licence.revoke")
licence_suspend = _licence_status_change("suspend", "licence.suspend")
licence_reinstate = _licence_status_change("reinstate", "licence.reinstate")


@transaction.atomic
def licence_expire(licence_id: int, today: dt.date | None = None) -> bool:
    """A licence past its validity expires, unless a timely renewal is still with the agency. Idempotent."""
    today = today or _today()
    licence = Licence.objects.select_for_update().get(pk=licence_id)
    if licence.status not in (LicenceStatus.VALID, LicenceStatus.SUSPENDED) or licence.valid_until >= today:
        return False
    before = _licence_snapshot(licence)
    licence.expire()
    licence.status_reason = _("Validity ended on %s.") % licence.valid_until
    licence.save()
    audit_record(
        actor="system", obj=licence, action="licence.expire", before=before, after=_licence_snapshot(licence)
    )
    return True


def recompute_provisional_deadlines(years: set[int]) -> int:
    """After the official schedule of `years` is loaded, recompute every open deadline that was counted
    on a provisional calendar (and the pause lengths inside it)."""
    count = 0
    ids = Application.objects.filter(deadline_provisional=True, state__in=OPEN_STATES).values_list(
        "pk", flat=True
    )
    for pk in list(ids):
        with transaction.atomic():
            app = _lock(pk)
            if not app.deadline_provisional:
                continue
            before = _snapshot(app)
            for pause in app.pauses.filter(ended_on__isnull=False):
                if pause.started_on.year in years or pause.ended_on.year in years:
                    pause.working_days = max(
                        0, calendar.working_days_between(pause.started_on, pause.ended_on).days
                    )
                    pause.save(update_fields=["working_days"])
            app.paused_working_days = sum(p.working_days for p in app.pauses.filter(ended_on__isnull=False))
            recompute_deadline(app)
            _save(app, "system", "deadline_recomputed", before, reason="official calendar loaded")
            count += 1
    return count
