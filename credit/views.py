"""Credit pages: officers (their agency's enterprises), enterprises (their own credit), the public list.

Views validate and call services; a broken rule comes back as a `DomainError` shown as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.permissions import role_required, user_role
from credit import selectors, services
from credit.forms import (
    ActionForm,
    OptionalReasonForm,
    OverrideForm,
    ReasonForm,
    RecordCreateForm,
    RecordFilterForm,
    RequestFileForm,
    RequestFilterForm,
)
from credit.models import JointPunishmentEntry, RecordStatus, RequestKind, RequestState, TierChange

STAFF = ("officer", "approver")
READERS = ("officer", "approver", "supervisor", "admin")
PAGE_SIZE = 50


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _form_errors(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- officers -------------------------------------------------------------------------------------
@role_required(*READERS)
def officer_home(request):
    """Records of the agency's enterprises, with filters, and what awaits the officer."""
    form = RecordFilterForm(request.GET or None)
    records = selectors.records_filtered(request.user, **form.filters())
    today = timezone.localdate()
    open_requests = selectors.requests_visible(request.user).filter(
        state__in=[RequestState.SUBMITTED, RequestState.ACCEPTED]
    )
    context = {
        "form": form,
        "page": _page(request, records),
        "open_count": open_requests.count(),
        "overdue_count": open_requests.filter(selectors.overdue_q(today)).count(),
        "awaiting_count": selectors.records_awaiting_action(request.user, today).count(),
        "joint_count": selectors.joint_punishment_visible(request.user, today).count(),
        "can_write": user_role(request.user) in (*STAFF, "admin"),
    }
    return render(request, "credit/officer_home.html", context)


