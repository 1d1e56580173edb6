"""Pages of licensing: the enterprise portal, the officer workbench, the approver's desk, the public register."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit_record, history_of
from core.exceptions import DomainError, ForbiddenError
from core.permissions import deny, role_required, user_role
from core.scoping import scope_queryset
from credit.models import Tier
from credit.selectors import policy_resolve, tier_of
from licensing import forms, roster, selectors, services
from licensing.actions import available_actions
from licensing.conditions import gap_report
from licensing.materials import checklist
from licensing.models import (
    Application,
    Category,
    Equipment,
    Kind,
    LicenceStatus,
    LicenceType,
    Material,
    Personnel,
    State,
)


def _page(request, queryset, per_page=25):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# --- enterprise portal ------------------------------------------------------------------------
@role_required("enterprise")
def portal_home(request):
    enterprise = request.user.enterprise
    tier = tier_of(enterprise)
    applications = selectors.applications_for(request.user).order_by("-id")[:8]
    licences = selectors.licences_for(request.user).order_by("-issued_on")
    return render(
        request,
        "licensing/portal_home.html",
        {
            "enterprise": enterprise,
            "tier": tier,
            "applications": applications,
            "licences": licences,
            "bar": services.tolerant_bar_of(enterprise),
            "notifications": request.user.notifications.filter(read_at__isnull=True)[:5],
        },
    )


@role_required("enterprise")
def portal_applications(request):
    qs = selectors.applications_for(request.user).order_by("-id")
    return render(request, "licensing/portal_applications.html", {"page": _page(request, qs)})


@role_required("enterprise")
def application_new(request):
    enterprise = request.user.enterprise
    step = request.POST.get("step", "kind") if request.method == "POST" else "kind"
    kind_form = forms.KindForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and kind_form.is_valid():
        kind = kind_form.cleaned_data["kind"]
        licence = kind_form.cleaned_data.get("licence")
        licence_type = (
            licence.licence_type if licence else kind_form.cleaned_data.get("licence_type") or "facility"
        )
        needs_scopes = kind in (Kind.NEW, Kind.LICENSED_CHANGE) and licence_type == LicenceType.FACILITY
        current = {s.category: s.level_id for s in licence.scopes.all()} if licence else None
        detail_forms = {
            "scopes": forms.ScopesForm(request.POST if step == "details" else None, current=current)
            if needs_scopes
            else None,
            "registration": forms.RegistrationChangeForm(request.POST if step == "details" else None)
            if kind == Kind.REGISTRATION_CHANGE
            else None,
            "simple": forms.SimpleDraftForm(request.POST if step == "details" else None),
        }
        if step == "details" and all(f.is_valid() for f in detail_forms.values() if f is not None):
            simple = detail_forms["simple"].cleaned_data
            try:
                app = services.application_create(
                    enterprise=enterprise,
                    kind=kind,
                    actor=request.user,
                    licence=licence,
                    licence_type=licence_type,
                    business_class=kind_form.cleaned_data.get("business_class") or "",
                    scopes=detail_forms["scopes"].scopes() if detail_forms["scopes"] else None,
                    registration_changes=detail_forms["registration"].cleaned_data
                    if detail_forms["registration"]
                    else None,
                    reissue_reason=simple["reissue_reason"],
                    cancellation_reason=simple["cancellation_reason"],
                    applicant_note=simple["applicant_note"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("Draft saved. Upload the materials, check what your credit tier gets, then submit."),
                )
                return redirect("application", pk=app.pk)
        return render(
            request,
            "licensing/application_new_details.html",
            {
                "kind_form": kind_form,
                "kind": kind,
                "kind_label": Kind(kind).label,
                "licence": licence,
                "detail_forms": detail_forms,
            },
        )
    return render(request, "licensing/application_new.html", {"form": kind_form})


# --- the application page (enterprise, officer, approver, supervisor) ---------------------------
ACTION_FORMS = {
    "submit": forms.SubmitForm,
    "withdraw": forms.OptionalNoteForm,
    "supplement": None,
    "answer": forms.OptionalNoteForm,
    "request_correction": forms.ItemsForm,
    "reject": forms.ReasonForm,
    "accept": None,
    "tolerant_accept": forms.OptionalItemsForm,
    "start_review": None,
    "ask_applicant": forms.ItemsForm,
    "begin_site_inspection": None,
    "record_site_inspection": forms.ResultForm,
    "send_to_experts": None,
    "experts_returned": forms.OpinionForm,
    "propose": forms.ProposeForm,
    "request_extension": forms.ReasonForm,
    "decide": forms.DecideForm,
    "decide_extension": forms.ExtensionDecisionForm,
}


def _perform(action: str, app: Application, user, data: dict):
    expected = app.state
    call = {
        "submit": lambda: services.application_submit(
            application=app,
            actor=user,
            mode=data["mode"],
            tolerant_items=data["tolerant_items"],
            tolerant_reason=data["tolerant_reason"],
            sign=data["sign"],
        ),
        "withdraw": lambda: services.application_withdraw(
            application=app, actor=user, reason=data["note"], expected_state=expected
        ),
        "supplement": lambda: services.application_supplement(
            application=app, actor=user, expected_state=expected
        ),
        "answer": lambda: services.application_answer(
            application=app, actor=user, note=data["note"], expected_state=expected
        ),
        "request_correction": lambda: services.application_request_correction(
            application=app, officer=user, items=data["items"], expected_state=expected
        ),
        "reject": lambda: services.application_reject(
            application=app, officer=user, reason=data["reason"], expected_state=expected
        ),
        "accept": lambda: services.application_accept(application=app, officer=user, expected_state=expected),
        "tolerant_accept": lambda: services.application_tolerant_accept(
            application=app, officer=user, items=data["items"] or None, expected_state=expected
        ),
        "start_review": lambda: services.application_start_review(
            application=app, actor=user, expected_state=expected
        ),
        "ask_applicant": lambda: services.application_ask_applicant(
            application=app, officer=user, items=data["items"], expected_state=expected
        ),
        "begin_site_inspection": lambda: services.application_begin_site_inspection(
            application=app, actor=user, expected_state=expected
        ),
        "record_site_inspection": lambda: services.application_record_site_inspection(
            application=app, officer=user, result=data["result"], expected_state=expected
        ),
        "send_to_experts": lambda: services.application_send_to_experts(
            application=app, actor=user, expected_state=expected
        ),
        "experts_returned": lambda: services.application_experts_returned(
            application=app, officer=user, opinion=data["opinion"], expected_state=expected
        ),
        "propose": lambda: services.application_propose(
            application=app, officer=user, outcome=data["outcome"], text=data["text"], expected_state=expected
        ),
        "request_extension": lambda: services.application_request_extension(
            application=app, officer=user, reason=data["reason"]
        ),
        "decide": lambda: services.application_decide(
            application=app,
            approver=user,
            outcome=data["outcome"],
            reason=data["reason"],
            expected_state=expected,
        ),
        "decide_extension": lambda: services.application_decide_extension(
            application=app, approver=user, grant=data["grant"], note=data["note"]
        ),
    }[action]
    return call()


def _policy_preview(app: Application):
    """For a draft: what the enterprise's tier gets today; after acceptance: the snapshot."""
    tier = tier_of(app.enterprise)
    policy = policy_resolve(app.kind, app.credit_tier or tier.tier)
    return tier, policy


