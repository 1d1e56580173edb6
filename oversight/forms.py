"""Forms validate input at the edge; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Agency
from core.forms import BootstrapFormMixin
from licensing.models import Kind, LicenceType
from oversight.models import (
    MANUAL_RULES,
    ContactMethod,
    FlagRule,
    RatingLevel,
    Verification,
)
from oversight.services import COMMENT_MAX

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
MAX_PERIOD_YEARS = 10


def _radios(form: forms.Form, *names: str) -> None:
    for name in names:
        form.fields[name].widget.attrs["class"] = "form-check-input"


class RatingForm(BootstrapFormMixin, forms.Form):
    level = forms.ChoiceField(label=_("Rating"), choices=RatingLevel.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for 不满意 and 非常不满意: say what went wrong."),
    )
    anonymous = forms.BooleanField(
        label=_("Rate anonymously (no callback)"),
        required=False,
        help_text=_("A real-name bad review is verified and called back; an anonymous one is only counted."),
    )
    contact_phone = forms.CharField(label=_("Phone for the callback"), required=False, max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _radios(self, "level")


class CallbackContactForm(BootstrapFormMixin, forms.Form):
    contacted_at = forms.DateTimeField(
        label=_("Contacted at"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(format=DATETIME_LOCAL, attrs={"type": "datetime-local"}),
    )
    method = forms.ChoiceField(label=_("Contacted by way of"), choices=ContactMethod.choices)
    person = forms.CharField(label=_("Person reached"), max_length=50)
    notes = forms.CharField(label=_("What the enterprise said"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("contacted_at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)


class CallbackCloseForm(BootstrapFormMixin, forms.Form):
    findings = forms.CharField(
        label=_("Findings of the verification"), widget=forms.Textarea(attrs={"rows": 3})
    )
    verification = forms.ChoiceField(
        label=_("Verification"), choices=Verification.choices, widget=forms.RadioSelect
    )
    rectification = forms.CharField(
        label=_("Rectification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the complaint is confirmed: what was put right, by whom, when."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _radios(self, "verification")


class ReassignForm(BootstrapFormMixin, forms.Form):
    assignee = forms.ModelChoiceField(label=_("Hand over to"), queryset=None)

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff


class FlagReportForm(BootstrapFormMixin, forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.all())
    rule = forms.ChoiceField(
        label=_("Finding"), choices=[(r.value, r.label) for r in FlagRule if r.value in MANUAL_RULES]
    )
    occurred_on = forms.DateField(label=_("Date of the facts"))
    application = forms.CharField(label=_("Application number (if any)"), required=False, max_length=30)
    description = forms.CharField(
        label=_("Description and evidence"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if agencies is not None and agencies.count() == 1:
            self.fields["agency"].initial = agencies.first()
            self.fields["agency"].widget = forms.HiddenInput()


class NoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for dismissing"), widget=forms.Textarea(attrs={"rows": 2}))


class SettingForm(BootstrapFormMixin, forms.Form):
    callback_working_days = forms.IntegerField(
        label=_("Callback due within (working days)"),
        min_value=1,
        max_value=60,
        help_text=_("5 or 15 working days are both in use (SPEC §7)."),
    )
    handlers = forms.ModelMultipleChoiceField(
        label=_("Designated callback handlers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Without designated handlers, the agency's approvers take the callbacks."),
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handlers"].queryset = staff
        self.fields["handlers"].widget.attrs["class"] = "form-check-input"


class DashboardFilterForm(BootstrapFormMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=None, required=False, empty_label=_("All agencies")
    )
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    licence_type = forms.ChoiceField(
        label=_("Licence type"), required=False, choices=[("", _("All licence types")), *LicenceType.choices]
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The period must start before it ends."))
            if (end - start).days > 366 * MAX_PERIOD_YEARS:
                raise forms.ValidationError(_("Choose a period of at most ten years."))
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day and not dt.date(2004, 1, 1) <= day <= dt.date(2100, 12, 31):
                self.add_error(name, _("Outside the years the platform counts."))
        return data


class PublicDecisionFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Enterprise name or credit code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Enterprise name or credit code")}),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.order_by("-is_national", "code"),
        required=False,
        empty_label=_("All agencies"),
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("oversight", "Kind"),
        required=False,
        choices=[("", _("All kinds")), *Kind.choices],
    )
    outcome = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[
            ("", _("All decisions")),
            ("approved", _("Licence granted")),
            ("denied", _("Licence refused")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = field.label
