"""Every write of oversight: the syncs from the audit log, ratings, callbacks, work flags, settings.

Each use case is one function; it runs in a transaction, locks what it changes, calls the declared
transition and writes its audit row in the same transaction. Notifications are rows in the same
transaction and e-mail after commit (core.notify).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from core import calendar
from core.audit import audit_record
from core.exceptions import ConflictError, DomainError, ForbiddenError
from core.models import AuditLog
from core.notify import notify_users
from core.permissions import user_role
from credit.models import CreditRequest
from licensing.models import Application, Kind, State
from oversight import rollup
from oversight.models import (
    BAD_LEVELS,
    DECISION_OUTCOMES,
    DEFAULT_CALLBACK_WORKING_DAYS,
    MANUAL_RULES,
    ApplicationFact,
    CallbackState,
    CallbackTask,
    ContactMethod,
    FlagState,
    Outcome,
    OversightSetting,
    Rating,
    RatingLevel,
    ServiceEvent,
    ServiceKind,
    SyncState,
    Verification,
    WorkFlag,
)

APPLICATION_TYPE = "licensing.application"
CREDIT_REQUEST_TYPE = "credit.creditrequest"
# A sync re-reads this much of the audit log before its last run: a row written in a transaction
# that committed after that run (its `at` is set before the commit) is still picked up.
SYNC_OVERLAP = dt.timedelta(minutes=30)
CHUNK = 2000
COMMENT_MAX = 1000

# Audit actions of licensing/services.py and credit/services.py that are a service to the enterprise.
APPLICATION_EVENT_KINDS = {
    "application.accept": ServiceKind.ACCEPTANCE,
    "application.tolerant_accept": ServiceKind.TOLERANT_ACCEPTANCE,
    "application.deemed_accept": ServiceKind.DEEMED_ACCEPTANCE,
    "application.request_correction": ServiceKind.CORRECTION_NOTICE,
    "application.reject": ServiceKind.NOT_ACCEPTED,
    "application.approve": ServiceKind.DECISION,
    "application.deny": ServiceKind.DECISION,
    "application.deemed_renewal": ServiceKind.DECISION,
}
CREDIT_EVENT_KINDS = {
    f"credit.{kind}_{step}": service
    for kind in ("repair", "objection")
    for step, service in (
        ("accept", ServiceKind.CREDIT_ACCEPTANCE),
        ("not_accept", ServiceKind.CREDIT_ACCEPTANCE),
        ("grant", ServiceKind.CREDIT_DECISION),
        ("refuse", ServiceKind.CREDIT_DECISION),
    )
}
STATE_OUTCOME = {
    State.APPROVED: Outcome.APPROVED,
    State.DENIED: Outcome.DENIED,
    State.NOT_ACCEPTED: Outcome.NOT_ACCEPTED,
    State.WITHDRAWN: Outcome.WITHDRAWN,
    State.TERMINATED: Outcome.TERMINATED,
}


def _today() -> dt.date:
    return timezone.localdate()


# --- syncs from the audit log ------------------------------------------------------------------------
def _window(key: str) -> tuple[dt.datetime | None, dt.datetime]:
    started = timezone.now()
    state = SyncState.objects.filter(key=key).first()
    return (state.synced_until - SYNC_OVERLAP if state else None), started


def _advance(key: str, started: dt.datetime) -> None:
    SyncState.objects.update_or_create(key=key, defaults={"synced_until": started})


def _chunks(queryset, fields: tuple[str, ...]) -> Iterable[list[dict]]:
    """Rows of `queryset` by ascending id, CHUNK at a time (keyset pagination, no OFFSET)."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values(*fields)[:CHUNK])
        if not rows:
            return
        yield rows
        last = rows[-1]["pk"]


def service_events_sync(*, enterprise=None) -> int:
    """Turn audit rows of service actions into ServiceEvents, each at most once (idempotent).

    Without `enterprise`: the rows written since the last run (the Celery task, every few minutes).
    With it: every row about that enterprise's applications and credit requests, so an event that
    has just happened can be rated at once (the enterprise's rating page calls this).
    """
    rows = AuditLog.objects.filter(action__in=[*APPLICATION_EVENT_KINDS, *CREDIT_EVENT_KINDS])
    started = None
    if enterprise is not None:
        app_ids = [
            str(pk) for pk in Application.objects.filter(enterprise=enterprise).values_list("pk", flat=True)
        ]
        request_ids = [
            str(pk) for pk in CreditRequest.objects.filter(enterprise=enterprise).values_list("pk", flat=True)
        ]
        rows = rows.filter(
            Q(object_type=APPLICATION_TYPE, object_id__in=app_ids)
            | Q(object_type=CREDIT_REQUEST_TYPE, object_id__in=request_ids)
        )
    else:
        since, started = _window("service_events")
        if since is not None:
            rows = rows.filter(at__gte=since)
    rows = rows.exclude(pk__in=ServiceEvent.objects.values("audit_id"))
    created = 0
    for chunk in _chunks(rows, ("pk", "object_type", "object_id", "action", "actor_id", "at")):
        created += _events_from(chunk)
    if started is not None:
        _advance("service_events", started)
    return created