@login_required
def application_detail(request, pk: int):
    app = selectors.application_detail(request.user, pk)
    if app is None:
        raise Http404
    user = request.user
    tier, policy = _policy_preview(app)
    actions = available_actions(app, user)
    action_forms = {a: (ACTION_FORMS[a]() if ACTION_FORMS[a] else None) for a in actions}
    report = None
    if app.licence_type == LicenceType.FACILITY and (app.scopes.exists() or app.licence_id):
        report = gap_report(app.enterprise, services.requested_scopes(app), services._today())
    context = {
        "app": app,
        "clock": services.clock_of(app),
        "tier": tier,
        "policy": policy,
        "actions": actions,
        "action_forms": action_forms,
        "report": report,
        "checklist": checklist(app, policy),
        "history": history_of(app),
        "material_form": forms.MaterialForm() if _may_upload(app, user) else None,
        "is_enterprise": user.role == "enterprise",
        "bar": services.tolerant_bar_of(app.enterprise),
        "tier_label": Tier(app.credit_tier).label if app.credit_tier else tier.label,
        "pauses": app.pauses.all(),
    }
    return render(request, "licensing/application_detail.html", context)


def _may_upload(app: Application, user) -> bool:
    if user.role == "enterprise":
        return app.state in (
            State.DRAFT,
            State.CORRECTION_REQUESTED,
            State.TOLERANT_ACCEPTED,
            State.AWAITING_APPLICANT,
        )
    return False


