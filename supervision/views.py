"""Supervision pages: warnings, rectification orders, commitment checks, scan runs; the enterprise's view.

Views validate (forms), services decide; a DomainError becomes an error message and nothing changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit_record
from core.exceptions import DomainError
from core.permissions import role_required
from credit.models import Tier
from supervision import selectors, services
from supervision.exports import xlsx_response
from supervision.forms import (
    AnswerForm,
    CheckFilterForm,
    CheckRecordForm,
    ComparisonFormSet,
    OrderFilterForm,
    OrderRectificationForm,
    RevokeForm,
    VerifyForm,
    WarningFilterForm,
)
from supervision.letters import warning_letters_bulk
from supervision.models import CommitmentCheck, RectificationOrder

STAFF = ("officer", "approver", "supervisor", "admin")
ACTORS = ("officer", "approver")
EVERYONE = ("enterprise", *STAFF)
PAGE_SIZE = 50
TIER_LABELS = dict(Tier.choices)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    return params.urlencode()


def _attempt(request, action, success: str) -> bool:
    """Run a service call; a broken rule becomes the page's error message (nothing was changed)."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _audit_export(request, what: str, filters: dict) -> None:
    audit_record(
        actor=request.user,
        obj=("supervision.export", what),
        action="supervision.export",
        after={k: str(v) for k, v in filters.items()},
        ip=request.META.get("REMOTE_ADDR"),
    )


# --- home ----------------------------------------------------------------------------------------


@role_required(*STAFF)
def home(request):
    user = request.user
    national = user.is_superuser or user.role == "admin" or user.is_national_supervisor
    return render(
        request,
        "supervision/home.html",
        {
            "summary": selectors.warning_summary(user),
            "coverage": selectors.commitment_coverage(user),
            "coverage_by_agency": selectors.commitment_coverage(user, by_agency=True) if national else None,
            "latest_scan": selectors.latest_scan(),
            "open_orders": selectors.orders_list(user, {"state": "open"}).count(),
            "candidates": selectors.revocation_candidates(user).count(),
            "checks_due_soon": selectors.checks_list(user, {"state": "due", "due": "30"}).count(),
            "checks_overdue": selectors.checks_list(user, {"state": "due", "due": "overdue"}).count(),
        },
    )


# --- warnings ------------------------------------------------------------------------------------


@role_required(*STAFF)
def warnings_page(request):
    form = WarningFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    warnings = selectors.warnings_list(request.user, filters)
    if request.GET.get("export") == "xlsx":
        _audit_export(request, "warnings", filters)
        return xlsx_response(
            "warnings",
            _("Warnings"),
            [
                _("No."),
                _("Type"),
                _("Status"),
                _("Enterprise"),
                _("Unified social credit code"),
                _("Province"),
                _("Licence"),
                _("Credit tier"),
                _("Evidence"),
                _("Follow up by"),
                _("Officer in charge"),
                _("First found on"),
                _("Evidence last changed on"),
                _("Rectification order"),
            ],
            (
                [
                    w.pk,
                    w.get_type_display(),
                    w.get_status_display(),
                    w.enterprise.name,
                    w.enterprise.credit_code,
                    w.enterprise.get_province_display(),
                    w.licence.number,
                    str(TIER_LABELS.get(w.tier, "")),
                    w.evidence,
                    w.due_on,
                    w.owner.display_name if w.owner else "",
                    w.first_seen_on,
                    w.changed_on,
                    w.order.number if w.order else "",
                ]
                for w in warnings.iterator(chunk_size=2000)
            ),
        )
    return render(
        request,
        "supervision/warnings.html",
        {
            "form": form,
            "page": _page(request, warnings),
            "querystring": _querystring(request),
            "can_print": request.user.role in ACTORS,
        },
    )


@require_POST
@role_required(*ACTORS)
def warning_letters(request):
    """Print the 监管预警提示函 of every warning the current filter shows (e.g. all of one scan run) as
    one bulk job; the officer follows its progress on the job's page and downloads one PDF."""
    form = WarningFilterForm(request.GET or None, user=request.user)
    back = f"{reverse('supervision:warnings')}?{_querystring(request)}"
    if form.is_bound and not form.is_valid():
        messages.error(request, _("The filter is not valid; nothing was printed."))
        return redirect(back)
    result = {}

    def issue():
        result["job"], result["skipped"] = warning_letters_bulk(
            warnings=selectors.warnings_list(request.user, form.filters()), actor=request.user
        )

    if not _attempt(request, issue, _("The warning letters are being prepared.")):
        return redirect(back)
    if result["skipped"]:
        messages.info(
            request,
            _("%(n)d selected warnings were left out: they already have a current letter or are internal.")
            % {"n": result["skipped"]},
        )
    return redirect("documents:bulk-job", pk=result["job"].pk)