def _events_from(rows: list[dict]) -> int:
    app_ids = {int(r["object_id"]) for r in rows if r["object_type"] == APPLICATION_TYPE}
    request_ids = {int(r["object_id"]) for r in rows if r["object_type"] == CREDIT_REQUEST_TYPE}
    apps = {
        a["pk"]: a
        for a in Application.objects.filter(pk__in=app_ids).values(
            "pk", "enterprise_id", "agency_id", "kind", "number"
        )
    }
    requests = {
        r["pk"]: r
        for r in CreditRequest.objects.filter(pk__in=request_ids).values(
            "pk", "enterprise_id", "enterprise__agency_id", "kind"
        )
    }
    events = []
    for row in rows:
        base = {
            "audit_id": row["pk"],
            "action": row["action"],
            "officer_id": row["actor_id"],
            "occurred_at": row["at"],
        }
        if row["object_type"] == APPLICATION_TYPE:
            app = apps.get(int(row["object_id"]))
            if app is None:
                continue
            kind = APPLICATION_EVENT_KINDS[row["action"]]
            if (
                kind == ServiceKind.DECISION
                and app["kind"] == Kind.REISSUE
                and row["action"] == "application.approve"
            ):
                kind = ServiceKind.REISSUE
            events.append(
                ServiceEvent(
                    kind=kind,
                    enterprise_id=app["enterprise_id"],
                    agency_id=app["agency_id"],
                    application_id=app["pk"],
                    reference=app["number"] or "",
                    **base,
                )
            )
        else:
            request = requests.get(int(row["object_id"]))
            if request is None:
                continue
            events.append(
                ServiceEvent(
                    kind=CREDIT_EVENT_KINDS[row["action"]],
                    enterprise_id=request["enterprise_id"],
                    agency_id=request["enterprise__agency_id"],
                    credit_request_id=request["pk"],
                    reference=f"{request['kind']}-{request['pk']}",
                    **base,
                )
            )
    ServiceEvent.objects.bulk_create(events, ignore_conflicts=True)
    return len(events)


FACT_SOURCE_FIELDS = (
    "pk",
    "agency_id",
    "kind",
    "licence_type",
    "mode",
    "credit_tier",
    "handled_by_id",
    "received_on",
    "accepted_on",
    "decided_on",
    "state",
    "deadline",
    "time_limit_days",
    "extension_days",
    "paused_working_days",
)
FACT_UPDATE_FIELDS = [
    "agency",
    "kind",
    "licence_type",
    "mode",
    "credit_tier",
    "handled_by",
    "received_on",
    "accepted_on",
    "decided_on",
    "outcome",
    "deadline",
    "time_limit_days",
    "extension_days",
    "paused_working_days",
    "working_days_taken",
    "on_time",
    "late_working_days",
    "provisional",
    "synced_at",
]


def _fact(row: dict, now: dt.datetime) -> ApplicationFact:
    outcome = STATE_OUTCOME.get(row["state"], Outcome.PENDING)
    working = on_time = late = None
    provisional = False
    accepted, decided, deadline = row["accepted_on"], row["decided_on"], row["deadline"]
    if outcome in DECISION_OUTCOMES and accepted and decided:
        try:
            span = calendar.working_days_between(accepted, decided)
            working = max(0, span.days - row["paused_working_days"])
            provisional = span.provisional
            if deadline is not None:
                on_time = decided <= deadline
                late = 0 if on_time else calendar.working_days_between(deadline, decided).days
        except calendar.CalendarRangeError:
            working = on_time = late = None
    return ApplicationFact(
        application_id=row["pk"],
        agency_id=row["agency_id"],
        kind=row["kind"],
        licence_type=row["licence_type"],
        mode=row["mode"],
        credit_tier=row["credit_tier"],
        handled_by_id=row["handled_by_id"],
        received_on=row["received_on"],
        accepted_on=accepted,
        decided_on=decided,
        outcome=outcome,
        deadline=deadline,
        time_limit_days=row["time_limit_days"],
        extension_days=row["extension_days"],
        paused_working_days=row["paused_working_days"],
        working_days_taken=working,
        on_time=on_time,
        late_working_days=late,
        provisional=provisional,
        synced_at=now,
    )


