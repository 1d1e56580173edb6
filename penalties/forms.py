"""Forms validate input at the edge; the services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from penalties.models import Applicability, Source, State, Violation

TEXTAREA = forms.Textarea(attrs={"rows": 3})
OUTCOMES = ("warning", "rectification", "confiscation", "revocation")


def staff_of(agency):
    return (
        get_user_model()
        .objects.filter(agency=agency, role__in=("officer", "approver"), is_active=True)
        .order_by("role", "username")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.get_role_display()}）"


class AdjustedForm(BootstrapFormMixin, forms.Form):
    """core.forms.BootstrapFormMixin reads `self.errors` while styling, which validates the form inside
    __init__; a form that adjusts its fields afterwards (querysets, choices, disabled outcomes) calls
    `fields_adjusted()` so it is validated again against the fields it really has."""

    def fields_adjusted(self) -> None:
        self._errors = None


class ConfirmForm(forms.Form):
    """A step that needs nothing but the click (and the state the page showed)."""


class CaseFilterForm(AdjustedForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), ("open", _("Open cases")), *State.choices],
    )
    violation = forms.ChoiceField(label=_("Violation"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", _("All")), *Source.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violation"].choices = [("", _("All"))] + [
            (v.code, f"{v.item}. {v.title}") for v in Violation.objects.order_by("item")
        ]
        self.fields_adjusted()


class CaseOpenForm(AdjustedForm):
    credit_code = forms.CharField(label=_("Party's unified social credit code"), max_length=18, min_length=18)
    violation = forms.ModelChoiceField(label=_("Violation"), queryset=Violation.objects.filter(active=True))
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    source_ref = forms.CharField(
        label=_("Source reference"),
        required=False,
        max_length=100,
        help_text=_(
            "Inspection, complaint or commitment-check number; for an escalated order, its order number."
        ),
    )
    licence_number = forms.CharField(label=_("Licence concerned (number)"), required=False, max_length=40)
    co_investigator = StaffChoiceField(
        label=_("Second investigator"), queryset=get_user_model().objects.none(), required=False
    )
    summary = forms.CharField(label=_("Grounds for filing"), widget=TEXTAREA, max_length=4000)

    def __init__(self, *args, agency=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_investigator"].queryset = staff_of(agency).exclude(pk=getattr(user, "pk", None))
        self.fields_adjusted()

    def clean_credit_code(self):
        return self.cleaned_data["credit_code"].strip().upper()


class EvidenceForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))
    description = forms.CharField(label=_("Description"), max_length=300)


class NoteForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Investigation note"), widget=TEXTAREA, max_length=8000)


class FactsForm(BootstrapFormMixin, forms.Form):
    facts = forms.CharField(
        label=_("Facts established"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )
    illegal_gains = forms.DecimalField(
        label=_("Illegal gains (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )


class NotifyForm(AdjustedForm):
    fine_amount = forms.DecimalField(label=_("Fine (yuan)"), min_value=0, max_digits=14, decimal_places=2)
    departure_reason = forms.CharField(
        label=_("Reason for departing from the recommendation"),
        required=False,
        widget=TEXTAREA,
        max_length=4000,
        help_text=_("Required when the fine differs from the recommended amount."),
    )
    warning = forms.BooleanField(label=_("Warning"), required=False)
    rectification = forms.BooleanField(label=_("Order to rectify"), required=False)
    confiscation = forms.BooleanField(label=_("Confiscate the illegal gains"), required=False)
    revocation = forms.BooleanField(label=_("Revoke the licence"), required=False)
    grounds = forms.CharField(label=_("Grounds of the intended penalty"), widget=TEXTAREA, max_length=8000)

    def __init__(self, *args, case=None, recommended=None, **kwargs):
        super().__init__(*args, **kwargs)
        if recommended is not None and not self.is_bound:
            self.fields["fine_amount"].initial = recommended
        if case is None:
            return
        for name in OUTCOMES:
            rule = getattr(case.violation, name)
            if rule == Applicability.NEVER:
                del self.fields[name]
            elif rule == Applicability.MANDATORY:
                self.fields[name].initial = True
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Mandatory for this violation.")
        if "revocation" in self.fields and case.licence_id is None:
            self.fields["revocation"].disabled = True
            self.fields["revocation"].help_text = _("No licence was named when the case was filed.")
        self.fields_adjusted()

    def outcomes(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in OUTCOMES if name in self.fields}


class HearingScheduleForm(AdjustedForm):
    at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    host = StaffChoiceField(label=_("Chaired by"), queryset=get_user_model().objects.none())

    def __init__(self, *args, case=None, exclude_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["host"].queryset = staff_of(case.agency).exclude(pk__in=exclude_ids)
        self.fields_adjusted()


class HearingRecordForm(BootstrapFormMixin, forms.Form):
    record = forms.CharField(
        label=_("Hearing record"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )
    party_attended = forms.BooleanField(label=_("The party attended"), required=False, initial=True)


class DecideForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Decision reasoning"),
        required=False,
        widget=TEXTAREA,
        max_length=8000,
        help_text=_(
            "Required when the party made statements or a hearing was held: say how they were weighed."
        ),
    )


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, max_length=8000)


class ExecutionForm(BootstrapFormMixin, forms.Form):
    fine_paid_on = forms.DateField(label=_("Paid on"), required=False, widget=forms.DateInput())
    note = forms.CharField(label=_("Execution"), widget=TEXTAREA, max_length=8000)


class NoteOnlyForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("Closing report"), widget=TEXTAREA, max_length=8000)


class DepartureReviewForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("Review"), widget=TEXTAREA, max_length=4000)


# --- the party -------------------------------------------------------------------------------------
class StatementForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Your statement and defence"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )


class WaiverForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Written waiver"),
        widget=TEXTAREA,
        max_length=2000,
        initial=_("We waive our rights to state our case and to request a hearing in this case."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the agency may decide at once and that this cannot be undone."),
        required=True,
    )


class HearingRequestForm(BootstrapFormMixin, forms.Form):
    confirm = forms.BooleanField(label=_("We request a hearing."), required=True)