@role_required(*EVERYONE)
def warning_detail(request, pk: int):
    warning = selectors.warning_get(request.user, pk)
    order_form = OrderRectificationForm()
    if request.method == "POST":
        if request.user.role not in ACTORS:
            raise Http404
        action = request.POST.get("action")
        if action == "order":
            order_form = OrderRectificationForm(request.POST)
            if order_form.is_valid():
                result = {}

                def issue():
                    result["order"] = services.warning_order_rectification(
                        warning=warning,
                        officer=request.user,
                        deadline=order_form.cleaned_data["deadline"],
                        findings=order_form.cleaned_data["findings"],
                    )

                if _attempt(request, issue, _("Rectification ordered.")):
                    return redirect("supervision:order", pk=result["order"].pk)
        elif action == "recheck":
            from supervision.scan import licence_conditions_recheck

            licence_conditions_recheck(warning.licence)
            messages.success(request, _("The licence was checked again."))
            return redirect("supervision:warning", pk=warning.pk)
    return render(
        request,
        "supervision/warning_detail.html",
        {"warning": warning, "order_form": order_form, "can_act": request.user.role in ACTORS},
    )


# --- rectification orders ------------------------------------------------------------------------


@role_required(*STAFF)
def orders_page(request):
    form = OrderFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    orders = selectors.orders_list(request.user, filters)
    if request.GET.get("export") == "xlsx":
        _audit_export(request, "orders", filters)
        return xlsx_response(
            "rectification-orders",
            _("Rectification orders"),
            [
                _("Order number"),
                _("State"),
                _("Source"),
                _("Enterprise"),
                _("Unified social credit code"),
                _("Province"),
                _("Licence"),
                _("Credit tier"),
                _("Findings to rectify"),
                _("Issued on"),
                _("Rectify by"),
                _("Answered on"),
                _("Closed on"),
                _("Issued by"),
            ],
            (
                [
                    o.number,
                    o.get_state_display(),
                    o.get_source_display(),
                    o.enterprise.name,
                    o.enterprise.credit_code,
                    o.enterprise.get_province_display(),
                    o.licence.number if o.licence else "",
                    str(TIER_LABELS.get(o.tier, "")),
                    o.findings,
                    o.issued_on,
                    o.deadline,
                    o.answered_on,
                    o.closed_on,
                    o.issued_by.display_name,
                ]
                for o in orders.iterator(chunk_size=2000)
            ),
        )
    return render(
        request,
        "supervision/orders.html",
        {"form": form, "page": _page(request, orders), "querystring": _querystring(request)},
    )


@role_required(*EVERYONE)
def order_detail(request, pk: int):
    order = selectors.order_get(request.user, pk)
    answer_form, verify_form, revoke_form = AnswerForm(), VerifyForm(), RevokeForm()
    if request.method == "POST":
        action = request.POST.get("action")
        done = False
        if action == "answer" and request.user.role == "enterprise":
            answer_form = AnswerForm(request.POST, request.FILES)
            if answer_form.is_valid():
                done = _attempt(
                    request,
                    lambda: services.rectification_answer(
                        order=order,
                        actor=request.user,
                        answer=answer_form.cleaned_data["answer"],
                        uploads=answer_form.cleaned_data["files"],
                    ),
                    _("Your answer was sent to the agency."),
                )
        elif action == "verify" and request.user.role in ACTORS:
            verify_form = VerifyForm(request.POST)
            if verify_form.is_valid():
                done = _attempt(
                    request,
                    lambda: services.rectification_verify(
                        order=order,
                        officer=request.user,
                        accepted=verify_form.cleaned_data["accepted"],
                        note=verify_form.cleaned_data["note"],
                    ),
                    _("Verification recorded."),
                )
        elif action == "revoke" and request.user.role in ACTORS:
            revoke_form = RevokeForm(request.POST)
            if revoke_form.is_valid():
                done = _attempt(
                    request,
                    lambda: services.rectification_revoke_licence(
                        order=order, officer=request.user, reason=revoke_form.cleaned_data["reason"]
                    ),
                    _("The licence was revoked."),
                )
        else:
            raise Http404
        if done:
            return redirect("supervision:order", pk=order.pk)
    state = RectificationOrder.State
    role = request.user.role
    return render(
        request,
        "supervision/order_detail.html",
        {
            "order": order,
            "evidence": order.evidence.select_related("uploaded_by"),
            "answer_form": answer_form,
            "verify_form": verify_form,
            "revoke_form": revoke_form,
            "can_answer": role == "enterprise" and order.state == state.ISSUED,
            "can_verify": role in ACTORS and order.state == state.ANSWERED,
            "can_revoke": role in ACTORS
            and order.state == state.ESCALATED
            and order.licence is not None
            and not order.licence_revoked_on
            and order.licence.status in ("valid", "suspended"),
        },
    )


