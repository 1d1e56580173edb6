from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import BootstrapFormMixin
from credit.models import Grade, RecordCategory, RecordStatus, RequestKind, RequestState, Tier

YES_NO = [("", _("All")), ("yes", _("Yes")), ("no", _("No"))]


def _with_all(choices):
    return [("", _("All")), *choices]


def yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RecordFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Enterprise, credit code or title"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Category"), choices=_with_all(RecordCategory.choices), required=False
    )
    grade = forms.ChoiceField(label=_("Grade"), choices=_with_all(Grade.choices), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_with_all(RecordStatus.choices), required=False)
    published = forms.ChoiceField(label=_("Published"), choices=YES_NO, required=False)
    disputed = forms.ChoiceField(label=_("Disputed"), choices=YES_NO, required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"].strip(),
            "category": data["category"],
            "grade": data["grade"],
            "status": data["status"],
            "published": yes_no(data["published"]),
            "disputed": yes_no(data["disputed"]),
        }


class _EnterpriseChoiceForm(forms.Form):
    """Sets the enterprise choices (the officer's scope) before BootstrapFormMixin validates."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None)

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class RecordCreateForm(BootstrapFormMixin, _EnterpriseChoiceForm):
    category = forms.ChoiceField(label=_("Category"), choices=RecordCategory.choices)
    grade = forms.ChoiceField(
        label=_("Grade"),
        choices=[("", _("None (neutral record or commendation)")), *Grade.choices],
        required=False,
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=pgettext_lazy("credit", "Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    counts_until = forms.DateField(
        label=_("Counts until (inclusive)"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty to use the period of the grade in the policy in force."),
    )
    source_ref = forms.CharField(
        label=_("Reference (e.g. decision number)"),
        max_length=100,
        required=False,
        help_text=_("A record with the same reference is stored only once."),
    )
    published = forms.BooleanField(label=_("Publish on the public dishonest list"), required=False)
    publish_until = forms.DateField(
        label=_("Published until"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty for the longest listing period of the grade."),
    )


class OverrideForm(BootstrapFormMixin, forms.Form):
    tier = forms.ChoiceField(label=_("Credit tier"), choices=Tier.choices)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until (inclusive)"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Remarks"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RequestFileForm(BootstrapFormMixin, forms.Form):
    statement = forms.CharField(label=_("Grounds"), widget=forms.Textarea(attrs={"rows": 5}))
    commitment = forms.BooleanField(
        label=_(
            "We commit to honour our obligations and not to repeat the behaviour (信用承诺), "
            "and accept the consequences of a false statement."
        ),
        required=False,
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == RequestKind.OBJECTION:
            del self.fields["commitment"]
            self.fields["statement"].help_text = _(
                "Say what in the record is wrong and why; the record is marked as disputed until decided."
            )
        else:
            self.fields["statement"].help_text = _(
                "Say how the behaviour was corrected and the obligations fulfilled (e.g. fine paid, "
                "rectification completed)."
            )


class RequestFilterForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_with_all(RequestKind.choices), required=False)
    state = forms.ChoiceField(label=_("State"), choices=_with_all(RequestState.choices), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class ActionForm(BootstrapFormMixin, forms.Form):
    took_place_on = forms.DateField(label=_("Date"), widget=DateInput())
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Export of the credit platform (.csv or .xlsx)"))


class PolicyCopyForm(forms.Form):
    code = forms.CharField(label=_("Version code of the new edition"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
