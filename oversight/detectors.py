"""Daily work supervision (seed 000 item 九), computed from the data.

Each detector is a read: it yields `Finding`s, one per subject, keyed so that the daily run
(`services.work_flags_regenerate`) stores each at most once. Detectors use one or two queries each;
none walks all applications in Python.

Extension points for apps merged later:
- `register_detector(rule, label, find)` adds a rule (e.g. penalties: a decision without hearing notice);
- `register_publishable(Publishable(...))` adds an outcome whose publication is checked by the
  `not_published` rule (penalty decisions, random-inspection results), with its deadline from the
  `DisclosureRule` of the same key.

What the data cannot show — an intermediary designated, fees charged — the supervision group records
by hand (`services.work_flag_report`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import calendar
from core.models import AuditLog
from licensing.models import (
    Application,
    ApplicationScope,
    EquipmentRequirement,
    Licence,
    LicenceCondition,
    LicenceScope,
    PersonnelRequirement,
    State,
)
from oversight.models import DisclosureRule, FlagRule

# The daily run looks this far back; `manage.py oversight_refresh --full` looks at everything.
FLAG_LOOKBACK_DAYS = 120
DECIDED_STATES = (State.APPROVED, State.DENIED)
APPLICATION_TYPE = "licensing.application"


# How the facts of a flag are labelled on its page (keys are stable codes, also in the API).
FACT_LABELS = {
    "number": _("Application number"),
    "accepted_on": _("Accepted on"),
    "decided_on": _("Decided on"),
    "deadline": _("Decision due"),
    "late": _("Working days late"),
    "days": _("Extension (working days)"),
    "reason": _("Reason"),
    "approved_by": _("Approved by"),
    "decided_by": _("Decided by"),
    "credit_tier": _("Credit tier at acceptance"),
    "requested": _("Applied for"),
    "licensed": _("Licensed after approval"),
    "widened": _("Widened"),
    "narrowed": _("Narrowed"),
    "changed": _("Level differs"),
    "dropped": _("Dropped"),
    "items": _("Materials asked for"),
    "action": _("Step"),
    "object": _("Edited object"),
    "by": _("Edited by"),
    "change": _("Change"),
    "within": _("To be published within (working days)"),
    "outcome": _("Outcome"),
}


@dataclass(frozen=True)
class Finding:
    subject_key: str
    agency_id: int
    occurred_on: dt.date
    application_id: int | None = None
    licence_id: int | None = None
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Detector:
    rule: str
    label: str
    find: Callable[..., Iterable[Finding]]

    def __call__(self, *, since: dt.date | None, today: dt.date) -> Iterable[Finding]:
        return self.find(since=since, today=today)


_DETECTORS: dict[str, Detector] = {}


def register_detector(rule: str, label, find: Callable[..., Iterable[Finding]]) -> None:
    _DETECTORS[rule] = Detector(rule, label, find)


def detectors() -> list[Detector]:
    return list(_DETECTORS.values())


def rule_label(rule: str) -> str:
    if rule in FlagRule.values:
        return str(FlagRule(rule).label)
    detector = _DETECTORS.get(rule)
    return str(detector.label) if detector else rule


def detector(rule: FlagRule):
    def decorate(find):
        register_detector(rule.value, rule.label, find)
        return find

    return decorate


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _decided(since: dt.date | None):
    qs = Application.objects.filter(state__in=DECIDED_STATES)
    return qs.filter(decided_on__gte=since) if since else qs


APP_FIELDS = ("pk", "agency_id", "number", "decided_on", "accepted_on", "deadline", "licence_id")


def _app_finding(row: dict, **facts) -> Finding:
    return Finding(
        subject_key=f"app:{row['pk']}",
        agency_id=row["agency_id"],
        occurred_on=row["decided_on"],
        application_id=row["pk"],
        licence_id=row["licence_id"],
        facts={"number": row["number"], **facts},
    )


# --- steps out of order (许可流程是否规范) ------------------------------------------------------------
@detector(FlagRule.DECISION_WITHOUT_ACCEPTANCE)
def decision_without_acceptance(*, since, today):
    rows = _decided(since).filter(Q(accepted_on__isnull=True) | Q(accepted_on__gt=F("decided_on")))
    for row in rows.values(*APP_FIELDS):
        yield _app_finding(row, accepted_on=_iso(row["accepted_on"]), decided_on=_iso(row["decided_on"]))


@detector(FlagRule.DECISION_WITHOUT_PROPOSAL)
def decision_without_proposal(*, since, today):
    # A renewal deemed granted (行政许可法 art. 50) has no proposal by law.
    rows = _decided(since).filter(deemed_granted=False, proposed_by__isnull=True)
    for row in rows.values(*APP_FIELDS):
        yield _app_finding(row, decided_on=_iso(row["decided_on"]))


@detector(FlagRule.FOUR_EYES)
def four_eyes(*, since, today):
    rows = _decided(since).filter(Q(decided_by=F("handled_by")) | Q(decided_by=F("proposed_by")))
    for row in rows.values(*APP_FIELDS, "decided_by__username"):
        yield _app_finding(row, decided_by=row["decided_by__username"])


@detector(FlagRule.APPROVAL_WITHOUT_SITE_INSPECTION)
def approval_without_site_inspection(*, since, today):
    """Seed 003 item 3: 失信 / 严重失信 get an on-site inspection item by item before approval."""
    rows = _decided(since).filter(
        state=State.APPROVED, site_inspection="mandatory", site_inspection_done=False, deemed_granted=False
    )
    for row in rows.values(*APP_FIELDS, "credit_tier"):
        yield _app_finding(row, credit_tier=row["credit_tier"])


# --- time limits (是否在法定时限内完成) -------------------------------------------------------------------
@detector(FlagRule.DECIDED_LATE)
def decided_late(*, since, today):
    rows = _decided(since).filter(deadline__isnull=False, decided_on__gt=F("deadline"))
    for row in rows.values(*APP_FIELDS):
        late = calendar.working_days_between(row["deadline"], row["decided_on"]).days
        yield _app_finding(row, deadline=_iso(row["deadline"]), decided_on=_iso(row["decided_on"]), late=late)


def _audit_rows(actions: Iterable[str], since: dt.date | None):
    rows = AuditLog.objects.filter(object_type=APPLICATION_TYPE, action__in=list(actions))
    return rows.filter(at__gte=_start_of(since)) if since else rows


def _apps_by_id(ids: Iterable[str]) -> dict[int, dict]:
    ids = {int(pk) for pk in ids}
    return {
        row["pk"]: row
        for row in Application.objects.filter(pk__in=ids).values(
            *APP_FIELDS, "extension_days", "extension_reason", "kind"
        )
    }


@detector(FlagRule.TIME_LIMIT_EXTENDED)
def time_limit_extended(*, since, today):
    """Every granted extension (行政许可法 art. 42) is reviewed by the supervision group."""
    audits = list(
        _audit_rows(["application.extension_granted"], since).values("object_id", "at", "actor_repr")
    )
    apps = _apps_by_id(a["object_id"] for a in audits)
    for audit in audits:
        row = apps.get(int(audit["object_id"]))
        if row is None:
            continue
        yield Finding(
            subject_key=f"app:{row['pk']}",
            agency_id=row["agency_id"],
            occurred_on=timezone.localdate(audit["at"]),
            application_id=row["pk"],
            facts={
                "number": row["number"],
                "days": row["extension_days"],
                "reason": row["extension_reason"],
                "approved_by": audit["actor_repr"],
            },
        )


# --- scope and conditions (擅自扩大（缩小）许可范围、增设（减少）许可条件) ---------------------------------
def scope_deviation(kind_action: str, requested: dict, before: dict, after: dict) -> dict:
    """How the licence right after approval differs from what was applied for ({} when it matches):
    - widened: categories granted that were neither asked for nor held before;
    - narrowed: categories asked for and not granted;
    - changed: categories granted at another level than asked ("asked → granted");
    - dropped: categories held before and gone after (a licensed-item change only)."""
    widened = {c: lv for c, lv in after.items() if c not in requested and before.get(c) != lv}
    narrowed = {c: lv for c, lv in requested.items() if c not in after}
    changed = {c: f"{lv} → {after[c]}" for c, lv in requested.items() if c in after and after[c] != lv}
    dropped = {c: lv for c, lv in before.items() if c not in after} if kind_action != "licence.grant" else {}
    deviation = {"widened": widened, "narrowed": narrowed, "changed": changed, "dropped": dropped}
    return {k: v for k, v in deviation.items() if v}


@detector(FlagRule.SCOPE_DIFFERS)
def scope_differs(*, since, today):
    """Compares the licence's scopes in the audit row written at approval with the application's
    requested scopes (level names, as the audit snapshot stores them)."""
    audits = AuditLog.objects.filter(
        object_type="licensing.licence", action__in=["licence.grant", "licence.licensed_change"]
    )
    if since:
        audits = audits.filter(at__gte=_start_of(since))
    audits = list(audits.values("object_id", "action", "before", "after", "context", "at"))
    app_ids = {a["context"].get("application") for a in audits if a["context"].get("application")}
    requested: dict[int, dict] = {}
    for row in ApplicationScope.objects.filter(application_id__in=app_ids).values(
        "application_id", "category", "level__name"
    ):
        requested.setdefault(row["application_id"], {})[row["category"]] = row["level__name"]
    apps = _apps_by_id(str(pk) for pk in app_ids)
    for audit in audits:
        app_id = audit["context"].get("application")
        row = apps.get(app_id)
        if row is None or app_id not in requested:
            continue
        before = (audit["before"] or {}).get("scopes", {})
        after = (audit["after"] or {}).get("scopes", {})
        deviation = scope_deviation(audit["action"], requested[app_id], before, after)
        if deviation:
            yield Finding(
                subject_key=f"app:{app_id}",
                agency_id=row["agency_id"],
                occurred_on=timezone.localdate(audit["at"]),
                application_id=app_id,
                licence_id=int(audit["object_id"]),
                facts={
                    "number": row["number"],
                    "requested": requested[app_id],
                    "licensed": after,
                    **deviation,
                },
            )


def _admin_entries(models, since: dt.date | None):
    types = ContentType.objects.get_for_models(*models)
    entries = LogEntry.objects.filter(content_type__in=types.values())
    if since:
        entries = entries.filter(action_time__gte=_start_of(since))
    by_type = {ct.pk: model for model, ct in types.items()}
    return [
        (by_type[e["content_type_id"]], e)
        for e in entries.values(
            "pk",
            "content_type_id",
            "object_id",
            "object_repr",
            "action_time",
            "change_message",
            "action_flag",
            "user__username",
        )
    ]


@detector(FlagRule.LICENCE_EDITED)
def licence_edited(*, since, today):
    """SPEC §2: a licence changes only as the result of a decided application or a penalty. An edit
    in the Django admin (its LogEntry) is a change outside any procedure. Edits made outside the
    admin (shell, SQL) leave no trace and cannot be detected."""
    entries = _admin_entries([Licence, LicenceScope], since)
    scope_ids = [
        int(e["object_id"]) for model, e in entries if model is LicenceScope and e["object_id"].isdigit()
    ]
    scope_licence = dict(LicenceScope.objects.filter(pk__in=scope_ids).values_list("pk", "licence_id"))
    licence_ids = {
        int(e["object_id"]) for model, e in entries if model is Licence and e["object_id"].isdigit()
    }
    licence_ids |= set(scope_licence.values())
    agencies = dict(Licence.objects.filter(pk__in=licence_ids).values_list("pk", "agency_id"))
    for model, entry in entries:
        oid = int(entry["object_id"]) if entry["object_id"].isdigit() else None
        licence_id = oid if model is Licence else scope_licence.get(oid)
        if licence_id not in agencies:
            continue  # the row is gone (a deleted scope): the licence it belonged to is not known
        yield Finding(
            subject_key=f"log:{entry['pk']}",
            agency_id=agencies[licence_id],
            occurred_on=timezone.localdate(entry["action_time"]),
            licence_id=licence_id,
            facts={
                "object": entry["object_repr"],
                "by": entry["user__username"],
                "change": entry["change_message"],
            },
        )


@detector(FlagRule.REQUEST_AFTER_ACCEPTANCE)
def request_after_acceptance(*, since, today):
    """一次性告知: everything missing is asked for once, before acceptance. A correction notice after
    acceptance, or a request for materials during review, may add a condition; the group checks it."""
    audits = list(
        _audit_rows(["application.ask_applicant", "application.request_correction"], since).values(
            "pk", "object_id", "action", "at", "context"
        )
    )
    apps = _apps_by_id(a["object_id"] for a in audits)
    for audit in audits:
        row = apps.get(int(audit["object_id"]))
        if row is None:
            continue
        day = timezone.localdate(audit["at"])
        if audit["action"] == "application.request_correction" and (
            row["accepted_on"] is None or day < row["accepted_on"]
        ):
            continue
        yield Finding(
            subject_key=f"audit:{audit['pk']}",
            agency_id=row["agency_id"],
            occurred_on=day,
            application_id=row["pk"],
            facts={
                "number": row["number"],
                "items": audit["context"].get("items", []),
                "action": audit["action"],
            },
        )


@detector(FlagRule.CONDITIONS_EDITED)
def conditions_edited(*, since, today):
    """A licence condition (or one of its personnel / equipment rows) edited in the admin while an
    application asking for that category and level was between acceptance and decision. Only admin
    edits leave a LogEntry; a requirement row deleted on its own page cannot be traced to its condition."""
    entries = _admin_entries([LicenceCondition, PersonnelRequirement, EquipmentRequirement], since)
    ids = {
        model: [int(e["object_id"]) for m, e in entries if m is model and e["object_id"].isdigit()]
        for model in (LicenceCondition, PersonnelRequirement, EquipmentRequirement)
    }
    condition_of = {("c", pk): pk for pk in ids[LicenceCondition]}
    for model, tag in ((PersonnelRequirement, "p"), (EquipmentRequirement, "e")):
        for pk, condition_id in model.objects.filter(pk__in=ids[model]).values_list("pk", "condition_id"):
            condition_of[(tag, pk)] = condition_id
    conditions = dict(
        (pk, (category, level_id))
        for pk, category, level_id in LicenceCondition.objects.filter(
            pk__in=set(condition_of.values())
        ).values_list("pk", "category", "level_id")
    )
    tags = {LicenceCondition: "c", PersonnelRequirement: "p", EquipmentRequirement: "e"}
    for model, entry in entries:
        if not entry["object_id"].isdigit():
            continue
        condition_id = condition_of.get((tags[model], int(entry["object_id"])))
        if condition_id not in conditions:
            continue
        category, level_id = conditions[condition_id]
        day = timezone.localdate(entry["action_time"])
        scope_match = Q(scopes__category=category, scopes__level_id=level_id) | Q(
            scopes__isnull=True, licence__scopes__category=category, licence__scopes__level_id=level_id
        )
        running = (
            Application.objects.filter(scope_match, accepted_on__lte=day)
            .filter(Q(decided_on__isnull=True) | Q(decided_on__gte=day))
            .exclude(state__in=[State.WITHDRAWN, State.NOT_ACCEPTED, State.TERMINATED])
            .distinct()
        )
        for row in running.values("pk", "agency_id", "number"):
            yield Finding(
                subject_key=f"app:{row['pk']}:log:{entry['pk']}",
                agency_id=row["agency_id"],
                occurred_on=day,
                application_id=row["pk"],
                facts={
                    "number": row["number"],
                    "object": entry["object_repr"],
                    "by": entry["user__username"],
                    "change": entry["change_message"],
                },
            )


# --- publication (许可结果是否及时主动公开) -----------------------------------------------------------------
@dataclass(frozen=True)
class Publishable:
    """An outcome that must be published within its DisclosureRule's working days.

    `unpublished(decided_until, since)` yields a Finding for each outcome decided on or before
    `decided_until` (the deadline has passed) that is still not public.
    """

    key: str
    label: str
    unpublished: Callable[[dt.date, dt.date | None], Iterable[Finding]]


_PUBLISHABLE: dict[str, Publishable] = {}


def register_publishable(publishable: Publishable) -> None:
    _PUBLISHABLE[publishable.key] = publishable


def publishables() -> list[Publishable]:
    return list(_PUBLISHABLE.values())


def past_due_cutoff(today: dt.date, n: int) -> dt.date:
    """The last day whose n-working-day deadline is already past on `today`: an outcome decided on or
    before it should have been published (due = decided + n working days, start day not counted)."""
    cal = calendar.get_calendar()
    current, counted = today, 0
    while counted < n + 1:
        if cal.is_workday(current):
            counted += 1
        current -= dt.timedelta(days=1)
    return current


def licensing_decisions_unpublished(decided_until: dt.date, since: dt.date | None):
    """A licensing decision is published when the licence appears in the public register (at once,
    in the approval's transaction; a denial is listed on /public/decisions/ at once). So this only
    finds an approval whose licence is missing from the register: an anomaly, not a delay."""
    rows = Application.objects.filter(
        state=State.APPROVED, decided_on__lte=decided_until, licence__isnull=True
    )
    if since:
        rows = rows.filter(decided_on__gte=since)
    for row in rows.values(*APP_FIELDS):
        yield Finding(
            subject_key=f"licensing_decisions:{row['pk']}",
            agency_id=row["agency_id"],
            occurred_on=row["decided_on"],
            application_id=row["pk"],
            facts={"number": row["number"], "outcome": "licensing_decisions"},
        )


register_publishable(
    Publishable("licensing_decisions", "licensing decisions", licensing_decisions_unpublished)
)


@detector(FlagRule.NOT_PUBLISHED)
def not_published(*, since, today):
    rules = {r.key: r for r in DisclosureRule.objects.all()}
    for publishable in publishables():
        rule = rules.get(publishable.key)
        if rule is None:
            continue
        decided_until = past_due_cutoff(today, rule.publish_within_working_days)
        for finding in publishable.unpublished(decided_until, since):
            yield Finding(
                subject_key=finding.subject_key,
                agency_id=finding.agency_id,
                occurred_on=finding.occurred_on,
                application_id=finding.application_id,
                licence_id=finding.licence_id,
                # the rule's title (行政处罚决定 …) reads better on the flag's page than its key
                facts={**finding.facts, "outcome": rule.title, "within": rule.publish_within_working_days},
            )