@role_required(*STAFF, "admin")
def record_create(request):
    enterprises = selectors.enterprises_visible(request.user).order_by("name")
    initial = {"enterprise": request.GET.get("enterprise")} if request.GET.get("enterprise") else None
    form = RecordCreateForm(request.POST or None, enterprises=enterprises, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.credit_record_create(
                enterprise=data["enterprise"],
                category=data["category"],
                grade=data["grade"],
                title=data["title"],
                description=data["description"],
                occurred_on=data["occurred_on"],
                counts_until=data["counts_until"],
                source="officer",
                source_ref=data["source_ref"].strip(),
                published=data["published"],
                publish_until=data["publish_until"],
                actor=request.user,
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The credit record has been added and the tier recomputed."))
            return redirect("credit:record-detail", pk=record.pk)
    return render(request, "credit/record_form.html", {"form": form, "policy": selectors.policy_on()})


@role_required(*READERS, "enterprise")
def record_detail(request, pk: int):
    record = selectors.record_get(request.user, pk)
    role = user_role(request.user)
    context = {
        "record": record,
        "requests": record.requests.select_related("filed_by", "decided_by").order_by("-filed_at"),
        "actions": record.actions.select_related("officer"),
        "joint": JointPunishmentEntry.objects.filter(record=record).first(),
        "is_enterprise": role == "enterprise",
        "can_write": role in (*STAFF, "admin"),
        "open_request": record.requests.filter(
            state__in=[RequestState.SUBMITTED, RequestState.ACCEPTED]
        ).first(),
        "action_kind": _action_kind(record),
        "action_form": ActionForm(initial={"took_place_on": timezone.localdate()}),
    }
    return render(request, "credit/record_detail.html", context)


def _action_kind(record) -> str:
    if not record.is_negative:
        return ""
    try:
        policy = selectors.policy_on()
    except DomainError:
        return ""
    from credit.models import ActionKind

    return ActionKind(policy.action_for(record.grade)).label


@role_required(*STAFF, "admin")
def action_create(request, pk: int):
    record = selectors.record_get(request.user, pk)
    form = ActionForm(request.POST or None, initial={"took_place_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.dishonesty_action_record(
                record=record,
                took_place_on=form.cleaned_data["took_place_on"],
                notes=form.cleaned_data["notes"],
                actor=request.user,
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The action has been recorded."))
            return redirect("credit:record-detail", pk=record.pk)
    return render(
        request,
        "credit/action_form.html",
        {"form": form, "record": record, "action_kind": _action_kind(record)},
    )


@role_required(*READERS)
def action_list(request):
    today = timezone.localdate()
    context = {
        "page": _page(request, selectors.actions_visible(request.user).order_by("-took_place_on", "-id")),
        "awaiting": selectors.records_awaiting_action(request.user, today)[:100],
        "can_write": user_role(request.user) in (*STAFF, "admin"),
    }
    return render(request, "credit/action_list.html", context)


@role_required(*READERS)
def joint_list(request):
    entries = selectors.joint_punishment_visible(request.user)
    return render(request, "credit/joint_list.html", {"page": _page(request, entries)})


@role_required(*READERS)
def enterprise_credit(request, pk: int):
    """An enterprise seen by its agency: tier and why, history, overrides, records, notices."""
    enterprise = selectors.enterprise_get(request.user, pk)
    role = user_role(request.user)
    context = {
        "enterprise": enterprise,
        "explanation": selectors.tier_explanation(enterprise),
        "history": TierChange.objects.filter(enterprise=enterprise)[:20],
        "overrides": enterprise.tier_overrides.select_related("created_by")[:20],
        "records": enterprise.credit_records.all()[:100],
        "notices": enterprise.dishonesty_notices.select_related("issued_by")[:20],
        "override_form": OverrideForm(initial={"starts_on": timezone.localdate()}),
        "can_override": role in ("approver", "admin"),
        "can_write": role in (*STAFF, "admin"),
    }
    return render(request, "credit/enterprise_credit.html", context)


@role_required("approver", "admin")
def override_create(request, pk: int):
    enterprise = selectors.enterprise_get(request.user, pk)
    form = OverrideForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.tier_override_create(
                enterprise=enterprise,
                tier=data["tier"],
                reason=data["reason"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                actor=request.user,
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The override has been recorded."))
            return redirect("credit:enterprise-credit", pk=enterprise.pk)
    return render(request, "credit/override_form.html", {"form": form, "enterprise": enterprise})


@role_required(*READERS)
def override_list(request):
    overrides = selectors.overrides_visible(request.user).order_by("-starts_on", "-id")
    return render(
        request,
        "credit/override_list.html",
        {
            "page": _page(request, overrides),
            "today": timezone.localdate(),
            "can_cancel": user_role(request.user) in ("approver", "admin"),
        },
    )


@require_POST
@role_required("approver", "admin")
def override_cancel(request, pk: int):
    override = selectors.overrides_visible(request.user).filter(pk=pk).first()
    if override is None:
        raise Http404
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the override is cancelled."))
    else:
        try:
            services.tier_override_cancel(
                override=override, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The override has been cancelled."))
    return redirect("credit:override-list")


@require_POST
@role_required(*STAFF, "admin")
def notice_issue(request, pk: int):
    enterprise = selectors.enterprise_get(request.user, pk)
    try:
        notice = services.dishonesty_notice_issue(enterprise=enterprise, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("credit:enterprise-credit", pk=enterprise.pk)
    messages.success(request, _("Dishonesty notice %s has been issued.") % notice.number)
    return redirect("credit:notice-detail", pk=notice.pk)


@role_required(*READERS)
def notice_list(request):
    notices = selectors.notices_visible(request.user).order_by("-issued_on", "-id")
    return render(request, "credit/notice_list.html", {"page": _page(request, notices)})


@role_required(*READERS, "enterprise")
def notice_detail(request, pk: int):
    notice = selectors.notice_get(request.user, pk)
    services.dishonesty_notice_mark_read(notice=notice, user=request.user)
    return render(
        request,
        "credit/notice_detail.html",
        {"notice": notice, "letter": selectors.dishonesty_notice_context(notice)},
    )


@role_required(*READERS)
def request_list(request):
    form = RequestFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    requests = selectors.requests_filtered(
        request.user,
        kind=filters.get("kind", ""),
        state=filters.get("state", ""),
        overdue=filters.get("overdue", False),
    )
    return render(
        request,
        "credit/request_list.html",
        {"form": form, "page": _page(request, requests), "today": timezone.localdate()},
    )


@role_required(*READERS, "enterprise")
def request_detail(request, pk: int):
    credit_request = selectors.request_get(request.user, pk)
    role = user_role(request.user)
    try:
        decision_days = selectors.policy_on().decision_days(credit_request.kind)
    except DomainError:
        decision_days = None
    context = {
        "req": credit_request,
        "history": _history(credit_request),
        "can_handle": role in (*STAFF, "admin"),
        "is_enterprise": role == "enterprise",
        "reason_form": ReasonForm(auto_id="id_refuse_%s"),
        "grant_form": OptionalReasonForm(auto_id="id_grant_%s"),
        "today": timezone.localdate(),
        "decision_days": decision_days,
    }
    return render(request, "credit/request_detail.html", context)


HISTORY_LABELS = {
    "file": gettext_lazy("Filed"),
    "accept": gettext_lazy("Accepted"),
    "not_accept": gettext_lazy("Not accepted"),
    "grant": gettext_lazy("Granted"),
    "refuse": gettext_lazy("Refused"),
    "due_recompute": gettext_lazy("Due date recomputed on the official calendar"),
}


def _history(obj) -> list[dict]:
    from core.audit import history_of

    entries = []
    for entry in history_of(obj):
        step = entry.action.split(".", 1)[-1].removeprefix("repair_").removeprefix("objection_")
        step = step.removeprefix("request_")
        entries.append(
            {
                "at": entry.at,
                "actor": entry.actor_repr,
                "label": HISTORY_LABELS.get(step, entry.action),
                "reason": entry.reason,
            }
        )
    return entries


TRANSITIONS = {
    "accept": (services.credit_request_accept, None, gettext_lazy("The request has been accepted.")),
    "not-accept": (
        services.credit_request_refuse_to_accept,
        ReasonForm,
        gettext_lazy("The request has not been accepted; the enterprise sees the reason."),
    ),
    "grant": (
        services.credit_request_grant,
        OptionalReasonForm,
        gettext_lazy("The request has been granted."),
    ),
    "refuse": (services.credit_request_refuse, ReasonForm, gettext_lazy("The request has been refused.")),
}


@require_POST
@role_required(*STAFF, "admin")
def request_transition(request, pk: int, action: str):
    if action not in TRANSITIONS:
        raise Http404
    credit_request = selectors.request_get(request.user, pk)
    service, form_class, done = TRANSITIONS[action]
    kwargs = {"request": credit_request, "actor": request.user}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("credit:request-detail", pk=pk)
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        service(**kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(done))
    return redirect("credit:request-detail", pk=pk)


# --- enterprises ----------------------------------------------------------------------------------
@role_required("enterprise")
def enterprise_home(request):
    enterprise = request.user.enterprise
    snapshot = selectors.tier_of(enterprise)
    records = selectors.records_visible(request.user)
    context = {
        "enterprise": enterprise,
        "snapshot": snapshot,
        "records": records.order_by("-occurred_on", "-id")[:200],
        "requests": selectors.requests_visible(request.user).order_by("-filed_at")[:50],
        "notices": selectors.notices_visible(request.user).order_by("-issued_on")[:20],
        "active": RecordStatus.ACTIVE,
    }
    return render(request, "credit/enterprise_home.html", context)


@role_required("enterprise")
def enterprise_tier(request):
    """What the enterprise's tier gets and why, for each application kind (seed 003 items 0–4)."""
    explanation = selectors.tier_explanation(request.user.enterprise)
    return render(
        request, "credit/enterprise_tier.html", {"enterprise": request.user.enterprise, **explanation}
    )


@role_required("enterprise")
def request_file(request, pk: int, kind: str):
    if kind not in RequestKind.values:
        raise Http404
    record = selectors.record_get(request.user, pk)
    form = RequestFileForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            credit_request = services.credit_request_file(
                kind=kind,
                record=record,
                user=request.user,
                statement=form.cleaned_data["statement"],
                commitment=form.cleaned_data.get("commitment", False),
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Your application has been submitted."))
            return redirect("credit:request-detail", pk=credit_request.pk)
    return render(
        request,
        "credit/request_form.html",
        {"form": form, "record": record, "kind": kind, "kind_label": RequestKind(kind).label},
    )


# --- public ---------------------------------------------------------------------------------------
def public_dishonest(request):
    """The dishonest list (no login): enterprise name, credit code, grade, title, date."""
    query = (request.GET.get("q") or "").strip()[:100]
    records = selectors.dishonest_list()
    if query:
        records = records.filter(
            Q(enterprise__name__icontains=query) | Q(enterprise__credit_code__iexact=query)
        )
    return render(request, "credit/public_dishonest.html", {"page": _page(request, records), "q": query})
