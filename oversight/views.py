"""Pages of oversight: the enterprise rates its services; agencies call back bad reviews and work
through flagged items; supervisors read the dashboards; anyone reads the public disclosure pages.

Views validate and call services; a broken rule comes back as a `DomainError` shown as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Agency
from core.exceptions import DomainError
from core.permissions import deny, role_required, user_role
from licensing.models import Application
from oversight import export, panels, public, selectors, services
from oversight.forms import (
    CallbackCloseForm,
    CallbackContactForm,
    DashboardFilterForm,
    FlagReportForm,
    NoteForm,
    PublicDecisionFilterForm,
    RatingForm,
    ReasonForm,
    ReassignForm,
    SettingForm,
)
from oversight.models import (
    BAD_LEVELS,
    CallbackState,
    FlagRule,
    FlagState,
    OversightSetting,
    RatingLevel,
)

PAGE_SIZE = 50
STAFF = ("officer", "approver", "supervisor", "admin")


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _form_error(request, form, exc: DomainError) -> None:
    if form is not None and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    messages.error(request, exc.message)


def _back(request, fallback: str, **kwargs):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback, **kwargs)


# --- 好差评: the enterprise --------------------------------------------------------------------------
@role_required("enterprise")
def ratings_home(request):
    """The enterprise's services, newest first; each not yet rated carries its rating form."""
    services.service_events_sync(enterprise=request.user.enterprise)
    events = selectors.ratable_events(request.user)
    page = _page(request, events)
    forms_by_event = {e.pk: RatingForm(prefix=f"e{e.pk}") for e in page if not hasattr(e, "rating")}
    return render(
        request,
        "oversight/ratings_home.html",
        {"page": page, "forms": forms_by_event, "unrated": events.filter(rating__isnull=True).count()},
    )


