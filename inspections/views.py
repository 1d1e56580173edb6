"""Pages of field supervision: officers, approvers and supervisors (read-only); enterprises see their own
inspections and self-inspection; the public sees published campaign results, the draw's verification,
and a complaint form."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import history_of
from core.exceptions import DomainError
from core.permissions import role_required
from inspections import exports, forms, selectors, services
from inspections.models import (
    Campaign,
    ChecklistItem,
    Complaint,
    Inspection,
    InspectionKind,
    ItemResult,
    ListKind,
    SelfInspectionCampaign,
    SelfInspectionReport,
)

READERS = ("officer", "approver", "supervisor", "admin")
STAFF = ("officer", "approver")
PAGE_SIZE = 50


# service argument → form field, where they are named differently
FIELD_ALIASES = {"inspector_ids": "inspectors", "verifier_ids": "verifiers"}


def _fail(request, form, exc: DomainError) -> None:
    """A refused service call: on the field when the form has it, else as a page message."""
    field = FIELD_ALIASES.get(exc.field, exc.field)
    if form is not None and field and field in form.fields:
        form.add_error(field, exc.message)
    else:
        messages.error(request, exc.message)


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _is_staff(user) -> bool:
    return user.role in STAFF and not user.is_superuser


# --- home ------------------------------------------------------------------------------------------------
@role_required(*READERS)
def home(request):
    user = request.user
    context = {
        "campaigns": selectors.campaigns_for(user)[:5],
        "list_counts": selectors.three_list_counts(user),
        "coverage": selectors.key_coverage(user),
        "complaints_waiting": selectors.complaints_for(user, state=Complaint.State.RECEIVED).count(),
        "referrals_open": selectors.referrals_for(user, state="open").count(),
        "tasks": selectors.my_tasks(user) if _is_staff(user) else None,
        "list_kinds": ListKind.choices,
    }
    return render(request, "inspections/home.html", context)


# --- campaigns ---------------------------------------------------------------------------------------------
@role_required(*READERS)
def campaign_list(request):
    qs = selectors.campaigns_for(request.user)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response("campaigns.xlsx", [exports.campaigns_sheet(qs)])
    return render(request, "inspections/campaign_list.html", {"page": _page(request, qs)})


@role_required(*STAFF)
def campaign_new(request):
    agency = request.user.agency
    form = forms.CampaignForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_draw(
                officer=request.user,
                name=data["name"],
                licence_type=data["licence_type"],
                category=data["category"],
                level=data["level"],
                provinces=data["provinces"],
                tiers=data["tiers"],
                sample_size=data["sample_size"],
                sample_rate=data["sample_rate"],
                inspector_ids=[u.pk for u in data["inspectors"]],
                conflict_years=data["conflict_years"],
                default_kind=data["default_kind"],
                due_on=data["due_on"],
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(
                request,
                _("Campaign %(number)s drawn: %(n)d enterprises.")
                % {"number": campaign.number, "n": campaign.inspections.count()},
            )
            return redirect("inspections:campaign", pk=campaign.pk)
    return render(request, "inspections/campaign_form.html", {"form": form})


@role_required(*READERS)
def campaign_detail(request, pk: int):
    campaign = selectors.campaign_get(request.user, pk)
    targets = selectors.campaign_targets(campaign)
    fmt = request.GET.get("format")
    report = selectors.campaign_report(campaign)
    if fmt == "xlsx":
        return exports.xlsx_response(
            f"{campaign.number}.xlsx",
            [
                exports.campaign_report_sheet(campaign, report),
                exports.campaign_targets_sheet(campaign, targets),
            ],
        )
    return render(
        request,
        "inspections/campaign_detail.html",
        {
            "campaign": campaign,
            "targets": _page(request, targets),
            "report": report,
            "can_act": _is_staff(request.user) and request.user.agency_id == campaign.agency_id,
        },
    )


@role_required(*READERS)
def campaign_verify(request, pk: int):
    campaign = selectors.campaign_get(request.user, pk)
    return render(
        request,
        "inspections/campaign_verify.html",
        {"campaign": campaign, "verification": selectors.campaign_verification(campaign), "public": False},
    )


def _inputs_response(campaign: Campaign) -> HttpResponse:
    # The stored text as it is: its SHA-256 is the published hash (sha256sum checks it).
    response = HttpResponse(
        campaign.inputs_json.encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{campaign.number}-inputs.json"'
    return response


@role_required(*READERS)
def campaign_inputs(request, pk: int):
    return _inputs_response(selectors.campaign_get(request.user, pk))


@require_POST
@role_required(*STAFF)
def campaign_publish(request, pk: int):
    campaign = selectors.campaign_get(request.user, pk)
    try:
        services.campaign_publish(campaign=campaign, officer=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The results are published on the public site."))
    return redirect("inspections:campaign", pk=pk)


# --- inspections --------------------------------------------------------------------------------------------
@role_required(*READERS, "enterprise")
def inspection_list(request):
    g = request.GET
    qs = selectors.inspections_for(
        request.user,
        state=g.get("state", ""),
        origin=g.get("origin", ""),
        kind=g.get("kind", ""),
        q=g.get("q", "").strip(),
    )
    if g.get("format") == "xlsx":
        return exports.xlsx_response("inspections.xlsx", [exports.inspections_sheet(qs)])
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "page": _page(request, qs),
            "states": Inspection.State.choices,
            "origins": Inspection.Origin.choices,
            "kinds": InspectionKind.choices,
        },
    )


@role_required(*STAFF)
def inspection_new(request):
    agency = request.user.agency
    initial = {}
    if request.GET.get("enterprise"):
        from accounts.models import Enterprise

        enterprise = Enterprise.objects.filter(pk=request.GET["enterprise"], agency=agency).first()
        if enterprise:
            initial = {"enterprise": enterprise.credit_code, "origin": request.GET.get("origin", "targeted")}
    form = forms.InspectionPlanForm(request.POST or None, agency=agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_plan(
                officer=request.user,
                enterprise=data["enterprise"],
                kind=data["kind"],
                origin=data["origin"],
                reason=data["reason"],
                lead_inspector=data["lead_inspector"],
                second_inspector=data["second_inspector"],
                due_on=data["due_on"],
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Inspection %s planned.") % inspection.number)
            return redirect("inspections:inspection", pk=inspection.pk)
    return render(request, "inspections/inspection_form.html", {"form": form})


@role_required(*READERS, "enterprise")
def inspection_detail(request, pk: int):
    inspection = selectors.inspection_get(request.user, pk)
    user = request.user
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "items": selectors.inspection_items(inspection),
            "is_inspector": user.pk in inspection.inspector_ids,
            "can_cancel": _is_staff(user) and user.agency_id == inspection.agency_id,
            "cancel_form": forms.CancelForm(),
            "referrals": inspection.penalty_referrals.all(),
            "show_people": user.role != "enterprise",
        },
    )


def _record_kind(request, inspection) -> str:
    kind = request.POST.get("kind") or request.GET.get("kind") or inspection.kind
    return kind if kind in InspectionKind.values else inspection.kind


@role_required(*STAFF)
def inspection_record(request, pk: int):
    inspection = selectors.inspection_get(request.user, pk)
    if request.user.pk not in inspection.inspector_ids:
        messages.error(request, _("Only the two assigned inspectors may record this inspection."))
        return redirect("inspections:inspection", pk=pk)
    if inspection.state != Inspection.State.PLANNED:
        messages.error(request, _("This inspection is already %s.") % inspection.get_state_display())
        return redirect("inspections:inspection", pk=pk)
    kind = _record_kind(request, inspection)
    checklist = ChecklistItem.objects.filter(kind=kind, active=True).order_by("position")
    form = forms.InspectionRecordForm(
        request.POST or None, checklist=checklist, initial={"inspected_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        items = [
            services.ItemInput(
                checklist_item_id=item.pk,
                outcome=data[f"item_{item.pk}_outcome"],
                severity=data[f"item_{item.pk}_severity"]
                if data[f"item_{item.pk}_outcome"] == ItemResult.Outcome.FINDING
                else "",
                text=data[f"item_{item.pk}_text"],
            )
            for item in form.checklist
        ]
        if (data["extra_text"] or "").strip():
            items.append(
                services.ItemInput(
                    None, ItemResult.Outcome.FINDING, data["extra_severity"], data["extra_text"]
                )
            )
        video = None
        if kind == InspectionKind.VIDEO:
            video = services.VideoInput(
                started_at=data["video_started_at"],
                ended_at=data["video_ended_at"],
                participants=data["video_participants"],
                checked=data["video_checked"],
                recording_ref=data["video_recording_ref"],
            )
        try:
            services.inspection_record(
                inspection=inspection,
                officer=request.user,
                inspected_on=data["inspected_on"],
                summary=data["summary"],
                items=items,
                kind=kind,
                video=video,
                rectify_by=data["rectify_by"],
                refer_penalty=data["refer_penalty"],
                penalty_reason=data["penalty_reason"],
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("The inspection is recorded."))
            return redirect("inspections:inspection", pk=pk)
    return render(
        request,
        "inspections/inspection_record.html",
        {"inspection": inspection, "form": form, "kind": kind, "kinds": InspectionKind.choices},
    )


@require_POST
@role_required(*STAFF)
def inspection_cancel(request, pk: int):
    inspection = selectors.inspection_get(request.user, pk)
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the inspection is cancelled."))
        return redirect("inspections:inspection", pk=pk)
    try:
        services.inspection_cancel(
            inspection=inspection, officer=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The inspection is cancelled."))
    return redirect("inspections:inspection", pk=pk)


# --- 严重失信 coverage ----------------------------------------------------------------------------------------------
@role_required(*READERS)
def key_coverage(request):
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    coverage = selectors.key_coverage(request.user, year)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(f"key-coverage-{year}.xlsx", [exports.key_coverage_sheet(coverage)])
    return render(
        request, "inspections/key_coverage.html", {"coverage": coverage, "can_plan": _is_staff(request.user)}
    )


# --- 三清单 --------------------------------------------------------------------------------------------------------
@role_required(*READERS)
def three_lists(request):
    kind = request.GET.get("list", "")
    kind = kind if kind in ListKind.values else ""
    status = request.GET.get("status", "open")
    qs = selectors.three_list_entries(request.user, list_kind=kind, status=status)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response("three-lists.xlsx", [exports.three_list_sheet(qs)])
    return render(
        request,
        "inspections/three_lists.html",
        {
            "page": _page(request, qs),
            "kind": kind,
            "status": status,
            "kinds": ListKind.choices,
            "counts": selectors.three_list_counts(request.user),
        },
    )


@role_required(*STAFF)
def three_list_new(request):
    form = forms.ThreeListAddForm(request.POST or None, agency=request.user.agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.three_list_add(
                enterprise=data["enterprise"],
                list_kind=data["list_kind"],
                reason=data["reason"],
                officer=request.user,
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("The enterprise is on the list."))
            return redirect("inspections:three-list-entry", pk=entry.pk)
    return render(
        request, "inspections/simple_form.html", {"form": form, "title": _("Put an enterprise on a list")}
    )


@role_required(*READERS)
def three_list_entry(request, pk: int):
    entry = selectors.three_list_entry_get(request.user, pk)
    can_act = _is_staff(request.user) and request.user.agency_id == entry.agency_id
    plan_form = resolve_form = None
    if can_act:
        plan_form = forms.ThreeListPlanForm(
            request.POST if request.POST.get("action") == "plan" else None,
            agency=entry.agency,
            initial={
                "responsible": entry.responsible_id,
                "plan": entry.supervision_plan,
                "plan_due": entry.plan_due,
            },
        )
        resolve_form = forms.ResolveForm(request.POST if request.POST.get("action") == "resolve" else None)
    if request.method == "POST" and can_act:
        action = request.POST.get("action")
        form = plan_form if action == "plan" else resolve_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "plan":
                    services.three_list_plan(
                        entry=entry,
                        officer=request.user,
                        responsible=data["responsible"],
                        plan=data["plan"],
                        plan_due=data["plan_due"],
                    )
                else:
                    services.three_list_resolve(
                        entry=entry, officer=request.user, resolution=data["resolution"]
                    )
            except DomainError as exc:
                _fail(request, form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("inspections:three-list-entry", pk=pk)
    return render(
        request,
        "inspections/three_list_entry.html",
        {
            "entry": entry,
            "history": history_of(entry),
            "plan_form": plan_form,
            "resolve_form": resolve_form,
            "can_act": can_act and entry.state != entry.State.RESOLVED,
            "others": entry.enterprise.three_list_entries.exclude(pk=entry.pk).order_by("-listed_at"),
        },
    )


# --- complaints --------------------------------------------------------------------------------------------------
@role_required(*READERS)
def complaint_list(request):
    state = request.GET.get("state", "")
    qs = selectors.complaints_for(request.user, state=state if state in Complaint.State.values else "")
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response("complaints.xlsx", [exports.complaints_sheet(qs)])
    return render(
        request,
        "inspections/complaint_list.html",
        {"page": _page(request, qs), "states": Complaint.State.choices, "state": state},
    )


@role_required(*STAFF)
def complaint_new(request):
    form = forms.ComplaintRegisterForm(request.POST or None, agency=request.user.agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_register(officer=request.user, **data)
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Complaint %s registered.") % complaint.number)
            return redirect("inspections:complaint", pk=complaint.pk)
    return render(request, "inspections/simple_form.html", {"form": form, "title": _("Register a complaint")})


@role_required(*READERS)
def complaint_detail(request, pk: int):
    complaint = selectors.complaint_get(request.user, pk)
    can_act = (
        _is_staff(request.user)
        and request.user.agency_id == complaint.agency_id
        and complaint.state == Complaint.State.RECEIVED
    )
    form = forms.ExamineForm(request.POST or None) if can_act else None
    if request.method == "POST" and can_act and form.is_valid():
        try:
            services.complaint_examine(
                complaint=complaint,
                officer=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("The complaint is examined."))
            return redirect("inspections:complaint", pk=pk)
    return render(request, "inspections/complaint_detail.html", {"complaint": complaint, "form": form})


# --- referrals, conflicts ------------------------------------------------------------------------------------------
@role_required(*READERS)
def referral_list(request):
    qs = selectors.referrals_for(request.user, state=request.GET.get("state", ""))
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response("penalty-referrals.xlsx", [exports.referrals_sheet(qs)])
    return render(request, "inspections/referral_list.html", {"page": _page(request, qs)})


@role_required(*READERS)
def conflict_list(request):
    can_act = _is_staff(request.user)
    form = forms.ConflictForm(request.POST or None, agency=request.user.agency) if can_act else None
    if request.method == "POST" and can_act and form.is_valid():
        data = form.cleaned_data
        try:
            services.conflict_declare(
                inspector=data["inspector"],
                enterprise=data["enterprise"],
                relation=data["relation"],
                detail=data["detail"],
                actor=request.user,
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("The declaration is recorded."))
            return redirect("inspections:conflicts")
    qs = selectors.conflicts_for(request.user, standing_only=request.GET.get("all") != "1")
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response("conflicts.xlsx", [exports.conflicts_sheet(qs)])
    return render(
        request,
        "inspections/conflict_list.html",
        {
            "page": _page(request, qs),
            "form": form,
            "withdraw_form": forms.WithdrawForm(),
            "can_act": can_act,
            # the administrator may withdraw (as through the API), not declare: a declaration names
            # an agency's inspector
            "can_withdraw": can_act or request.user.role == "admin" or request.user.is_superuser,
        },
    )


@require_POST
@role_required(*STAFF, "admin")
def conflict_withdraw(request, pk: int):
    declaration = get_object_or_404(selectors.conflicts_for(request.user), pk=pk)
    form = forms.WithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Say why the declaration no longer stands."))
        services.conflict_withdraw(
            declaration=declaration, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The declaration is withdrawn."))
    return redirect("inspections:conflicts")


# --- 问题库 -------------------------------------------------------------------------------------------------------
@role_required(*READERS)
def problem_index(request):
    qs = selectors.problem_library_index(request.user, q=request.GET.get("q", "").strip())
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response("problem-library.xlsx", [exports.problems_sheet(qs)])
    return render(request, "inspections/problem_index.html", {"page": _page(request, qs)})


@role_required(*READERS)
def problem_detail(request, enterprise_id: int):
    library = selectors.problem_library(request.user, enterprise_id)
    return render(request, "inspections/problem_detail.html", {"library": library})


# --- 年度自查 -----------------------------------------------------------------------------------------------------
@role_required(*READERS, "enterprise")
def self_list(request):
    campaigns = selectors.self_campaigns_for(request.user)
    own = {}
    if request.user.role == "enterprise":
        own = {
            r.campaign_id: r
            for r in SelfInspectionReport.objects.filter(enterprise_id=request.user.enterprise_id)
        }
    rows = [(c, own.get(c.pk)) for c in campaigns]
    return render(request, "inspections/self_list.html", {"rows": rows, "can_open": _is_staff(request.user)})


@role_required(*STAFF)
def self_new(request):
    today = timezone.localdate()
    form = forms.SelfCampaignForm(
        request.POST or None,
        initial={"year": today.year, "title": _("Annual self-inspection %d") % today.year},
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.self_inspection_open(officer=request.user, **form.cleaned_data)
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("The self-inspection is open; licence holders are notified."))
            return redirect("inspections:self-campaign", pk=campaign.pk)
    return render(
        request, "inspections/simple_form.html", {"form": form, "title": _("Open an annual self-inspection")}
    )


@role_required(*READERS)
def self_campaign(request, pk: int):
    campaign = selectors.self_campaign_get(request.user, pk)
    reports = selectors.self_reports(campaign)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(
            f"self-inspection-{campaign.year}.xlsx", [exports.self_reports_sheet(reports)]
        )
    can_draw = (
        _is_staff(request.user)
        and request.user.agency_id == campaign.agency_id
        and campaign.state == SelfInspectionCampaign.State.OPEN
    )
    form = forms.DrawVerificationForm(request.POST or None, agency=campaign.agency) if can_draw else None
    if request.method == "POST" and can_draw and form.is_valid():
        try:
            services.self_inspection_draw(
                campaign=campaign,
                officer=request.user,
                verifier_ids=[u.pk for u in form.cleaned_data["verifiers"]],
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("The verification sample is drawn."))
            return redirect("inspections:self-campaign", pk=pk)
    return render(
        request,
        "inspections/self_campaign.html",
        {
            "campaign": campaign,
            "reports": reports,
            "missing": selectors.self_missing(campaign)[:200],
            "form": form,
        },
    )


@role_required("enterprise")
def self_submit(request, pk: int):
    campaign = selectors.self_campaign_get(request.user, pk)
    existing = SelfInspectionReport.objects.filter(
        campaign=campaign, enterprise_id=request.user.enterprise_id
    ).first()
    if existing is not None:
        return redirect("inspections:self-report", pk=existing.pk)
    checklist = ChecklistItem.objects.filter(kind="self", active=True).order_by("position")
    form = forms.SelfReportForm(request.POST or None, request.FILES or None, checklist=checklist)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.self_inspection_submit(
                campaign=campaign,
                actor=request.user,
                summary=form.cleaned_data["summary"],
                answers=form.answers(),
                attachment=form.cleaned_data.get("attachment"),
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Your self-inspection report is submitted."))
            return redirect("inspections:self-report", pk=report.pk)
    return render(request, "inspections/self_submit.html", {"campaign": campaign, "form": form})


@role_required(*READERS, "enterprise")
def self_report(request, pk: int):
    report = selectors.self_report_get(request.user, pk)
    can_verify = request.user.pk == report.verifier_id and report.state == SelfInspectionReport.State.PENDING
    form = forms.VerifyReportForm(request.POST or None) if can_verify else None
    if request.method == "POST" and can_verify and form.is_valid():
        data = form.cleaned_data
        try:
            services.self_inspection_verify(
                report=report,
                officer=request.user,
                matches=data["decision"] == "matches",
                note=data["note"],
                severity=data["severity"],
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("The verification is recorded."))
            return redirect("inspections:self-report", pk=pk)
    return render(
        request,
        "inspections/self_report.html",
        {"report": report, "answers": selectors.self_report_answers(report), "form": form},
    )


@role_required(*READERS, "enterprise")
def self_report_attachment(request, pk: int):
    report = selectors.self_report_get(request.user, pk)
    if not report.attachment:
        raise Http404
    return FileResponse(
        report.attachment.open("rb"),
        as_attachment=True,
        filename=report.attachment_name or "report.pdf",
        content_type="application/pdf",
    )


# --- my tasks ---------------------------------------------------------------------------------------------------
@role_required(*STAFF)
def my_tasks(request):
    form = forms.TaskFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    tasks = selectors.my_tasks(
        request.user,
        category=filters.get("category", ""),
        tier=filters.get("tier", ""),
        province=filters.get("province", ""),
    )
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response("my-tasks.xlsx", [exports.tasks_sheet(tasks)])
    return render(
        request, "inspections/my_tasks.html", {"tasks": tasks, "form": form, "today": timezone.localdate()}
    )


# --- public pages (no login) -----------------------------------------------------------------------------------------
def public_campaigns(request):
    return render(
        request,
        "inspections/public_campaigns.html",
        {"page": _page(request, selectors.published_campaigns())},
    )


def _published(pk: int) -> Campaign:
    """A campaign still public: published and within the retention of its results (else 404)."""
    return get_object_or_404(selectors.published_campaigns(), pk=pk)


def public_campaign(request, pk: int):
    campaign = _published(pk)
    results = selectors.published_results(campaign)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(
            f"{campaign.number}-results.xlsx", [exports.public_results_sheet(results)]
        )
    return render(
        request,
        "inspections/public_campaign.html",
        {"campaign": campaign, "results": results, "report": selectors.campaign_report(campaign)},
    )


def public_verify(request, pk: int):
    campaign = _published(pk)
    return render(
        request,
        "inspections/campaign_verify.html",
        {"campaign": campaign, "verification": selectors.campaign_verification(campaign), "public": True},
    )


def public_inputs(request, pk: int):
    return _inputs_response(_published(pk))


def _complaint_rate_key(request) -> str:
    ip = request.META.get("REMOTE_ADDR", "")
    return "public-complaint:" + hashlib.sha256(ip.encode()).hexdigest()[:32]


def public_complaint(request):
    """投诉举报 without login: a honeypot field instead of a captcha, and a per-address hourly limit."""
    limit = getattr(settings, "PUBLIC_COMPLAINTS_PER_HOUR", 5)
    form = forms.PublicComplaintForm(request.POST or None)
    if request.method == "POST":
        key = _complaint_rate_key(request)
        if cache.get(key, 0) >= limit:
            messages.error(request, _("Too many complaints from your address; please try again in an hour."))
            return render(request, "inspections/public_complaint.html", {"form": form}, status=429)
        if request.POST.get("website"):
            # A robot filled the hidden field: look as if it worked, keep nothing.
            return redirect("public_inspections:complaint-thanks")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.complaint_submit_public(
                    enterprise=data["enterprise"],
                    content=data["content"],
                    complainant_name=data["complainant_name"],
                    complainant_contact=data["complainant_contact"],
                )
            except DomainError as exc:
                _fail(request, form, exc)
            else:
                cache.set(key, cache.get(key, 0) + 1, 3600)
                return redirect("public_inspections:complaint-thanks")
    return render(request, "inspections/public_complaint.html", {"form": form})


def public_complaint_thanks(request):
    return render(
        request, "inspections/public_complaint_thanks.html", {"home": reverse("public_inspections:home")}
    )
