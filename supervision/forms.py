from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from accounts.provinces import PROVINCES
from core.forms import BootstrapFormMixin
from credit.models import Tier
from licensing.models import Category
from supervision.models import CommitmentCheck, LicenceWarning, RectificationOrder, ScanRun

ANY = [("", _("Any"))]
DUE_CHOICES = [
    ("", _("Any")),
    ("overdue", _("Overdue")),
    ("30", _("Within 30 days")),
    ("90", _("Within 90 days")),
]


class _FilterForm(BootstrapFormMixin, forms.Form):
    """GET filters shared by the pages and the API (one definition of what may be filtered)."""

    q = forms.CharField(label=_("Enterprise or licence"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Licence category"), choices=ANY + list(Category.choices), required=False
    )
    tier = forms.ChoiceField(label=_("Credit tier"), choices=ANY + list(Tier.choices), required=False)
    province = forms.ChoiceField(label=_("Province"), choices=ANY + list(PROVINCES), required=False)
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.order_by("-is_national", "code"), required=False
    )
    due = forms.ChoiceField(label=_("Due"), choices=DUE_CHOICES, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        sees_all = user is not None and (
            user.is_superuser or user.role == "admin" or getattr(user, "is_national_supervisor", False)
        )
        if not sees_all:
            del self.fields["agency"]

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")} if self.is_valid() else {}


class WarningFilterForm(_FilterForm):
    type = forms.ChoiceField(label=_("Type"), choices=ANY + list(LicenceWarning.Type.choices), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("active", _("Active")), ("all", _("All")), *list(LicenceWarning.Status.choices)],
        required=False,
    )
    owner = forms.ChoiceField(
        label=_("Officer in charge"),
        choices=[("", _("Anyone")), ("me", _("Me")), ("none", _("Unassigned"))],
        required=False,
    )
    run = forms.ModelChoiceField(
        label=_("Found by scan"),
        queryset=ScanRun.objects.order_by("-started_at"),
        required=False,
        empty_label=_("Any"),
    )
    field_order = ["q", "type", "status", "category", "tier", "province", "agency", "due", "owner", "run"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["run"].label_from_instance = lambda run: f"{run.scan_date:%Y-%m-%d} (#{run.pk})"


class OrderFilterForm(_FilterForm):
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("open", _("Open")), ("all", _("All")), *list(RectificationOrder.State.choices)],
        required=False,
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=ANY + list(RectificationOrder.Source.choices), required=False
    )
    field_order = ["q", "state", "source", "category", "tier", "province", "agency", "due"]


class CheckFilterForm(_FilterForm):
    state = forms.ChoiceField(
        label=_("State"), choices=[("all", _("All")), *list(CommitmentCheck.State.choices)], required=False
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=ANY + list(CommitmentCheck.Method.choices), required=False
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ANY + list(CommitmentCheck.Outcome.choices), required=False
    )
    referral = forms.BooleanField(label=_("Referred for a penalty case"), required=False)
    owner = forms.ChoiceField(
        label=_("Officer in charge"), choices=[("", _("Anyone")), ("me", _("Me"))], required=False
    )
    field_order = [
        "q",
        "state",
        "method",
        "outcome",
        "category",
        "tier",
        "province",
        "agency",
        "due",
        "owner",
    ]


class _DeadlineMixin:
    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline is not None and deadline <= timezone.localdate():
            raise forms.ValidationError(_("The deadline must be after today."))
        return deadline


class OrderRectificationForm(_DeadlineMixin, BootstrapFormMixin, forms.Form):
    deadline = forms.DateField(label=_("Rectify by"), widget=forms.DateInput)
    findings = forms.CharField(
        label=_("What must be rectified"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
        help_text=_("Leave empty to use the evidence of the warning."),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class AnswerForm(BootstrapFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("What was rectified"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    files = MultipleFileField(
        label=_("Evidence (PDF, JPEG or PNG)"),
        required=False,
        help_text=_("Several files may be chosen at once."),
    )


class VerifyForm(BootstrapFormMixin, forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("Verification"),
        choices=[("1", _("Rectified: close the order")), ("0", _("Not rectified: return to the enterprise"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=_("How it was verified"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class RevokeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking the licence"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class CheckRecordForm(_DeadlineMixin, BootstrapFormMixin, forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=CommitmentCheck.Method.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CommitmentCheck.Outcome.choices)
    deadline = forms.DateField(
        label=_("Rectify by"),
        widget=forms.DateInput,
        required=False,
        help_text=_("Required when the outcome is inconsistent."),
    )
    note = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == CommitmentCheck.Outcome.INCONSISTENT and not data.get("deadline"):
            self.add_error("deadline", _("Set the deadline of the rectification."))
        return data


class ComparisonRowForm(BootstrapFormMixin, forms.Form):
    item = forms.CharField(label=_("Item"), max_length=200, required=False)
    committed = forms.CharField(label=_("Committed"), max_length=200, required=False)
    found = forms.CharField(label=_("Found"), max_length=200, required=False)
    matches = forms.BooleanField(label=_("Matches"), required=False)


ComparisonFormSet = forms.formset_factory(ComparisonRowForm, extra=2, max_num=60)