def application_facts_sync(*, application_ids: Iterable[int] | None = None, full: bool = False) -> int:
    """Refresh the dashboards' facts of received applications (idempotent upsert).

    Without ids: the applications whose audit rows were written since the last run; on the very
    first run (or `full`), every received application. The working days of a decision are counted
    here, once. In the same transaction, under the totals' lock, the daily and monthly totals
    (`oversight.rollup`) are recounted for every day a changed fact was received or decided on (before
    or after the change; every day after a full run), so the dashboards never see facts and totals
    disagree.
    """
    with transaction.atomic():
        rollup.lock()
        started = None
        source = Application.objects.filter(received_on__isnull=False)
        if application_ids is None:
            since, started = _window("application_facts")
            full = full or since is None
            if not full:
                touched = (
                    AuditLog.objects.filter(object_type=APPLICATION_TYPE, at__gte=since)
                    .values_list("object_id", flat=True)
                    .distinct()
                )
                source = source.filter(pk__in=[int(pk) for pk in touched])
        else:
            full = False
            source = source.filter(pk__in=list(application_ids))
        count, days = 0, set()
        for chunk in _chunks(source, FACT_SOURCE_FIELDS):
            now = timezone.now()
            facts = [_fact(row, now) for row in chunk]
            if not full:
                for received_on, decided_on in ApplicationFact.objects.filter(
                    pk__in=[fact.pk for fact in facts]
                ).values_list("received_on", "decided_on"):
                    days |= rollup.days_of(received_on, decided_on)
                for fact in facts:
                    days |= rollup.days_of(fact.received_on, fact.decided_on)
            ApplicationFact.objects.bulk_create(
                facts, update_conflicts=True, unique_fields=["application"], update_fields=FACT_UPDATE_FIELDS
            )
            count += len(facts)
        rollup.refresh(None if full else days)
        if started is not None:
            _advance("application_facts", started)
    return count


def application_facts_recompute(years: Iterable[int]) -> int:
    """The calendar of `years` changed: count the working days of decisions touching them again."""
    years = sorted(set(years))
    ids = ApplicationFact.objects.filter(
        Q(decided_on__year__in=years) | Q(accepted_on__year__in=years), outcome__in=DECISION_OUTCOMES
    ).values_list("application_id", flat=True)
    return application_facts_sync(application_ids=list(ids))


def fact_totals_rebuild(*, recent_days: int | None = None) -> int:
    """Recount the dashboards' daily and monthly totals from the facts (one transaction): the last
    `recent_days` days up to today and their months, or every day when None."""
    if recent_days is None:
        return rollup.refresh()
    today = _today()
    return rollup.refresh(today - dt.timedelta(days=n) for n in range(recent_days + 1))


def oversight_sync(*, full: bool = False) -> dict:
    """The periodic run: new service events, then the facts of the applications that changed."""
    return {"events": service_events_sync(), "facts": application_facts_sync(full=full)}


# --- 好差评 ---------------------------------------------------------------------------------------------
@transaction.atomic
def rating_create(
    *,
    event: ServiceEvent,
    user,
    level: str,
    comment: str = "",
    anonymous: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
) -> Rating:
    """The enterprise rates one service it received, once. A real-name bad review opens a callback."""
    if user_role(user) != "enterprise" or user.enterprise_id != event.enterprise_id:
        raise ForbiddenError(
            _("Only the enterprise that received the service may rate it."), code="not_own_event"
        )
    if level not in RatingLevel.values:
        raise DomainError(_("Choose one of the five ratings."), field="level", code="bad_level")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(
            _("The comment is longer than %d characters.") % COMMENT_MAX, field="comment", code="too_long"
        )
    if level in BAD_LEVELS and not comment:
        raise DomainError(
            _("Say what was unsatisfactory, so it can be verified and put right."),
            field="comment",
            code="comment_required",
        )
    locked = ServiceEvent.objects.select_for_update().select_related("enterprise").get(pk=event.pk)
    if Rating.objects.filter(event=locked).exists():
        raise ConflictError(_("This service has already been rated."), code="already_rated")
    if anonymous:
        contact_name = contact_phone = ""
    else:
        contact_name = (contact_name or "").strip()[:50] or user.display_name
        contact_phone = (contact_phone or "").strip()[:20] or user.phone or locked.enterprise.contact_phone
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                event=locked,
                enterprise_id=locked.enterprise_id,
                agency_id=locked.agency_id,
                level=level,
                comment=comment,
                anonymous=bool(anonymous),
                rated_by=None if anonymous else user,
                contact_name=contact_name,
                contact_phone=contact_phone,
                rated_on=_today(),
            )
    except IntegrityError:
        raise ConflictError(_("This service has already been rated."), code="already_rated") from None
    # An anonymous rating leaves no name in the audit log either: only the enterprise is known.
    audit_record(
        actor="anonymous" if anonymous else user,
        obj=rating,
        action="rating.create",
        after={"event": locked.pk, "level": level, "anonymous": bool(anonymous)},
    )
    if rating.is_bad and not rating.anonymous:
        _callback_open(rating)
    return rating