@require_POST
@login_required
def application_act(request, pk: int, action: str):
    app = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    if action not in ACTION_FORMS:
        raise Http404
    form_class = ACTION_FORMS[action]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
        return redirect("application", pk=pk)
    try:
        _perform(action, app, request.user, form.cleaned_data if form else {})
    except ForbiddenError:
        deny(request, f"licensing.application_act:{action}")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %s.") % ACTION_LABELS.get(action, action))
    return redirect("application", pk=pk)


ACTION_LABELS = {
    "submit": _("submitted"),
    "withdraw": _("withdrawn"),
    "supplement": _("supplement delivered"),
    "answer": _("answer sent"),
    "request_correction": _("correction notice issued"),
    "reject": _("not accepted"),
    "accept": _("accepted"),
    "tolerant_accept": _("tolerant-accepted"),
    "start_review": _("review started"),
    "ask_applicant": _("request sent to the applicant"),
    "begin_site_inspection": _("on-site inspection started"),
    "record_site_inspection": _("inspection recorded"),
    "send_to_experts": _("sent to experts"),
    "experts_returned": _("experts' opinion recorded"),
    "propose": _("proposal sent to the approver"),
    "request_extension": _("extension requested"),
    "decide": _("decision recorded"),
    "decide_extension": _("extension decided"),
}


@require_POST
@role_required("officer", "approver")
def application_flag_doubtful(request, pk: int):
    """三清单: file the applicant on the list of enterprises doubtful at licence review."""
    from inspections.services import three_list_add

    app = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for doubting this application."))
        return redirect("application", pk=pk)
    try:
        three_list_add(
            enterprise=app.enterprise,
            list_kind="doubtful",
            reason=form.cleaned_data["reason"],
            officer=request.user,
            source_type="licensing.application",
            source_id=str(app.pk),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The enterprise is on the list of enterprises doubtful at licence review.")
        )
    return redirect("application", pk=pk)