@require_POST
@role_required("enterprise")
def rate(request, pk: int):
    event = selectors.event_get(request.user, pk)
    form = RatingForm(request.POST, prefix=f"e{event.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, "oversight:ratings")
    data = form.cleaned_data
    try:
        rating = services.rating_create(
            event=event,
            user=request.user,
            level=data["level"],
            comment=data["comment"],
            anonymous=data["anonymous"],
            contact_phone=data["contact_phone"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if rating.is_bad and not rating.anonymous:
            messages.success(
                request,
                _("Thank you. Your review will be verified and you will be called back by %s.")
                % rating.callback.due_on.isoformat(),
            )
        else:
            messages.success(request, _("Thank you for your rating."))
    return _back(request, "oversight:ratings")


# --- ratings, callbacks: the agency -------------------------------------------------------------------
@role_required(*STAFF)
def rating_list(request):
    ratings = selectors.ratings_visible(request.user)
    level = request.GET.get("level", "")
    if level == "bad":
        ratings = ratings.filter(level__in=BAD_LEVELS)
    elif level in RatingLevel.values:
        ratings = ratings.filter(level=level)
    return render(
        request,
        "oversight/rating_list.html",
        {"page": _page(request, ratings), "level": level, "levels": RatingLevel.choices},
    )


CALLBACK_FILTERS = {
    "open": Q(state__in=[CallbackState.OPEN, CallbackState.CONTACTED]),
    "closed": Q(state=CallbackState.CLOSED),
    "all": Q(),
}


@role_required(*STAFF)
def callback_list(request):
    today = timezone.localdate()
    show = request.GET.get("show", "open")
    tasks = selectors.callbacks_visible(request.user)
    counts = {
        "open": tasks.filter(CALLBACK_FILTERS["open"]).count(),
        "overdue": tasks.filter(selectors.callback_overdue_q(today)).count(),
    }
    if show == "overdue":
        tasks = tasks.filter(selectors.callback_overdue_q(today))
    else:
        tasks = tasks.filter(CALLBACK_FILTERS.get(show, CALLBACK_FILTERS["open"]))
    return render(
        request,
        "oversight/callback_list.html",
        {"page": _page(request, tasks.order_by("due_on", "pk")), "show": show, "today": today, **counts},
    )


def _callback_context(request, task, **forms):
    may_handle = services.may_handle_callback(request.user, task)
    may_reassign = (
        user_role(request.user) in ("approver", "supervisor") and request.user.agency_id == task.agency_id
    ) and task.state != CallbackState.CLOSED
    context = {
        "task": task,
        "rating": task.rating,
        "may_handle": may_handle,
        "contact_form": forms.get("contact_form")
        or CallbackContactForm(initial={"person": task.rating.contact_name}),
        "close_form": forms.get("close_form") or CallbackCloseForm(),
        "reassign_form": forms.get("reassign_form")
        or ReassignForm(staff=selectors.agency_staff(task.agency)),
        "may_reassign": may_reassign,
        "overdue": task.state != CallbackState.CLOSED and task.due_on < timezone.localdate(),
    }
    return context


@role_required(*STAFF)
def callback_detail(request, pk: int):
    task = selectors.callback_get(request.user, pk)
    return render(request, "oversight/callback_detail.html", _callback_context(request, task))


@require_POST
@role_required("officer", "approver", "supervisor")
def callback_contact(request, pk: int):
    task = selectors.callback_get(request.user, pk)
    if not services.may_handle_callback(request.user, task):
        deny(request, "oversight.callback_contact")
    form = CallbackContactForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.callback_record_contact(
                task=task,
                actor=request.user,
                contacted_at=data["contacted_at"],
                method=data["method"],
                person=data["person"],
                notes=data["notes"],
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("The callback has been recorded."))
            return redirect("oversight:callback", pk=task.pk)
    return render(
        request,
        "oversight/callback_detail.html",
        _callback_context(request, task, contact_form=form),
        status=400,
    )


@require_POST
@role_required("officer", "approver", "supervisor")
def callback_close(request, pk: int):
    task = selectors.callback_get(request.user, pk)
    if not services.may_handle_callback(request.user, task):
        deny(request, "oversight.callback_close")
    form = CallbackCloseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.callback_close(
                task=task,
                actor=request.user,
                findings=data["findings"],
                verification=data["verification"],
                rectification=data["rectification"],
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("The verification has been recorded and the callback closed."))
            return redirect("oversight:callback", pk=task.pk)
    return render(
        request,
        "oversight/callback_detail.html",
        _callback_context(request, task, close_form=form),
        status=400,
    )


@require_POST
@role_required("approver", "supervisor")
def callback_reassign(request, pk: int):
    task = selectors.callback_get(request.user, pk)
    if request.user.role not in ("approver", "supervisor") or request.user.agency_id != task.agency_id:
        deny(request, "oversight.callback_reassign")
    form = ReassignForm(request.POST, staff=selectors.agency_staff(task.agency))
    if form.is_valid():
        try:
            services.callback_reassign(task=task, actor=request.user, assignee=form.cleaned_data["assignee"])
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("The callback has been handed over."))
            return redirect("oversight:callback", pk=task.pk)
    return render(
        request,
        "oversight/callback_detail.html",
        _callback_context(request, task, reassign_form=form),
        status=400,
    )


@role_required("supervisor", "admin")
def setting_edit(request):
    """The agency's callback setting (a national supervisor chooses the agency)."""
    agencies = selectors.dashboard_agencies(request.user)
    try:
        # the user's own agency by default; an administrator without one starts with the first it sees
        wanted = request.GET.get("agency") or request.user.agency_id
        agency = agencies.get(pk=wanted) if wanted else agencies.order_by("-is_national", "code").first()
    except (Agency.DoesNotExist, ValueError):
        raise Http404 from None
    if agency is None:
        raise Http404
    setting = OversightSetting.objects.filter(agency=agency).first()
    staff = selectors.agency_staff(agency)
    initial = {
        "callback_working_days": setting.callback_working_days if setting else 5,
        "handlers": list(setting.callback_handlers.all()) if setting else [],
    }
    form = SettingForm(request.POST or None, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.oversight_setting_update(
                agency=agency,
                actor=request.user,
                callback_working_days=form.cleaned_data["callback_working_days"],
                handlers=form.cleaned_data["handlers"],
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("The callback setting of %s has been saved.") % agency.name)
            return redirect(f"{request.path}?agency={agency.pk}")
    return render(
        request,
        "oversight/setting_form.html",
        {"form": form, "agency": agency, "agencies": agencies if agencies.count() > 1 else None},
    )


# --- daily work supervision ---------------------------------------------------------------------------
@role_required("supervisor", "admin")
def flag_list(request):
    flags = selectors.flags_visible(request.user)
    state = request.GET.get("state", FlagState.OPEN)
    rule = request.GET.get("rule", "")
    if state in FlagState.values:
        flags = flags.filter(state=state)
    if rule:
        flags = flags.filter(rule=rule)
    return render(
        request,
        "oversight/flag_list.html",
        {
            "page": _page(request, flags),
            "state": state,
            "rule": rule,
            "states": FlagState.choices,
            "rules": FlagRule.choices,
            "open_count": selectors.flags_visible(request.user).filter(state=FlagState.OPEN).count(),
        },
    )


@role_required("supervisor", "admin")
def flag_detail(request, pk: int):
    flag = selectors.flag_get(request.user, pk)
    return render(request, "oversight/flag_detail.html", _flag_context(request, flag))


def _flag_context(request, flag, **forms):
    return {
        "flag": flag,
        "confirm_form": forms.get("confirm_form") or NoteForm(),
        "dismiss_form": forms.get("dismiss_form") or ReasonForm(),
        "may_decide": user_role(request.user) == "supervisor" and flag.state == FlagState.OPEN,
    }


@require_POST
@role_required("supervisor")
def flag_decide(request, pk: int, decision: str):
    flag = selectors.flag_get(request.user, pk)
    if decision == "confirm":
        form = NoteForm(request.POST)
        key = "confirm_form"
    elif decision == "dismiss":
        form = ReasonForm(request.POST)
        key = "dismiss_form"
    else:
        raise Http404
    if form.is_valid():
        try:
            if decision == "confirm":
                services.work_flag_confirm(flag=flag, actor=request.user, note=form.cleaned_data["note"])
            else:
                services.work_flag_dismiss(flag=flag, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(
                request,
                _("The item has been confirmed.")
                if decision == "confirm"
                else _("The item has been dismissed."),
            )
            return redirect("oversight:flag", pk=flag.pk)
    return render(
        request, "oversight/flag_detail.html", _flag_context(request, flag, **{key: form}), status=400
    )


@role_required("supervisor")
def flag_report(request):
    agencies = selectors.dashboard_agencies(request.user)
    form = FlagReportForm(
        request.POST or None, agencies=agencies, initial={"occurred_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        application = None
        if data["application"].strip():
            application = Application.objects.filter(
                number=data["application"].strip(), agency=data["agency"]
            ).first()
            if application is None:
                form.add_error("application", _("No application of this agency has that number."))
        if form.is_valid():
            try:
                flag = services.work_flag_report(
                    actor=request.user,
                    agency=data["agency"],
                    rule=data["rule"],
                    description=data["description"],
                    occurred_on=data["occurred_on"],
                    application=application,
                )
            except DomainError as exc:
                _form_error(request, form, exc)
            else:
                messages.success(request, _("The finding has been recorded."))
                return redirect("oversight:flag", pk=flag.pk)
    return render(request, "oversight/flag_form.html", {"form": form})


# --- dashboards ------------------------------------------------------------------------------------------
def _dashboard_filters(request):
    """The filter form and the filters it yields; bad input shows its error and the defaults apply."""
    agencies = selectors.dashboard_agencies(request.user)
    national = selectors.sees_all_agencies(request.user)
    raw_agency = request.GET.get("agency", "")
    if raw_agency and not national and raw_agency != str(request.user.agency_id):
        raise Http404  # another agency's dashboard: outside the viewer's scope
    form = DashboardFilterForm(request.GET or None, agencies=agencies)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    agency = data.get("agency")
    filters = selectors.dashboard_filters_for(
        request.user,
        agency_id=agency.pk if agency else None,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        licence_type=data.get("licence_type", ""),
    )
    if not form.is_bound:
        form = DashboardFilterForm(
            agencies=agencies,
            initial={"date_from": filters.date_from, "date_to": filters.date_to, "agency": filters.agency_id},
        )
    return form, filters, national


def _filters_text(filters, agency_name: str) -> str:
    start, end = filters.previous
    return _("%(agency)s · %(start)s – %(end)s (compared with %(pstart)s – %(pend)s) · %(type)s") % {
        "agency": agency_name,
        "start": filters.date_from.isoformat(),
        "end": filters.date_to.isoformat(),
        "pstart": start.isoformat(),
        "pend": end.isoformat(),
        "type": dict(DashboardFilterForm.base_fields["licence_type"].choices).get(filters.licence_type, ""),
    }


@role_required("supervisor", "approver", "admin")
def dashboard_home(request):
    """Supervisors' home: every registered panel over the chosen agency, period and licence type."""
    form, filters, national = _dashboard_filters(request)
    built = panels.build_figures(filters)
    agency_name = (
        Agency.objects.filter(pk=filters.agency_id).values_list("name", flat=True).first()
        if filters.agency_id
        else _("All agencies")
    )
    return render(
        request,
        "oversight/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "panels": built,
            "national": national,
            "filters_text": _filters_text(filters, agency_name),
            "query": request.GET.urlencode(),
        },
    )


@role_required("supervisor", "approver", "admin")
def dashboard_export(request):
    """The Excel workbook of the dashboard (one sheet per figure), or of one figure (?figure=key)."""
    _form, filters, _national = _dashboard_filters(request)
    figures = [figure for _panel, built in panels.build_figures(filters) for figure in built]
    key = request.GET.get("figure", "")
    if key:
        figures = [f for f in figures if f.key == key]
        if not figures:
            raise Http404
    agency_name = (
        Agency.objects.filter(pk=filters.agency_id).values_list("name", flat=True).first()
        if filters.agency_id
        else _("All agencies")
    )
    content = export.workbook(
        figures, heading=_("Supervision dashboard"), filters_text=_filters_text(filters, agency_name)
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"dashboard-{key or 'all'}-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- public disclosure (一公开, no login) ----------------------------------------------------------------
def disclosure_home(request):
    return render(request, "oversight/public_home.html", {"sections": public.sections()})


def public_decisions(request):
    """Licensing decisions: enterprise, credit code, kind, decision, date, agency — no personal data."""
    form = PublicDecisionFilterForm(request.GET or None)
    decisions = selectors.public_decisions()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            decisions = decisions.filter(
                Q(enterprise__name__icontains=data["q"]) | Q(enterprise__credit_code__iexact=data["q"])
            )
        if data["agency"]:
            decisions = decisions.filter(agency=data["agency"])
        if data["kind"]:
            decisions = decisions.filter(kind=data["kind"])
        if data["outcome"]:
            decisions = decisions.filter(state=data["outcome"])
    return render(
        request, "oversight/public_decisions.html", {"form": form, "page": _page(request, decisions)}
    )


def public_commitments(request):
    query = (request.GET.get("q") or "").strip()[:100]
    letters = selectors.public_commitments()
    if query:
        letters = letters.filter(
            Q(enterprise__name__icontains=query) | Q(enterprise__credit_code__iexact=query)
        )
    return render(request, "oversight/public_commitments.html", {"page": _page(request, letters), "q": query})


def public_commitment(request, number: str):
    letter = selectors.public_commitments().filter(number=number).first()
    if letter is None:
        raise Http404
    return render(request, "oversight/public_commitment.html", {"letter": letter})