# --- callbacks (回访) -------------------------------------------------------------------------------------
def callback_days(agency) -> int:
    setting = OversightSetting.objects.filter(agency=agency).first()
    return setting.callback_working_days if setting else DEFAULT_CALLBACK_WORKING_DAYS


def callback_pool(agency) -> list:
    """Who may be given a callback: the designated handlers, else the approvers, else the supervisors."""
    User = get_user_model()
    active = User.objects.filter(agency=agency, is_active=True)
    designated = active.filter(callback_duties__agency=agency)
    for candidates in (designated, active.filter(role="approver"), active.filter(role="supervisor")):
        people = list(
            candidates.annotate(
                load=Count(
                    "callback_tasks",
                    filter=Q(callback_tasks__state__in=[CallbackState.OPEN, CallbackState.CONTACTED]),
                )
            ).order_by("load", "pk")
        )
        if people:
            return people
    return []


def _callback_open(rating: Rating) -> CallbackTask:
    agency = rating.agency
    pool = callback_pool(agency)
    assignee = pool[0] if pool else None
    due = calendar.add_working_days(rating.rated_on, callback_days(agency))
    task = CallbackTask.objects.create(
        rating=rating,
        agency=agency,
        enterprise_id=rating.enterprise_id,
        assignee=assignee,
        due_on=due.date,
        due_provisional=due.provisional,
    )
    audit_record(
        actor="system",
        obj=task,
        action="callback.open",
        after={"assignee": assignee.pk if assignee else None, "due_on": due.date.isoformat()},
        context={"rating": rating.pk},
    )
    if assignee is not None:
        notify_users(
            [assignee],
            title=_("Bad review to call back by %s") % due.date.isoformat(),
            body=_("%(enterprise)s rated a service “%(level)s”: %(comment)s")
            % {
                "enterprise": rating.enterprise.name,
                "level": rating.get_level_display(),
                "comment": rating.comment,
            },
            link=f"/oversight/callbacks/{task.pk}/",
        )
    return task


def may_handle_callback(user, task: CallbackTask) -> bool:
    """The assignee; or, standing in for them (顶岗补位, seed 000 item 十), a designated handler,
    approver or supervisor of the same agency."""
    if not user.is_authenticated or user.agency_id != task.agency_id:
        return False
    if user.pk == task.assignee_id or user.role in ("approver", "supervisor"):
        return True
    return OversightSetting.objects.filter(agency_id=task.agency_id, callback_handlers=user).exists()


def _lock_callback(task: CallbackTask, actor) -> CallbackTask:
    locked = CallbackTask.objects.select_for_update().select_related("rating").get(pk=task.pk)
    if not may_handle_callback(actor, locked):
        raise ForbiddenError(
            _("Only the designated handler or a head of the agency may record this callback.")
        )
    return locked


def _run(obj, name: str) -> None:
    method = getattr(obj, name)
    if not can_proceed(method):
        raise ConflictError(
            _("Not possible while it is “%s”; reload the page.") % obj.get_state_display(),
            code="illegal_transition",
        )
    method()


def _save(obj) -> None:
    try:
        obj.save()
    except ConcurrentTransition:
        raise ConflictError(_("Someone else changed this at the same moment; nothing was saved.")) from None


