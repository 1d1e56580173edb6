"""The monthly licence-condition scan (许可条件保持智能预警, seed 000 一(五), SPEC §5).

This module is the scan's service layer: the only code that opens, updates and closes warnings.

- **Batches.** Valid licences are read in keyset pages by id (`id > cursor ORDER BY id LIMIT n`).
  Each batch runs in its own transaction: it claims the page by moving the run's cursor with a
  conditional UPDATE (a second worker on the same run updates nothing and looks again), evaluates
  the page with a fixed number of set-based queries, and writes the warnings. A worker killed in the
  middle loses only its uncommitted batch; the next invocation resumes the unfinished run at its cursor.
- **Set-based.** Qualified personnel are counted per enterprise and role, equipment per enterprise and
  item, with one GROUP BY each over the page; requirements come from the licence-condition tables
  in three small queries. Nothing issues a query per licence.
- **Idempotent.** A warning's identity is (licence, type, key); at most one is active per identity
  (a partial unique constraint). A re-run finds the same findings, keeps those warnings, opens only
  new findings and resolves warnings whose condition is gone.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_record
from licensing.dates import add_months, add_years
from licensing.models import (
    OPEN_STATES,
    Application,
    Equipment,
    EquipmentRequirement,
    GeneratingUnit,
    Kind,
    LicenceCondition,
    LicenceScope,
    LicenceStatus,
    LicenceType,
    Personnel,
    PersonnelRequirement,
    PersonnelRole,
)
from licensing.models import Licence as LicenceModel
from supervision.models import LicenceWarning, ScanRun

log = logging.getLogger(__name__)

Type = LicenceWarning.Type
Status = LicenceWarning.Status

DEFAULT_BATCH_SIZE = 1000
# Seed 000 一(五): remind to renew when the validity is about to end. The tightest window reached
# is the active reminder; entering a tighter one replaces it (and notifies again).
EXPIRY_REMINDER_DAYS: tuple[int, ...] = tuple(
    sorted(getattr(settings, "SUPERVISION_EXPIRY_REMINDER_DAYS", (90, 60, 30)), reverse=True)
)
UNIT_END_OF_LIFE_MONTHS = getattr(settings, "SUPERVISION_UNIT_END_OF_LIFE_MONTHS", 12)
# SPEC §2: the holder must report within 30 days when it no longer meets the conditions.
SHORTFALL_FOLLOW_UP_DAYS = 30
LEFT_LOOKBACK_DAYS = 365

ROLE_LABELS = {
    PersonnelRole.TECHNICAL_LEAD: gettext_lazy("Technical lead"),
    PersonnelRole.SAFETY_LEAD: gettext_lazy("Safety lead"),
    PersonnelRole.PROFESSIONAL: gettext_lazy("Professional and technical staff"),
    PersonnelRole.SKILLED_WORKER: gettext_lazy("Skilled workers"),
}
ROLE_ORDER = list(PersonnelRole.values)
CATEGORY_LABELS = {
    "install": gettext_lazy("Installation"),
    "repair": gettext_lazy("Repair"),
    "test": gettext_lazy("Testing"),
}


@dataclass
class Finding:
    licence_id: int
    enterprise_id: int
    agency_id: int
    type: str
    key: str
    evidence: str
    details: dict
    due_on: dt.date | None

    @property
    def identity(self) -> tuple[int, str, str]:
        return (self.licence_id, self.type, self.key)


@dataclass
class BatchResult:
    scanned: int = 0
    opened: list[int] = field(default_factory=list)
    closed: int = 0


@dataclass
class Page:
    """A keyset page: the valid licences with lo < id <= hi. Rows keyed by licence are selected by the
    id range (not a list of ids) and rows of licences outside the page (not valid) dropped in Python;
    rows keyed by holder are selected by the list of holders. A page costs the same few statements
    whatever its size."""

    lo: int
    hi: int
    licences: list[dict]

    def __post_init__(self):
        self.ids = {row["pk"] for row in self.licences}

    def span(self, field: str) -> dict:
        return {f"{field}__gt": self.lo, f"{field}__lte": self.hi}

    def holders(self) -> list[int]:
        # An explicit list, not a sub-select: PostgreSQL estimates the semi-join badly and reads the whole
        # personnel table per page; with the list it reads the holders' rows through the index.
        return sorted(
            {row["enterprise_id"] for row in self.licences if row["licence_type"] == LicenceType.FACILITY}
        )


# --- running a scan ------------------------------------------------------------------------------


def scan_run(
    *,
    on: dt.date | None = None,
    batch_size: int | None = None,
    triggered_by: str = "",
    max_batches: int | None = None,
) -> ScanRun:
    """Finish the unfinished run if there is one, else start one, and process it to the end.

    A resumed run keeps its own scan date (a run is a picture of one day); if it was older than `on`,
    a fresh run for `on` follows. `max_batches` stops early (the run stays resumable)."""
    on = on or timezone.localdate()
    run = _start_or_resume(on, batch_size or DEFAULT_BATCH_SIZE, triggered_by)
    run = _complete(run, max_batches)
    if run.status == ScanRun.Status.COMPLETED and run.scan_date < on:
        run = _complete(_start_or_resume(on, batch_size or DEFAULT_BATCH_SIZE, triggered_by), max_batches)
    return run


def _complete(run: ScanRun, max_batches: int | None) -> ScanRun:
    done = 0
    try:
        while max_batches is None or done < max_batches:
            if not scan_next_batch(run.pk):
                scan_finish(run.pk)
                break
            done += 1
    except Exception as exc:
        # The failed batch rolled back; the run stays "running" at its cursor for the next invocation.
        scan_record_error(run.pk, f"{type(exc).__name__}: {exc}")
        raise
    return ScanRun.objects.get(pk=run.pk)


def _start_or_resume(on: dt.date, batch_size: int, triggered_by: str) -> ScanRun:
    with transaction.atomic():
        run = ScanRun.objects.select_for_update().filter(status=ScanRun.Status.RUNNING).first()
        if run is not None:
            ScanRun.objects.filter(pk=run.pk).update(resumed=F("resumed") + 1)
            audit_record(actor="system", obj=run, action="scan.resume", after={"cursor": run.cursor})
            return run
        try:
            with transaction.atomic():
                run = ScanRun.objects.create(scan_date=on, batch_size=batch_size, triggered_by=triggered_by)
        except IntegrityError:  # another worker started one between our read and our insert
            return ScanRun.objects.get(status=ScanRun.Status.RUNNING)
        audit_record(
            actor="system",
            obj=run,
            action="scan.start",
            after={"scan_date": on.isoformat(), "batch_size": batch_size, "triggered_by": triggered_by},
        )
        return run


def scan_next_batch(run_id: int) -> bool:
    """Process the next page of the run. False when there is nothing left (or the run is finished)."""
    with transaction.atomic():
        run = ScanRun.objects.get(pk=run_id)
        if run.status != ScanRun.Status.RUNNING:
            return False
        # Row locks on the page: a renewal or a re-check of one of these licences waits for the batch,
        # so the scan never writes a finding from a stale read.
        licences = list(
            LicenceModel.objects.select_for_update()
            .filter(status=LicenceStatus.VALID, pk__gt=run.cursor)
            .order_by("pk")
            .values("pk", "enterprise_id", "agency_id", "licence_type", "valid_until")[: run.batch_size]
        )
        if not licences:
            return False
        claimed = ScanRun.objects.filter(pk=run.pk, status=ScanRun.Status.RUNNING, cursor=run.cursor).update(
            cursor=licences[-1]["pk"],
            batches=F("batches") + 1,
            licences_scanned=F("licences_scanned") + len(licences),
            heartbeat_at=timezone.now(),
        )
        if not claimed:
            return True  # another worker took this page; look at the cursor again
        result = _scan_licences(Page(run.cursor, licences[-1]["pk"], licences), run.scan_date, run)
        ScanRun.objects.filter(pk=run.pk).update(
            warnings_opened=F("warnings_opened") + len(result.opened),
            warnings_closed=F("warnings_closed") + result.closed,
        )
        audit_record(
            actor="system",
            obj=run,
            action="scan.batch",
            after={
                "from_id": licences[0]["pk"],
                "to_id": licences[-1]["pk"],
                "scanned": len(licences),
                "opened": result.opened,
                "closed": result.closed,
            },
        )
    return True


def scan_finish(run_id: int) -> bool:
    """Close the warnings of licences no longer in force, and mark the run completed. Idempotent."""
    with transaction.atomic():
        run = ScanRun.objects.select_for_update().get(pk=run_id)
        if run.status != ScanRun.Status.RUNNING:
            return False
        # Ids first, then an UPDATE by id: an UPDATE with a sub-select on its own table is planned as a
        # nested loop when the statistics still say the table is empty (right after a first big scan).
        not_in_force = [status for status in LicenceStatus.values if status != LicenceStatus.VALID]
        stale = list(
            LicenceWarning.objects.filter(
                status__in=LicenceWarning.ACTIVE, licence__status__in=not_in_force
            ).values_list("pk", flat=True)
        )
        resolution = _in_default_language(lambda: _("The licence is no longer in force."))
        closed = 0
        for start in range(0, len(stale), 1000):
            closed += LicenceWarning.objects.filter(
                pk__in=stale[start : start + 1000], status__in=LicenceWarning.ACTIVE
            ).update(status=Status.RESOLVED, closed_on=run.scan_date, resolution=resolution)
        ScanRun.objects.filter(pk=run.pk).update(
            status=ScanRun.Status.COMPLETED,
            finished_at=timezone.now(),
            warnings_closed=F("warnings_closed") + closed,
            last_error="",
        )
        run = ScanRun.objects.get(pk=run.pk)
        audit_record(
            actor="system",
            obj=run,
            action="scan.finish",
            after={
                "scanned": run.licences_scanned,
                "opened": run.warnings_opened,
                "closed": run.warnings_closed,
            },
        )
    return True


def scan_record_error(run_id: int, error: str) -> None:
    ScanRun.objects.filter(pk=run_id).update(last_error=error[:2000])


def licence_conditions_recheck(licence, on: dt.date | None = None) -> BatchResult:
    """Scan one licence now (after a rectification is verified, or on an officer's request)."""
    on = on or timezone.localdate()
    with transaction.atomic():
        rows = list(
            LicenceModel.objects.select_for_update()
            .filter(pk=licence.pk)
            .values("pk", "enterprise_id", "agency_id", "licence_type", "valid_until", "status")
        )
        if not rows:
            return BatchResult()
        if rows[0]["status"] != LicenceStatus.VALID:
            closed = LicenceWarning.objects.filter(
                licence_id=licence.pk, status__in=LicenceWarning.ACTIVE
            ).update(
                status=Status.RESOLVED,
                closed_on=on,
                resolution=_in_default_language(lambda: _("The licence is no longer in force.")),
            )
            return BatchResult(scanned=1, closed=closed)
        result = _scan_licences(Page(licence.pk - 1, licence.pk, rows), on, None)
        audit_record(
            actor="system",
            obj=("licensing.licence", licence.pk),
            action="scan.recheck",
            after={"opened": result.opened, "closed": result.closed},
        )
        return result


# --- one page ------------------------------------------------------------------------------------


def _scan_licences(page: Page, on: dt.date, run: ScanRun | None) -> BatchResult:
    findings = _in_default_language(lambda: evaluate(page, on))
    result = _apply(page, findings, on, run)
    if result.opened:
        from supervision.tasks import enqueue_warning_notifications

        opened = list(result.opened)
        # A broker outage must not undo the batch: the warnings stay "open" and the daily sweep
        # notifies them (robust: the error is logged, not raised).
        transaction.on_commit(lambda: enqueue_warning_notifications(opened), robust=True)
    return result


def _in_default_language(fn):
    """Evidence is stored text: write it in the platform's language whoever triggered the scan."""
    with translation.override(settings.LANGUAGE_CODE):
        return fn()


def evaluate(page: Page, on: dt.date) -> dict[tuple[int, str, str], Finding]:
    """Every finding on a page of licences, from a fixed number of queries."""
    licences = page.licences
    facility = [row for row in licences if row["licence_type"] == LicenceType.FACILITY]

    scopes: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    people: dict = {}
    equipment: dict = {}
    reference = None
    if facility:
        for licence_id, category, level_id, level_name in LicenceScope.objects.filter(
            **page.span("licence_id")
        ).values_list("licence_id", "category", "level_id", "level__name"):
            scopes[licence_id].append((category, level_id, level_name))
        reference = _Reference.load()
        people = _personnel_by_enterprise(page.holders(), on)
        equipment = _equipment_by_enterprise(page.holders())
    units = [
        row
        for row in GeneratingUnit.objects.filter(**page.span("licence_id")).values_list(
            "pk", "licence_id", "name", "capacity_mw", "commissioned_on", "design_life_years"
        )
        if row[1] in page.ids
    ]
    renewing = set(
        Application.objects.filter(
            kind=Kind.RENEWAL, state__in=OPEN_STATES, **page.span("licence_id")
        ).values_list("licence_id", flat=True)
    )

    findings: list[Finding] = []
    for row in facility:
        findings.extend(_facility_findings(row, scopes.get(row["pk"], []), reference, people, equipment, on))
    for row in licences:
        finding = _expiry_finding(row, on, renewing)
        if finding is not None:
            findings.append(finding)
    by_licence = {row["pk"]: row for row in licences}
    horizon = add_months(on, UNIT_END_OF_LIFE_MONTHS)
    for unit_id, licence_id, name, capacity, commissioned, life in units:
        end = add_years(commissioned, life)
        if end <= horizon:
            findings.append(
                _unit_finding(by_licence[licence_id], unit_id, name, capacity, commissioned, life, end, on)
            )
    return {f.identity: f for f in findings}


class _Reference:
    """The licence-condition tables (a few hundred rows), read once per page."""

    def __init__(self):
        self.conditions: dict[tuple[str, int], int] = {}
        self.personnel: dict[int, dict[str, int]] = defaultdict(dict)
        self.equipment: dict[int, dict[int, tuple[str, int]]] = defaultdict(dict)

    @classmethod
    def load(cls) -> _Reference:
        ref = cls()
        for pk, category, level_id in LicenceCondition.objects.values_list("pk", "category", "level_id"):
            ref.conditions[(category, level_id)] = pk
        for condition_id, role, count in PersonnelRequirement.objects.values_list(
            "condition_id", "role", "min_count"
        ):
            ref.personnel[condition_id][role] = count
        for condition_id, item_id, item_name, count in EquipmentRequirement.objects.values_list(
            "condition_id", "item_id", "item__name", "min_count"
        ):
            ref.equipment[condition_id][item_id] = (item_name, count)
        return ref


def _personnel_by_enterprise(enterprise_ids, on: dt.date) -> dict[int, dict[str, dict]]:
    """Per enterprise and role: who counts (in post, certificate valid, insured) and why others do not."""
    in_post = Q(employed_from__lte=on) & (Q(employed_until__isnull=True) | Q(employed_until__gte=on))
    certificate_ok = Q(certificate_expiry__isnull=True) | Q(certificate_expiry__gte=on)
    expired = in_post & Q(certificate_expiry__lt=on)
    left = Q(employed_until__lt=on, employed_until__gte=on - dt.timedelta(days=LEFT_LOOKBACK_DAYS))
    rows = (
        Personnel.objects.filter(enterprise_id__in=enterprise_ids)
        .order_by()
        .values("enterprise_id", "role")
        .annotate(
            total=Count("pk"),
            qualified=Count("pk", filter=in_post & certificate_ok & Q(insured=True)),
            expired=Count("pk", filter=expired),
            latest_expiry=Max("certificate_expiry", filter=expired),
            uninsured=Count("pk", filter=in_post & certificate_ok & Q(insured=False)),
            left=Count("pk", filter=left),
            latest_left=Max("employed_until", filter=left),
        )
    )
    result: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in rows:
        result[row["enterprise_id"]][row["role"]] = row
    return result


def _equipment_by_enterprise(enterprise_ids) -> dict[int, dict[int, int]]:
    rows = (
        Equipment.objects.filter(enterprise_id__in=enterprise_ids, in_service=True)
        .order_by()
        .values("enterprise_id", "item_id")
        .annotate(n=Sum("quantity"))
    )
    result: dict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        result[row["enterprise_id"]][row["item_id"]] = row["n"] or 0
    return result


def _finding(row: dict, type_: str, evidence: str, details: dict, due_on, key: str = "") -> Finding:
    return Finding(
        licence_id=row["pk"],
        enterprise_id=row["enterprise_id"],
        agency_id=row["agency_id"],
        type=type_,
        key=key,
        evidence=evidence,
        details=details,
        due_on=due_on,
    )


def _scope_label(category: str, level_name: str) -> str:
    return f"{CATEGORY_LABELS.get(category, category)}{level_name}"


def _facility_findings(row, scopes, reference: _Reference, people, equipment, on) -> list[Finding]:
    follow_up = on + dt.timedelta(days=SHORTFALL_FOLLOW_UP_DAYS)
    if not scopes:
        return [
            _finding(
                row,
                Type.CONDITIONS_MISSING,
                _("The licence has no licensed categories recorded, so its conditions cannot be checked."),
                {"scopes": []},
                follow_up,
            )
        ]
    # A person or a machine may serve every category of the licence, so the requirement per role
    # (per item) is the largest over the licensed categories (as licensing.conditions.gap_report).
    need_roles: dict[str, int] = {}
    need_items: dict[int, tuple[str, int]] = {}
    missing_scopes = []
    for category, level_id, level_name in scopes:
        condition_id = reference.conditions.get((category, level_id))
        if condition_id is None or not reference.personnel.get(condition_id):
            missing_scopes.append({"category": category, "level": level_name})
            continue
        for role, count in reference.personnel[condition_id].items():
            need_roles[role] = max(need_roles.get(role, 0), count)
        for item_id, (name, count) in reference.equipment.get(condition_id, {}).items():
            need_items[item_id] = (name, max(need_items.get(item_id, (name, 0))[1], count))

    findings = []
    if missing_scopes:
        findings.append(
            _finding(
                row,
                Type.CONDITIONS_MISSING,
                _("No licence conditions are recorded for %(scopes)s; the scan cannot check them.")
                % {"scopes": _(", ").join(_scope_label(s["category"], s["level"]) for s in missing_scopes)},
                {"scopes": missing_scopes},
                follow_up,
            )
        )
    roster = people.get(row["enterprise_id"], {})
    if need_roles:
        if not any(r["total"] for r in roster.values()):
            findings.append(
                _finding(
                    row,
                    Type.ROSTER_MISSING,
                    _("No personnel are recorded for the holder; the licence requires %(need)s.")
                    % {
                        "need": _(", ").join(
                            f"{ROLE_LABELS[role]} {count}" for role, count in _sorted_roles(need_roles)
                        )
                    },
                    {"required": dict(need_roles)},
                    follow_up,
                )
            )
        else:
            short = _personnel_shortfall(need_roles, roster)
            if short:
                findings.append(
                    _finding(
                        row,
                        Type.PERSONNEL_SHORTFALL,
                        _("; ").join(_role_evidence(r) for r in short),
                        {"roles": short},
                        follow_up,
                    )
                )
    if need_items:
        have = equipment.get(row["enterprise_id"], {})
        short_items = [
            {"item_id": item_id, "item": name, "required": need, "available": have.get(item_id, 0)}
            for item_id, (name, need) in sorted(need_items.items(), key=lambda kv: kv[1][0])
            if have.get(item_id, 0) < need
        ]
        if short_items:
            findings.append(
                _finding(
                    row,
                    Type.EQUIPMENT_SHORTFALL,
                    _("; ").join(
                        _("%(item)s %(have)d of %(need)d required")
                        % {"item": i["item"], "have": i["available"], "need": i["required"]}
                        for i in short_items
                    ),
                    {"items": short_items},
                    follow_up,
                )
            )
    return findings


def _sorted_roles(need: dict[str, int]):
    return sorted(need.items(), key=lambda kv: ROLE_ORDER.index(kv[0]) if kv[0] in ROLE_ORDER else 99)


def _personnel_shortfall(need_roles: dict[str, int], roster: dict[str, dict]) -> list[dict]:
    short = []
    for role, need in _sorted_roles(need_roles):
        stats = roster.get(role, {})
        qualified = stats.get("qualified", 0)
        if qualified >= need:
            continue
        short.append(
            {
                "role": role,
                "required": need,
                "qualified": qualified,
                "expired": stats.get("expired", 0),
                "latest_expiry": _iso(stats.get("latest_expiry")),
                "uninsured": stats.get("uninsured", 0),
                "left": stats.get("left", 0),
                "latest_left": _iso(stats.get("latest_left")),
            }
        )
    return short


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _role_evidence(row: dict) -> str:
    text = _("%(role)s %(have)d of %(need)d required") % {
        "role": ROLE_LABELS.get(row["role"], row["role"]),
        "have": row["qualified"],
        "need": row["required"],
    }
    reasons = []
    if row["expired"]:
        reasons.append(
            _("%(count)d with an expired certificate, the latest expired %(date)s")
            % {"count": row["expired"], "date": row["latest_expiry"]}
        )
    if row["uninsured"]:
        reasons.append(_("%(count)d without social insurance") % {"count": row["uninsured"]})
    if row["left"]:
        reasons.append(
            _("%(count)d left in the last 12 months, the latest on %(date)s")
            % {"count": row["left"], "date": row["latest_left"]}
        )
    if reasons:
        text += _(" (%s)") % _(", ").join(reasons)
    return text


def _expiry_finding(row: dict, on: dt.date, renewing: set[int]) -> Finding | None:
    if row["pk"] in renewing:
        return None  # a renewal is with the agency: the reminder has done its job
    days_left = (row["valid_until"] - on).days
    reached = [t for t in EXPIRY_REMINDER_DAYS if days_left <= t]
    if not reached:
        return None
    threshold = min(reached)
    return _finding(
        row,
        Type.EXPIRING,
        _(
            "Valid until %(date)s (%(days)d days left, %(threshold)d-day reminder). Apply for renewal at "
            "least %(min)d days before expiry."
        )
        % {
            "date": row["valid_until"].isoformat(),
            "days": max(days_left, 0),
            "threshold": threshold,
            "min": settings.RENEWAL_MIN_DAYS_BEFORE_EXPIRY,
        },
        {"valid_until": row["valid_until"].isoformat(), "days_left": days_left, "threshold": threshold},
        row["valid_until"],
        key=str(threshold),
    )


def _unit_finding(row, unit_id, name, capacity, commissioned, life, end, on) -> Finding:
    values = {
        "unit": name,
        "mw": f"{capacity:g}" if capacity is not None else "",
        "commissioned": commissioned.isoformat(),
        "years": life,
        "date": end.isoformat(),
    }
    if end < on:
        text = _(
            "%(unit)s (%(mw)s MW, commissioned %(commissioned)s, design life %(years)d years) reached the "
            "end of its design life on %(date)s. Run a safety assessment and apply for a change or renewal."
        )
    else:
        text = _(
            "%(unit)s (%(mw)s MW, commissioned %(commissioned)s, design life %(years)d years) reaches the "
            "end of its design life on %(date)s. Run a safety assessment and apply for a change or renewal."
        )
    return _finding(
        row,
        Type.UNIT_END_OF_LIFE,
        text % values,
        {"unit_id": unit_id, "unit": name, "end_of_life": end.isoformat()},
        end,
        key=f"unit-{unit_id}",
    )


# --- writing the page's warnings ----------------------------------------------------------------


def _apply(page: Page, findings: dict, on: dt.date, run: ScanRun | None) -> BatchResult:
    # Plain tuples, not model instances: the FSM mixin reads every state field on instantiation.
    existing = {
        (licence_id, type_, key): (pk, evidence, details)
        for pk, licence_id, type_, key, evidence, details in LicenceWarning.objects.filter(
            status__in=LicenceWarning.ACTIVE, **page.span("licence_id")
        ).values_list("pk", "licence_id", "type", "key", "evidence", "details")
        if licence_id in page.ids
    }
    new = [f for identity, f in findings.items() if identity not in existing]
    kept = {identity: row for identity, row in existing.items() if identity in findings}
    gone = [row[0] for identity, row in existing.items() if identity not in findings]

    result = BatchResult(scanned=len(page.licences))
    if new:
        owners = owners_for({f.licence_id: f.agency_id for f in new})
        created = LicenceWarning.objects.bulk_create(
            [
                LicenceWarning(
                    licence_id=f.licence_id,
                    enterprise_id=f.enterprise_id,
                    agency_id=f.agency_id,
                    type=f.type,
                    key=f.key,
                    evidence=f.evidence,
                    details=f.details,
                    due_on=f.due_on,
                    owner_id=owners.get(f.licence_id),
                    first_seen_on=on,
                    changed_on=on,
                    opened_run=run,
                )
                for f in new
            ]
        )
        result.opened = [w.pk for w in created]
    if kept:
        changed = [
            LicenceWarning(
                pk=pk, details=findings[identity].details, evidence=findings[identity].evidence, changed_on=on
            )
            for identity, (pk, evidence, details) in kept.items()
            if findings[identity].details != details or findings[identity].evidence != evidence
        ]
        if changed:
            LicenceWarning.objects.bulk_update(changed, ["details", "evidence", "changed_on"])
    if gone:
        result.closed = LicenceWarning.objects.filter(pk__in=gone, status__in=LicenceWarning.ACTIVE).update(
            status=Status.RESOLVED,
            closed_on=on,
            resolution=_in_default_language(
                lambda: _("No longer found by the scan of %(date)s.") % {"date": on.isoformat()}
            ),
        )
    return result


def owners_for(licence_agencies: dict[int, int]) -> dict[int, int | None]:
    """The follow-up officer of each licence, deterministically: the officer of the licence's agency
    who handled its latest application, else a round-robin over the agency's active officers by
    licence id. Two queries whatever the number of licences."""
    User = get_user_model()
    officers: dict[int, list[int]] = defaultdict(list)
    for agency_id, user_id in (
        User.objects.filter(role="officer", is_active=True, agency_id__in=set(licence_agencies.values()))
        .order_by("agency_id", "pk")
        .values_list("agency_id", "pk")
    ):
        officers[agency_id].append(user_id)
    handled: dict[int, int] = {}
    for licence_id, user_id in (
        Application.objects.filter(
            licence_id__in=list(licence_agencies),
            handled_by__isnull=False,
            handled_by__is_active=True,
            handled_by__agency_id=F("agency_id"),
        )
        .order_by("licence_id", "-pk")
        .values_list("licence_id", "handled_by_id")
    ):
        handled.setdefault(licence_id, user_id)
    owners: dict[int, int | None] = {}
    for licence_id, agency_id in licence_agencies.items():
        pool = officers.get(agency_id, [])
        if licence_id in handled and handled[licence_id] in pool:
            owners[licence_id] = handled[licence_id]
        else:
            owners[licence_id] = pool[licence_id % len(pool)] if pool else None
    return owners
