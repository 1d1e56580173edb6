"""The letters of supervision as verifiable PDFs: the 责令整改通知书 issued with an order, and the
监管预警提示函 of a scan's warnings, printed as one bulk job."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from core.models import Notification
from core.notify import notify_enterprise
from core.outbox import enqueue
from documents.models import Document, Validity
from documents.services import document_bulk_request, document_request
from licensing.letters import licence_title
from supervision.models import INTERNAL_TYPES, LicenceWarning

LEGAL_BASIS = "《承装（修、试）电力设施许可证管理办法》"


def order_letter(order, actor):
    return document_request(
        doc_type="rectification_order",
        agency=order.agency,
        enterprise=order.enterprise,
        subject_type="supervision.rectificationorder",
        subject_id=order.pk,
        actor=actor,
        context={
            "inspected_on": order.issued_on,
            "inspection_kind": str(order.get_source_display()),
            "findings": [line.strip() for line in order.findings.splitlines() if line.strip()]
            or [order.findings],
            "legal_basis": LEGAL_BASIS,
            "rectify_by": order.deadline,
            "contact_name": order.issued_by.display_name,
        },
    )


# --- 监管预警提示函: the letters of a scan's warnings, printed as one bulk job ------------------------

WARNING_LETTER_SUBJECT = "supervision.licencewarning"
# One job renders every letter and combines them; past this many the officer narrows the filter
# (a 500-letter job takes about a minute on one worker, docs/benchmarks.md).
WARNING_LETTERS_MAX = 1000
# Seed 000 (the notice behind the monthly scan) is a 征求意见稿: a letter cites the rules in force only.
BASIS_BY_LICENCE_TYPE = {
    "facility": "《承装（修、试）电力设施许可证管理办法》",
    "business": "《电力业务许可证管理规定》",
}
REQUIRED_ACTION = {
    "personnel_shortfall": "请你单位对照许可条件及时补充配备相关人员、完成人员证书复审，并在平台更新人员信息。",
    "equipment_shortfall": "请你单位对照许可条件及时补充配备相关机具设备，并在平台更新设备信息。",
    "roster_missing": "请你单位在平台如实填报在岗人员信息，确保持续满足许可条件。",
    "expiring": "请你单位在许可证有效期届满前按规定提出有效期延续申请；逾期未申请的，许可证到期后自动失效。",
    "unit_end_of_life": "请你单位及时对相关机组开展安全评估，并按规定申请办理许可事项变更或有效期延续。",
}
WARNING_KIND = {
    "personnel_shortfall": "人员不满足许可条件",
    "equipment_shortfall": "机具设备不满足许可条件",
    "roster_missing": "未填报人员信息",
    "expiring": "许可证有效期即将届满",
    "unit_end_of_life": "发电机组即将达到设计寿命",
}
RESPOND_WITHIN_DAYS = 30


def warning_letter_context(warning, *, contact_name: str = "") -> dict:
    licence = warning.licence
    basis = BASIS_BY_LICENCE_TYPE.get(licence.licence_type, BASIS_BY_LICENCE_TYPE["facility"])
    evidence = [line.strip(" ;；") for line in warning.evidence.replace("；", "\n").splitlines()]
    return {
        "licence_title": licence_title(licence.licence_type, licence.business_class),
        "licence_number": licence.number,
        "found_on": warning.changed_on or warning.first_seen_on,
        "warning_kind": WARNING_KIND[warning.type],
        "evidence": [line for line in evidence if line] or [warning.evidence],
        "required_action": REQUIRED_ACTION[warning.type],
        "respond_by": timezone.localdate() + dt.timedelta(days=RESPOND_WITHIN_DAYS),
        "legal_basis": basis,
        "contact_name": contact_name,
    }


@transaction.atomic
def warning_letters_bulk(*, warnings, actor):
    """Issue a 监管预警提示函 for each active warning of `warnings` that has none yet, as one bulk
    print job of the actor's agency. Returns `(job, skipped)`: warnings that already have a current
    letter, or that are the agency's own (internal types) or closed, are skipped and counted.

    One transaction: the job, its documents and the enterprises' notification (outbox) together.
    Refuses (DomainError, nothing stored) when nothing is left to print, when the selection spans
    another agency, or when it is larger than WARNING_LETTERS_MAX."""
    agency = getattr(actor, "agency", None)
    if agency is None:
        raise DomainError(_("Only an officer of an agency can issue warning letters."), code="no_agency")
    selected = warnings.filter(status__in=LicenceWarning.ACTIVE).exclude(type__in=INTERNAL_TYPES)
    if selected.exclude(agency=agency).exists():
        raise DomainError(
            _("The selection includes warnings of another agency; filter by your own agency first."),
            code="warning_letters_agency",
        )
    issued = Document.objects.filter(
        doc_type="supervision_warning", subject_type=WARNING_LETTER_SUBJECT, validity=Validity.CURRENT
    ).values_list("subject_id", flat=True)
    considered = warnings.count()
    ids = set(selected.values_list("pk", flat=True))
    already = {int(i) for i in issued.filter(subject_id__in=[str(i) for i in ids])}
    to_print = sorted(ids - already)
    if not to_print:
        raise DomainError(
            _("Every selected warning already has its letter (or none is active); nothing to print."),
            code="warning_letters_empty",
        )
    if len(to_print) > WARNING_LETTERS_MAX:
        raise DomainError(
            _(
                "%(n)d letters selected; print at most %(max)d at once — narrow the filter (e.g. by type or province)."
            )
            % {"n": len(to_print), "max": WARNING_LETTERS_MAX},
            code="warning_letters_too_many",
        )
    rows = (
        LicenceWarning.objects.filter(pk__in=to_print)
        .select_related("licence", "enterprise")
        .order_by("enterprise__province", "enterprise__name", "pk")
    )
    contact = getattr(actor, "display_name", "") or ""
    items = [
        {
            "enterprise": w.enterprise,
            "subject_type": WARNING_LETTER_SUBJECT,
            "subject_id": w.pk,
            "context": warning_letter_context(w, contact_name=contact),
        }
        for w in rows
    ]
    job = document_bulk_request(
        doc_type="supervision_warning",
        agency=agency,
        items=items,
        actor=actor,
        title=_("Warning letters × %d") % len(items),
    )
    enqueue("supervision.notify_warning_letters", job.pk)  # with the job, sent after commit
    return job, considered - len(items)


def warning_letters_notify(job_id: int) -> int:
    """Tell each enterprise of a bulk job that its 监管预警提示函 were issued (one notification per
    enterprise, with the letter numbers). Idempotent: the link carries the job, and an enterprise
    already told about this job is not told again (a redelivered task tells nobody twice)."""
    documents = Document.objects.filter(bulk_job_id=job_id, subject_type=WARNING_LETTER_SUBJECT)
    numbers = dict(documents.values_list("subject_id", "number"))
    warnings = (
        LicenceWarning.objects.filter(pk__in=[int(pk) for pk in numbers])
        .select_related("enterprise", "licence")
        .order_by("enterprise_id", "pk")
    )
    by_enterprise = defaultdict(list)
    for warning in warnings:
        by_enterprise[warning.enterprise_id].append(warning)
    link = f"/supervision/mine/?letters={job_id}"
    told = set(
        Notification.objects.filter(link=link).values_list("user__enterprise_id", flat=True).distinct()
    )
    count = 0
    with transaction.atomic():
        for enterprise_id, items in by_enterprise.items():
            if enterprise_id in told:
                continue
            notify_enterprise(
                items[0].enterprise,
                title=_("Supervision warning letters issued: %d") % len(items),
                body="\n".join(
                    f"{numbers[str(w.pk)]} · {w.licence.number} · {w.get_type_display()}" for w in items
                ),
                link=link,
            )
            count += 1
    return count