@transaction.atomic
def callback_record_contact(
    *, task: CallbackTask, actor, contacted_at: dt.datetime, method: str, person: str, notes: str
) -> CallbackTask:
    """回访: when, how and whom the handler reached, and what the enterprise said."""
    if method not in ContactMethod.values:
        raise DomainError(_("Say how the enterprise was contacted."), field="method")
    if not (person or "").strip():
        raise DomainError(_("Name the person reached."), field="person")
    if not (notes or "").strip():
        raise DomainError(_("Record what the enterprise said."), field="notes")
    if contacted_at > timezone.now():
        raise DomainError(_("The contact cannot be in the future."), field="contacted_at")
    task = _lock_callback(task, actor)
    # The form records minutes: a callback in the minute of the review is not "before" it.
    if contacted_at < task.rating.rated_at.replace(second=0, microsecond=0):
        raise DomainError(_("The contact cannot be before the review."), field="contacted_at")
    _run(task, "record_contact")
    task.contacted_at, task.contact_method = contacted_at, method
    task.contact_person, task.contact_notes = person.strip()[:50], notes.strip()
    task.contacted_by = actor
    _save(task)
    audit_record(
        actor=actor,
        obj=task,
        action="callback.contact",
        after={"state": task.state, "method": method, "contacted_at": contacted_at.isoformat()},
        reason=notes,
    )
    return task


@transaction.atomic
def callback_close(
    *, task: CallbackTask, actor, findings: str, verification: str, rectification: str = ""
) -> CallbackTask:
    """核实确认: whether the complaint holds and what was put right; a confirmed one needs its rectification."""
    if verification not in Verification.values:
        raise DomainError(_("Say whether the complaint was confirmed."), field="verification")
    if not (findings or "").strip():
        raise DomainError(_("Record what the verification found."), field="findings")
    if verification == Verification.CONFIRMED and not (rectification or "").strip():
        raise DomainError(_("A confirmed complaint needs its rectification."), field="rectification")
    task = _lock_callback(task, actor)
    _run(task, "close")
    task.findings, task.verification = findings.strip(), verification
    task.rectification = (rectification or "").strip()
    task.closed_on, task.closed_by = _today(), actor
    _save(task)
    audit_record(
        actor=actor,
        obj=task,
        action="callback.close",
        after={"state": task.state, "verification": verification, "on_time": task.closed_on <= task.due_on},
        reason=findings,
    )
    return task


@transaction.atomic
def callback_reassign(*, task: CallbackTask, actor, assignee) -> CallbackTask:
    """A head of the agency (approver or supervisor) hands the callback to another of its staff."""
    if actor.role not in ("approver", "supervisor") or actor.agency_id != task.agency_id:
        raise ForbiddenError(_("Only an approver or supervisor of the agency may reassign a callback."))
    if assignee.agency_id != task.agency_id or assignee.role not in ("officer", "approver", "supervisor"):
        raise DomainError(_("Choose a member of the agency's staff."), field="assignee")
    locked = CallbackTask.objects.select_for_update().get(pk=task.pk)
    if locked.state == CallbackState.CLOSED:
        raise ConflictError(_("The callback is closed."), code="closed")
    before = locked.assignee_id
    locked.assignee = assignee
    _save(locked)
    audit_record(
        actor=actor,
        obj=locked,
        action="callback.reassign",
        before={"assignee": before},
        after={"assignee": assignee.pk},
    )
    notify_users(
        [assignee],
        title=_("Bad review to call back by %s") % locked.due_on.isoformat(),
        link=f"/oversight/callbacks/{locked.pk}/",
    )
    return locked


@transaction.atomic
def oversight_setting_update(
    *, agency, actor, callback_working_days: int, handlers: Iterable
) -> OversightSetting:
    """The agency's callback setting: its supervisors (or an administrator) keep it."""
    role = user_role(actor)
    if role != "admin" and not (
        role == "supervisor" and (actor.agency_id == agency.pk or actor.agency.is_national)
    ):
        raise ForbiddenError(_("Only a supervisor of the agency may change its callback setting."))
    if not 1 <= int(callback_working_days) <= 60:
        raise DomainError(_("Between 1 and 60 working days."), field="callback_working_days")
    handlers = list(handlers)
    strangers = [
        h for h in handlers if h.agency_id != agency.pk or h.role not in ("officer", "approver", "supervisor")
    ]
    if strangers:
        raise DomainError(_("Handlers must be staff of the agency."), field="handlers")
    setting, _created = OversightSetting.objects.select_for_update().get_or_create(agency=agency)
    before = {
        "days": setting.callback_working_days,
        "handlers": sorted(setting.callback_handlers.values_list("pk", flat=True)),
    }
    setting.callback_working_days = int(callback_working_days)
    setting.save()
    setting.callback_handlers.set(handlers)
    audit_record(
        actor=actor,
        obj=setting,
        action="oversight.setting_update",
        before=before,
        after={"days": setting.callback_working_days, "handlers": sorted(h.pk for h in handlers)},
    )
    return setting