@role_required(*EVERYONE)
def order_evidence(request, pk: int, evidence_id: int):
    order = selectors.order_get(request.user, pk)
    evidence = order.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


@role_required(*STAFF)
def candidates_page(request):
    return render(
        request,
        "supervision/candidates.html",
        {"page": _page(request, selectors.revocation_candidates(request.user))},
    )


# --- commitment checks ---------------------------------------------------------------------------


@role_required(*STAFF)
def checks_page(request):
    form = CheckFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    checks = selectors.checks_list(request.user, filters)
    if request.GET.get("export") == "xlsx":
        _audit_export(request, "checks", filters)
        return xlsx_response(
            "commitment-checks",
            _("Commitment checks"),
            [
                _("No."),
                _("State"),
                _("Enterprise"),
                _("Unified social credit code"),
                _("Province"),
                _("Licence"),
                _("Credit tier"),
                _("Licence decided on"),
                _("Check due by"),
                _("Checked on"),
                _("Method"),
                _("Outcome"),
                _("Officer in charge"),
                _("Rectification order"),
                _("Referred for a penalty case"),
            ],
            (
                [
                    c.pk,
                    c.get_state_display(),
                    c.enterprise.name,
                    c.enterprise.credit_code,
                    c.enterprise.get_province_display(),
                    c.licence.number,
                    str(TIER_LABELS.get(c.tier, "")),
                    c.decided_on,
                    c.due_on,
                    c.checked_on,
                    c.get_method_display(),
                    c.get_outcome_display(),
                    c.owner.display_name if c.owner else "",
                    c.order.number if c.order else "",
                    _("yes") if c.penalty_referral else "",
                ]
                for c in checks.iterator(chunk_size=2000)
            ),
        )
    return render(
        request,
        "supervision/checks.html",
        {
            "form": form,
            "page": _page(request, checks),
            "querystring": _querystring(request),
            "coverage": selectors.commitment_coverage(request.user),
        },
    )


@role_required(*EVERYONE)
def check_detail(request, pk: int):
    check = selectors.check_get(request.user, pk)
    can_record = request.user.role in ACTORS and check.state == CommitmentCheck.State.DUE
    form = CheckRecordForm()
    formset = ComparisonFormSet(
        initial=selectors.comparison_template(check) if can_record else [], prefix="row"
    )
    if request.method == "POST":
        if not can_record:
            raise Http404
        form = CheckRecordForm(request.POST)
        formset = ComparisonFormSet(request.POST, prefix="row")
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            rows = [row for row in formset.cleaned_data if row and (row.get("item") or "").strip()]
            if _attempt(
                request,
                lambda: services.commitment_check_record(
                    check=check,
                    officer=request.user,
                    method=data["method"],
                    comparison=rows,
                    outcome=data["outcome"],
                    note=data["note"],
                    deadline=data.get("deadline"),
                ),
                _("The check was recorded."),
            ):
                return redirect("supervision:check", pk=check.pk)
    return render(
        request,
        "supervision/check_detail.html",
        {"check": check, "form": form, "formset": formset, "can_record": can_record},
    )


# --- scan runs -----------------------------------------------------------------------------------


@role_required(*STAFF)
def scans_page(request):
    return render(request, "supervision/scans.html", {"page": _page(request, selectors.scan_runs())})


@require_POST
@role_required("admin")
def scan_start(request):
    from supervision.tasks import scan_licence_conditions

    try:
        scan_licence_conditions.delay(triggered_by=request.user.get_username())
    except Exception:
        messages.error(request, _("The task queue is unavailable; try again later."))
    else:
        audit_record(actor=request.user, obj=("supervision.scanrun", "new"), action="scan.request")
        messages.success(request, _("The scan was queued; refresh this page to follow it."))
    return redirect("supervision:scans")


# --- the enterprise's own ------------------------------------------------------------------------


@role_required("enterprise")
def mine(request):
    user = request.user
    return render(
        request,
        "supervision/mine.html",
        {
            "warnings": selectors.warnings_list(user, {"status": "all"}).order_by("-first_seen_on", "-pk")[
                :100
            ],
            "orders": selectors.orders_list(user, {"state": "all"}).order_by("-issued_on", "-pk")[:100],
            "checks": selectors.checks_list(user, {"state": "all"}).order_by("-due_on", "-pk")[:100],
        },
    )
