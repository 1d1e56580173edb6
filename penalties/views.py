"""Pages: the officers' case list and case page, the party's notices, the public list of decisions.

Views validate the input and call one service; a DomainError becomes an error message on the page it
came from, with the input kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Enterprise
from core.audit import history_of
from core.exceptions import DomainError
from core.permissions import role_required
from core.scoping import scope_queryset
from licensing.models import Licence
from penalties import forms, services
from penalties.models import Evidence, PenaltyCase, State, Violation
from penalties.selectors import (
    active_bars,
    case_for,
    case_list,
    case_recommendation,
    cases_for,
    departures,
    investigator_ids,
    public_decisions,
    today,
)

STAFF = ("officer", "approver")
READERS = ("officer", "approver", "supervisor")
# What each audited step is called on the case page's history.
STEP_LABELS = {
    "penalty.open": gettext_lazy("Case filed"),
    "penalty.start_investigation": gettext_lazy("Investigation started"),
    "penalty.evidence_add": gettext_lazy("File added"),
    "penalty.note_add": gettext_lazy("Investigation note"),
    "penalty.record_facts": gettext_lazy("Facts recorded"),
    "penalty.notify": gettext_lazy("Party notified of the intended penalty"),
    "penalty.statement": gettext_lazy("Statement by the party"),
    "penalty.hearing_request": gettext_lazy("Hearing requested"),
    "penalty.waive": gettext_lazy("Rights waived in writing"),
    "penalty.hearing_schedule": gettext_lazy("Hearing scheduled"),
    "penalty.hearing_record": gettext_lazy("Hearing held"),
    "penalty.decide": gettext_lazy("Penalty decided"),
    "penalty.return": gettext_lazy("Returned for further investigation"),
    "penalty.dismiss": gettext_lazy("Closed without a penalty"),
    "penalty.execute": gettext_lazy("Execution recorded"),
    "penalty.close": gettext_lazy("Case closed"),
    "penalty.departure_review": gettext_lazy("Departure reviewed"),
    "penalty.deadlines_recomputed": gettext_lazy("Periods recounted on the official calendar"),
}


# --- what the user may do now ---------------------------------------------------------------------
def staff_actions(case: PenaltyCase, user, investigators: set[int]) -> set[str]:
    """The steps offered on the case page; the services check each again when it is taken."""
    if user.role not in STAFF or user.agency_id != case.agency_id:
        return set()
    state, actions = case.state, set()
    if state == State.FILED:
        actions |= {"start", "evidence", "note", "facts"}
    if state == State.INVESTIGATING:
        actions |= {"evidence", "note", "facts", "notify"}
    if state in (State.HEARING_REQUESTED, State.HEARING_SCHEDULED):
        actions.add("hearing_schedule")
    if state == State.HEARING_SCHEDULED:
        actions |= {"hearing_record", "hearing_file"}
    if state == State.DECIDED:
        actions |= {"execute", "execution_file"}
    if state == State.EXECUTED:
        actions.add("close")
    if user.role == "approver" and user.pk not in investigators:
        if state in (State.NOTIFIED, State.HEARING_HELD):
            actions |= {"decide", "return"}
        if state in (State.FILED, State.INVESTIGATING, State.NOTIFIED, State.HEARING_HELD):
            actions.add("dismiss")
    return actions


@dataclass(frozen=True)
class Action:
    form: type
    perform: Callable
    done: str
    form_kwargs: Callable = lambda case, request, investigators: {}


def _expected(request) -> str | None:
    return request.POST.get("expected_state") or None


ACTIONS: dict[str, Action] = {
    "start": Action(
        forms.ConfirmForm,
        lambda r, c, f: services.case_start_investigation(
            case=c, officer=r.user, expected_state=_expected(r)
        ),
        gettext_lazy("The investigation has started."),
    ),
    "evidence": Action(
        forms.EvidenceForm,
        lambda r, c, f: services.evidence_add(
            case=c, upload=f.cleaned_data["file"], description=f.cleaned_data["description"], actor=r.user
        ),
        gettext_lazy("The evidence is on file."),
    ),
    "hearing_file": Action(
        forms.EvidenceForm,
        lambda r, c, f: services.evidence_add(
            case=c,
            upload=f.cleaned_data["file"],
            description=f.cleaned_data["description"],
            actor=r.user,
            kind=Evidence.Kind.HEARING,
        ),
        gettext_lazy("The file is on record."),
    ),
    "execution_file": Action(
        forms.EvidenceForm,
        lambda r, c, f: services.evidence_add(
            case=c,
            upload=f.cleaned_data["file"],
            description=f.cleaned_data["description"],
            actor=r.user,
            kind=Evidence.Kind.EXECUTION,
        ),
        gettext_lazy("The file is on record."),
    ),
    "note": Action(
        forms.NoteForm,
        lambda r, c, f: services.note_add(case=c, author=r.user, text=f.cleaned_data["text"]),
        gettext_lazy("The note is saved."),
    ),
    "facts": Action(
        forms.FactsForm,
        lambda r, c, f: services.case_record_facts(
            case=c,
            officer=r.user,
            facts=f.cleaned_data["facts"],
            illegal_gains=f.cleaned_data["illegal_gains"],
        ),
        gettext_lazy("The facts are recorded."),
        lambda case, request, inv: {"initial": {"facts": case.facts, "illegal_gains": case.illegal_gains}},
    ),
    "notify": Action(
        forms.NotifyForm,
        lambda r, c, f: services.case_notify(
            case=c,
            officer=r.user,
            fine_amount=f.cleaned_data["fine_amount"],
            departure_reason=f.cleaned_data["departure_reason"],
            grounds=f.cleaned_data["grounds"],
            expected_state=_expected(r),
            **f.outcomes(),
        ),
        gettext_lazy("The party has been notified of the intended penalty."),
        lambda case, request, inv: {"case": case},
    ),
    "hearing_schedule": Action(
        forms.HearingScheduleForm,
        lambda r, c, f: services.hearing_schedule(
            case=c,
            officer=r.user,
            at=f.cleaned_data["at"],
            place=f.cleaned_data["place"],
            host=f.cleaned_data["host"],
        ),
        gettext_lazy("The hearing is scheduled and the party told."),
        lambda case, request, inv: {"case": case, "exclude_ids": inv},
    ),
    "hearing_record": Action(
        forms.HearingRecordForm,
        lambda r, c, f: services.hearing_record(
            case=c,
            officer=r.user,
            record=f.cleaned_data["record"],
            party_attended=f.cleaned_data["party_attended"],
        ),
        gettext_lazy("The hearing record is saved."),
    ),
    "decide": Action(
        forms.DecideForm,
        lambda r, c, f: services.case_decide(
            case=c, approver=r.user, reason=f.cleaned_data["reason"], expected_state=_expected(r)
        ),
        gettext_lazy("The decision is made and published."),
    ),
    "return": Action(
        forms.ReasonForm,
        lambda r, c, f: services.case_return(
            case=c, approver=r.user, reason=f.cleaned_data["reason"], expected_state=_expected(r)
        ),
        gettext_lazy("The case is back under investigation."),
    ),
    "dismiss": Action(
        forms.ReasonForm,
        lambda r, c, f: services.case_dismiss(
            case=c, approver=r.user, reason=f.cleaned_data["reason"], expected_state=_expected(r)
        ),
        gettext_lazy("The case is closed without a penalty."),
    ),
    "execute": Action(
        forms.ExecutionForm,
        lambda r, c, f: services.execution_record(
            case=c,
            officer=r.user,
            note=f.cleaned_data["note"],
            fine_paid_on=f.cleaned_data["fine_paid_on"],
            expected_state=_expected(r),
        ),
        gettext_lazy("The execution is recorded."),
    ),
    "close": Action(
        forms.NoteOnlyForm,
        lambda r, c, f: services.case_close(
            case=c, officer=r.user, note=f.cleaned_data["note"], expected_state=_expected(r)
        ),
        gettext_lazy("The case is closed."),
    ),
}


def _paginate(request, queryset, per_page: int = 50):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# --- officers, approvers, supervisors -------------------------------------------------------------
@role_required(*READERS)
def home(request):
    form = forms.CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = case_list(
        request.user,
        state=filters.get("state", ""),
        violation=filters.get("violation", ""),
        source=filters.get("source", ""),
        q=filters.get("q", ""),
        overdue=bool(filters.get("overdue")),
    )
    page = _paginate(request, qs)
    rows = [(case, *case.next_deadline()) for case in page.object_list]
    return render(
        request,
        "penalties/home.html",
        {"form": form, "page": page, "rows": rows, "today": today(), "can_open": request.user.role in STAFF},
    )


@role_required(*STAFF)
def case_new(request):
    form = forms.CaseOpenForm(request.POST or None, agency=request.user.agency, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = Enterprise.objects.filter(credit_code=data["credit_code"]).first()
        licence, order = None, None
        if enterprise is None:
            form.add_error("credit_code", _("No enterprise is registered with this credit code."))
        if data["licence_number"]:
            licence = Licence.objects.filter(number=data["licence_number"].strip()).first()
            if licence is None:
                form.add_error("licence_number", _("No licence has this number."))
        if data["source"] == "rectification" and data["source_ref"]:
            from supervision.models import RectificationOrder

            order = RectificationOrder.objects.filter(number=data["source_ref"].strip()).first()
            if order is None:
                form.add_error("source_ref", _("No rectification order has this number."))
        if not form.errors:
            try:
                case = services.case_open(
                    enterprise=enterprise,
                    violation=data["violation"],
                    source=data["source"],
                    source_ref=data["source_ref"],
                    officer=request.user,
                    summary=data["summary"],
                    licence=licence,
                    rectification_order=order,
                    co_investigator=data["co_investigator"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Case %s is filed.") % case.number)
                return redirect("penalties:case", pk=case.pk)
    return render(request, "penalties/case_new.html", {"form": form})


def _history(case: PenaltyCase) -> list[dict]:
    states = dict(State.choices)
    rows = []
    for entry in history_of(case):
        before = (entry.before or {}).get("state") if isinstance(entry.before, dict) else None
        after = (entry.after or {}).get("state") if isinstance(entry.after, dict) else None
        rows.append(
            {
                "entry": entry,
                "label": STEP_LABELS.get(entry.action, entry.action),
                "change": (states.get(before, before), states.get(after, after))
                if before != after and after
                else None,
            }
        )
    return rows


def _detail_context(request, case: PenaltyCase, bound: dict | None = None) -> dict:
    investigators = investigator_ids(case)
    allowed = staff_actions(case, request.user, investigators)
    action_forms = {}
    for name in allowed:
        spec = ACTIONS[name]
        kwargs = spec.form_kwargs(case, request, investigators)
        action_forms[name] = (bound or {}).get(name) or spec.form(**kwargs)
    recommendation, recommendation_error = None, ""
    if case.state in (State.FILED, State.INVESTIGATING):
        try:
            recommendation = case_recommendation(case)
        except DomainError as exc:
            recommendation_error = exc.message
        if recommendation and "notify" in action_forms and not action_forms["notify"].is_bound:
            action_forms["notify"].fields["fine_amount"].initial = recommendation.amount
    decidable_from = None
    if (
        case.state == State.NOTIFIED
        and not case.waived_at
        and case.statement_due
        and case.hearing_request_due
    ):
        from datetime import timedelta

        decidable_from = max(case.statement_due, case.hearing_request_due) + timedelta(days=1)
    return {
        "case": case,
        "forms": action_forms,
        "recommendation": recommendation,
        "recommendation_error": recommendation_error,
        "evidence": list(case.evidence.select_related("uploaded_by")),
        "notes": list(case.notes.select_related("author")),
        "statements": list(case.statements.select_related("submitted_by")),
        "bars": list(case.bars.all()),
        "history": _history(case),
        "investigators": investigators,
        "is_investigator": request.user.pk in investigators,
        "decidable_from": decidable_from,
        "awaiting_decision": case.state in (State.NOTIFIED, State.HEARING_HELD),
        "today": today(),
    }


@role_required(*READERS)
def case_detail(request, pk: int):
    case = case_for(request.user, pk)
    return render(request, "penalties/case_detail.html", _detail_context(request, case))


@require_POST
@role_required(*STAFF)
def case_action(request, pk: int, action: str):
    case = case_for(request.user, pk)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    investigators = investigator_ids(case)
    kwargs = spec.form_kwargs(case, request, investigators)
    kwargs.pop("initial", None)
    form = spec.form(request.POST, request.FILES, **kwargs)
    if form.is_valid():
        try:
            spec.perform(request, case, form)
        except DomainError as exc:
            messages.error(request, exc.message)
            if exc.field and exc.field in form.fields:
                form.add_error(exc.field, exc.message)
        else:
            messages.success(request, str(spec.done))
            return redirect("penalties:case", pk=case.pk)
    else:
        messages.error(request, _("Please correct the errors below."))
    case = case_for(request.user, pk)
    return render(
        request, "penalties/case_detail.html", _detail_context(request, case, {action: form}), status=400
    )


@role_required(*READERS)
def evidence_download(request, pk: int, evidence_id: int):
    case = case_for(request.user, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_id, case=case)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


@role_required("supervisor", "approver")
def departures_list(request):
    page = _paginate(request, departures(request.user))
    return render(
        request,
        "penalties/departures.html",
        {"page": page, "form": forms.DepartureReviewForm(), "can_review": request.user.role == "supervisor"},
    )


@require_POST
@role_required("supervisor")
def departure_review(request, pk: int):
    case = get_object_or_404(scope_queryset(PenaltyCase.objects.all(), request.user), pk=pk)
    form = forms.DepartureReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your review."))
    else:
        try:
            services.departure_review(case=case, supervisor=request.user, note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your review is recorded."))
    return redirect("penalties:departures")


@role_required(*READERS)
def catalogue(request):
    return render(request, "penalties/catalogue.html", {"violations": Violation.objects.order_by("item")})


# --- the party --------------------------------------------------------------------------------------
@role_required("enterprise")
def enterprise_home(request):
    page = _paginate(request, cases_for(request.user).order_by("-notified_on", "-id"))
    return render(
        request,
        "penalties/enterprise_home.html",
        {"page": page, "bars": active_bars(request.user.enterprise), "today": today()},
    )


PARTY_ACTIONS = {
    "statement": (
        forms.StatementForm,
        lambda r, c, f: services.statement_submit(case=c, actor=r.user, text=f.cleaned_data["text"]),
        gettext_lazy("Your statement has been sent to the agency."),
    ),
    "hearing": (
        forms.HearingRequestForm,
        lambda r, c, f: services.hearing_request(case=c, actor=r.user, expected_state=_expected(r)),
        gettext_lazy("Your hearing request has been sent; the agency will tell you the date and place."),
    ),
    "waive": (
        forms.WaiverForm,
        lambda r, c, f: services.rights_waive(
            case=c, actor=r.user, text=f.cleaned_data["text"], expected_state=_expected(r)
        ),
        gettext_lazy("Your written waiver has been sent to the agency."),
    ),
}


def _party_context(request, case: PenaltyCase, bound: dict | None = None) -> dict:
    now = today()
    open_window = (
        case.state in (State.NOTIFIED, State.HEARING_REQUESTED, State.HEARING_SCHEDULED)
        and not case.waived_at
    )
    offered = {}
    if open_window and case.statement_due and now <= case.statement_due:
        offered["statement"] = forms.StatementForm()
    if case.state == State.NOTIFIED and not case.waived_at:
        if case.hearing_request_due and now <= case.hearing_request_due:
            offered["hearing"] = forms.HearingRequestForm()
        offered["waive"] = forms.WaiverForm()
    offered.update({k: v for k, v in (bound or {}).items() if k in offered})
    return {
        "case": case,
        "forms": offered,
        "statements": list(case.statements.all()),
        "today": now,
    }


@role_required("enterprise")
def enterprise_case(request, pk: int):
    case = case_for(request.user, pk)
    return render(request, "penalties/enterprise_case.html", _party_context(request, case))


@require_POST
@role_required("enterprise")
def enterprise_action(request, pk: int, action: str):
    case = case_for(request.user, pk)
    if action not in PARTY_ACTIONS:
        raise Http404
    form_class, perform, done = PARTY_ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            perform(request, case, form)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, str(done))
            return redirect("penalties:enterprise-case", pk=case.pk)
    else:
        messages.error(request, _("Please correct the errors below."))
    case = case_for(request.user, pk)
    return render(
        request, "penalties/enterprise_case.html", _party_context(request, case, {action: form}), status=400
    )


# --- the public -------------------------------------------------------------------------------------
def public_list(request):
    """行政处罚决定公示: no login. Withdrawn once the credit record is repaired or its period ends."""
    q = (request.GET.get("q") or "").strip()[:100]
    qs = public_decisions()
    if q:
        qs = qs.filter(
            Q(enterprise__name__icontains=q)
            | Q(enterprise__credit_code__iexact=q)
            | Q(decision_number__icontains=q)
        )
    return render(request, "penalties/public_list.html", {"page": _paginate(request, qs), "q": q})