# --- work flags (seed 000 item 九) ------------------------------------------------------------------------
def work_flags_regenerate(*, today: dt.date | None = None, full: bool = False) -> dict[str, int]:
    """Run every detector and store what it finds; a finding already flagged is only marked as seen
    again (never duplicated, never reopened). `full` looks at all history, else at the look-back window."""
    from oversight.detectors import FLAG_LOOKBACK_DAYS, detectors

    today = today or _today()
    since = None if full else today - dt.timedelta(days=FLAG_LOOKBACK_DAYS)
    counts: dict[str, int] = {}
    for detector in detectors():
        findings = list(detector(since=since, today=today))
        keys = [f.subject_key for f in findings]
        with transaction.atomic():
            existing = set(
                WorkFlag.objects.filter(rule=detector.rule, subject_key__in=keys).values_list(
                    "subject_key", flat=True
                )
            )
            new = [f for f in findings if f.subject_key not in existing]
            WorkFlag.objects.bulk_create(
                [
                    WorkFlag(
                        agency_id=f.agency_id,
                        rule=detector.rule,
                        subject_key=f.subject_key,
                        application_id=f.application_id,
                        licence_id=f.licence_id,
                        facts=f.facts,
                        occurred_on=f.occurred_on,
                        detected_on=today,
                        last_detected_on=today,
                    )
                    for f in new
                ],
                ignore_conflicts=True,
            )
            WorkFlag.objects.filter(rule=detector.rule, subject_key__in=existing).update(
                last_detected_on=today
            )
        counts[detector.rule] = len(new)
    if any(counts.values()):
        audit_record(
            actor="system", obj=("oversight", "work_flags"), action="work_flags.regenerate", after=counts
        )
    return counts


def _require_supervisor_of(actor, agency_id: int) -> None:
    if user_role(actor) != "supervisor" or not (actor.agency_id == agency_id or actor.agency.is_national):
        raise ForbiddenError(_("Only the supervision group of the agency may do this."))


@transaction.atomic
def work_flag_report(
    *, actor, agency, rule: str, description: str, occurred_on: dt.date, application=None
) -> WorkFlag:
    """What the data cannot show — an intermediary designated, fees charged — recorded by hand."""
    _require_supervisor_of(actor, agency.pk)
    if rule not in MANUAL_RULES:
        raise DomainError(_("Choose what kind of finding this is."), field="rule")
    if not (description or "").strip():
        raise DomainError(_("Describe the finding and its evidence."), field="description")
    if occurred_on > _today():
        raise DomainError(_("The date cannot be in the future."), field="occurred_on")
    if application is not None and application.agency_id != agency.pk:
        raise DomainError(_("That application is not this agency's."), field="application")
    flag = WorkFlag.objects.create(
        agency=agency,
        rule=rule,
        application=application,
        description=description.strip(),
        occurred_on=occurred_on,
        detected_on=_today(),
        last_detected_on=_today(),
        manual=True,
        reported_by=actor,
    )
    audit_record(actor=actor, obj=flag, action="work_flag.report", after={"rule": rule}, reason=description)
    return flag


def _decide_flag(flag: WorkFlag, actor, transition_name: str, note: str) -> WorkFlag:
    locked = WorkFlag.objects.select_for_update().get(pk=flag.pk)
    _require_supervisor_of(actor, locked.agency_id)
    _run(locked, transition_name)
    locked.decision_note, locked.decided_by, locked.decided_at = note.strip(), actor, timezone.now()
    _save(locked)
    audit_record(
        actor=actor,
        obj=locked,
        action=f"work_flag.{transition_name}",
        before={"state": FlagState.OPEN},
        after={"state": locked.state},
        reason=note,
    )
    return locked


@transaction.atomic
def work_flag_confirm(*, flag: WorkFlag, actor, note: str = "") -> WorkFlag:
    """Confirmed: a real irregularity (to be put right; a breach of discipline goes to 纪检, item 九)."""
    return _decide_flag(flag, actor, "confirm", note or "")


@transaction.atomic
def work_flag_dismiss(*, flag: WorkFlag, actor, reason: str) -> WorkFlag:
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for dismissing the flag."), field="reason")
    return _decide_flag(flag, actor, "dismiss", reason)