@require_POST
@login_required
def material_upload(request, pk: int):
    app = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    if user_role(request.user) != "enterprise":
        deny(request, "licensing.material_upload")
    form = forms.MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("application", pk=pk)
    try:
        services.material_add(
            application=app,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Uploaded."))
    return redirect("application", pk=pk)


@login_required
def material_download(request, pk: int, material_id: int):
    """Uploads are served only here, only to those who may see the application, never inline as HTML."""
    app = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    material = get_object_or_404(Material, pk=material_id, application=app)
    audit_record(
        actor=request.user, obj=material, action="material.download", ip=request.META.get("REMOTE_ADDR")
    )
    response = FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=material.original_name,
        content_type=material.content_type or mimetypes.guess_type(material.original_name)[0],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the enterprise's own data ------------------------------------------------------------------
@role_required("enterprise")
def personnel_list(request):
    enterprise = request.user.enterprise
    form = forms.PersonnelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            roster.personnel_add(enterprise=enterprise, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Staff member added."))
            return redirect("portal:personnel")
    qs = Personnel.objects.filter(enterprise=enterprise).order_by("role", "name")
    return render(request, "licensing/personnel.html", {"page": _page(request, qs, 50), "form": form})


@role_required("enterprise", "officer", "approver")
def personnel_id_number(request, pk: int):
    """The full ID number of a staff member, for those who need it (the enterprise itself, officers of its
    agency checking the roster); every look is written to the audit log. Lists show it masked."""
    from django.http import HttpResponse
    from django.utils.html import format_html

    person = get_object_or_404(
        scope_queryset(
            Personnel.objects.select_related("enterprise"), request.user, agency_field="enterprise__agency"
        ),
        pk=pk,
    )
    audit_record(
        actor=request.user, obj=person, action="personnel.id_number_view", ip=request.META.get("REMOTE_ADDR")
    )
    response = HttpResponse(format_html('<span data-testid="full-id">{}</span>', person.id_number))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@role_required("enterprise")
def personnel_leave(request, pk: int):
    person = get_object_or_404(Personnel, pk=pk, enterprise=request.user.enterprise)
    try:
        roster.personnel_leave(person=person, actor=request.user, on=request.POST.get("on") or None)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Departure recorded; report changes that affect your licence conditions within 30 days."),
        )
    return redirect("portal:personnel")


@role_required("enterprise")
def equipment_list(request):
    enterprise = request.user.enterprise
    form = forms.EquipmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        roster.equipment_add(enterprise=enterprise, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Equipment added."))
        return redirect("portal:equipment")
    qs = Equipment.objects.filter(enterprise=enterprise).select_related("item").order_by("item__code")
    return render(request, "licensing/equipment.html", {"page": _page(request, qs, 50), "form": form})


@require_POST
@role_required("enterprise")
def equipment_retire(request, pk: int):
    item = get_object_or_404(Equipment, pk=pk, enterprise=request.user.enterprise)
    roster.equipment_retire(equipment=item, actor=request.user)
    messages.success(request, _("Equipment taken out of service."))
    return redirect("portal:equipment")


@login_required
def licence_detail(request, pk: int):
    licence = get_object_or_404(selectors.licences_for(request.user).prefetch_related("units"), pk=pk)
    holder = request.user.role == "enterprise" and licence.business_class == "generation"
    unit_form = forms.UnitForm(request.POST or None) if holder else None
    if request.method == "POST" and unit_form is not None and unit_form.is_valid():
        try:
            roster.unit_add(licence=licence, actor=request.user, **unit_form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Unit added."))
            return redirect("licence", pk=pk)
    applications = selectors.applications_for(request.user).filter(licence=licence).order_by("-id")[:20]
    return render(
        request,
        "licensing/licence_detail.html",
        {
            "licence": licence,
            "history": history_of(licence),
            "unit_form": unit_form,
            "applications": applications,
        },
    )


# --- officer workbench and approver's desk -------------------------------------------------------
@role_required("officer", "approver")
def workbench_home(request):
    queue = request.GET.get("queue", "acceptance")
    if queue not in selectors.WORKBENCH_QUEUES:
        queue = "acceptance"
    params = {
        "q": request.GET.get("q", "").strip()[:100],
        "kind": request.GET.get("kind", "") if request.GET.get("kind") in Kind.values else "",
        "tier": request.GET.get("tier", "") if request.GET.get("tier") in Tier.values else "",
        "mine": request.GET.get("mine") == "1",
    }
    qs = selectors.workbench_queue(request.user, queue, **params)
    page = _page(request, qs)
    rows = [(app, services.clock_of(app)) for app in page]
    return render(
        request,
        "licensing/workbench_home.html",
        {
            "queue": queue,
            "counts": selectors.queue_counts(request.user),
            "page": page,
            "rows": rows,
            "params": params,
            "kinds": Kind.choices,
            "tiers": Tier.choices,
            "renewals": selectors.renewals_at_risk(request.user)[:10],
        },
    )


@role_required("approver")
def approvals(request):
    decisions = selectors.pending_decisions(request.user)
    rows = [(app, services.clock_of(app)) for app in decisions[:100]]
    return render(
        request,
        "licensing/approvals.html",
        {
            "rows": rows,
            "extensions": selectors.pending_extensions(request.user)[:100],
        },
    )


# --- public --------------------------------------------------------------------------------------
def public_home(request):
    p = request.GET
    filters = {
        "q": p.get("q", "").strip()[:100],
        "licence_type": p.get("licence_type", "") if p.get("licence_type") in LicenceType.values else "",
        "category": p.get("category", "") if p.get("category") in Category.values else "",
        "level": p.get("level", "")[:5],
        "status": p.get("status", "") if p.get("status") in LicenceStatus.values else "",
    }
    searched = any(filters.values())
    page = _page(request, selectors.public_register(**filters)) if searched else None
    return render(
        request,
        "licensing/public_home.html",
        {
            "filters": filters,
            "page": page,
            "searched": searched,
            "licence_types": LicenceType.choices,
            "categories": Category.choices,
            "statuses": LicenceStatus.choices,
            "levels": [("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级"), ("5", "五级")],
        },
    )
