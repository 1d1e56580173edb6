"""Forms of field supervision: they shape input; the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.models import Enterprise
from accounts.provinces import PROVINCES
from core.forms import BootstrapFormMixin
from credit.models import Grade, Tier
from inspections.models import ConflictDeclaration, Inspection, InspectionKind, ItemResult, ListKind
from licensing.models import Category, Level, LicenceType

STAFF_ROLES = ("officer", "approver")


def staff_of(agency):
    return (
        get_user_model()
        .objects.filter(agency=agency, role__in=STAFF_ROLES, is_active=True)
        .order_by("username")
    )


def date_input() -> forms.DateInput:
    """ISO format: an <input type=date> shows nothing for a localised value such as 2026/11/22."""
    return forms.DateInput(format="%Y-%m-%d")


class PreparedForm(forms.Form):
    """Fields that depend on constructor arguments are set up in `prepare()`, which runs before
    BootstrapFormMixin styles the fields (the mixin reads `errors`, which validates the form)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepare()

    def prepare(self) -> None:
        pass


class StyledForm(BootstrapFormMixin, PreparedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):  # also CheckboxSelectMultiple
                field.widget.attrs["class"] = "form-check-input"


class CheckboxGroup(forms.CheckboxSelectMultiple):
    """Bootstrap's form-check markup: the class goes on each box, never on the group's container."""

    template_name = "inspections/widgets/checkbox_group.html"
    option_template_name = "inspections/widgets/checkbox_option.html"


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.username})"


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.username})"


class EnterpriseByCodeField(forms.CharField):
    """An enterprise of the officer's agency named by its unified social credit code."""

    def __init__(self, *args, agency=None, **kwargs):
        self.agency = agency
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("label", _("Unified social credit code"))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        code = (super().clean(value) or "").strip().upper()
        qs = Enterprise.objects.select_related("agency")
        if self.agency is not None:
            qs = qs.filter(agency=self.agency)
        enterprise = qs.filter(credit_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(
                _("No enterprise with this credit code is supervised by your agency.")
            )
        return enterprise


class CampaignForm(StyledForm):
    name = forms.CharField(label=_("Campaign name"), max_length=200)
    licence_type = forms.ChoiceField(label=_("Licence type"), choices=LicenceType.choices)
    category = forms.ChoiceField(
        label=_("Licensed category"), choices=[("", _("Any")), *list(Category.choices)], required=False
    )
    level = forms.ModelChoiceField(
        label=_("Level"),
        queryset=Level.objects.select_related("scheme").order_by("rank"),
        required=False,
        empty_label=_("Any"),
    )
    provinces = forms.MultipleChoiceField(
        label=_("Region (provinces)"),
        choices=(),
        required=False,
        widget=CheckboxGroup,
        help_text=_("None ticked: the whole jurisdiction."),
    )
    tiers = forms.MultipleChoiceField(
        label=_("Credit tiers"),
        choices=Tier.choices,
        required=False,
        widget=CheckboxGroup,
        help_text=_("None ticked: every tier (weighted by the credit policy)."),
    )
    sample_size = forms.IntegerField(label=_("Sample size"), min_value=1, required=False)
    sample_rate = forms.DecimalField(
        label=_("or sample rate (%)"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    inspectors = StaffMultipleChoiceField(
        label=_("Inspector pool"),
        queryset=get_user_model().objects.none(),
        widget=CheckboxGroup,
    )
    conflict_years = forms.IntegerField(
        label=_("Exclude an inspector who inspected the enterprise in the last N years"),
        min_value=0,
        max_value=10,
        initial=3,
    )
    default_kind = forms.ChoiceField(
        label=_("Kind where the credit policy leaves the choice"),
        choices=InspectionKind.choices,
        initial=InspectionKind.OFF_SITE,
    )
    due_on = forms.DateField(label=_("Inspections due by"), widget=date_input())

    def __init__(self, *args, agency, **kwargs):
        self.agency = agency
        super().__init__(*args, **kwargs)

    def prepare(self):
        self.fields["inspectors"].queryset = staff_of(self.agency)
        provinces = set(self.agency.jurisdictions.values_list("province", flat=True))
        self.fields["provinces"].choices = [(c, label) for c, label in PROVINCES if c in provinces]


class InspectionPlanForm(StyledForm):
    enterprise = EnterpriseByCodeField()
    origin = forms.ChoiceField(
        label=_("Origin"),
        choices=[c for c in Inspection.Origin.choices if c[0] != Inspection.Origin.CAMPAIGN],
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    lead_inspector = StaffChoiceField(label=_("Lead inspector"), queryset=get_user_model().objects.none())
    second_inspector = StaffChoiceField(label=_("Second inspector"), queryset=get_user_model().objects.none())
    due_on = forms.DateField(label=_("Due by"), widget=date_input())

    def __init__(self, *args, agency, **kwargs):
        self.agency = agency
        super().__init__(*args, **kwargs)

    def prepare(self):
        self.fields["enterprise"].agency = self.agency
        for name in ("lead_inspector", "second_inspector"):
            self.fields[name].queryset = staff_of(self.agency)


OUTCOME_CHOICES = ItemResult.Outcome.choices
SEVERITY_CHOICES = [("", "—"), *list(Grade.choices)]


class InspectionRecordForm(StyledForm):
    """One outcome/severity/text triple per checklist point, plus the summary, video facts and follow-up."""

    inspected_on = forms.DateField(label=_("Inspected on"), widget=date_input())
    summary = forms.CharField(label=_("Summary of the inspection"), widget=forms.Textarea(attrs={"rows": 3}))
    extra_severity = forms.ChoiceField(
        label=_("Additional finding: severity"), choices=SEVERITY_CHOICES, required=False
    )
    extra_text = forms.CharField(
        label=_("Additional finding (not on the checklist)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    video_started_at = forms.DateTimeField(
        label=_("Video started at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    video_ended_at = forms.DateTimeField(
        label=_("Video ended at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    video_participants = forms.CharField(
        label=_("Participants"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    video_checked = forms.CharField(
        label=_("What was checked on video"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    video_recording_ref = forms.CharField(label=_("Recording reference"), required=False, max_length=200)
    rectify_by = forms.DateField(label=_("Order rectification by"), required=False, widget=date_input())
    refer_penalty = forms.BooleanField(label=_("Refer for a penalty case"), required=False)
    penalty_reason = forms.CharField(
        label=_("Why a penalty case"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, checklist, **kwargs):
        self.checklist = list(checklist)
        super().__init__(*args, **kwargs)

    def prepare(self):
        for item in self.checklist:
            self.fields[f"item_{item.pk}_outcome"] = forms.ChoiceField(
                label=item.text,
                choices=OUTCOME_CHOICES,
                initial=ItemResult.Outcome.OK,
                widget=forms.RadioSelect,
            )
            self.fields[f"item_{item.pk}_severity"] = forms.ChoiceField(
                label=_("Severity"), choices=SEVERITY_CHOICES, required=False
            )
            self.fields[f"item_{item.pk}_text"] = forms.CharField(
                label=_("Finding"), required=False, widget=forms.Textarea(attrs={"rows": 1})
            )
            self.fields[f"item_{item.pk}_severity"].widget.attrs["class"] = "form-select form-select-sm"
            self.fields[f"item_{item.pk}_text"].widget.attrs["class"] = "form-control form-control-sm"

    def rows(self):
        """(checklist item, outcome field, severity field, text field) for the template."""
        return [
            (
                item,
                self[f"item_{item.pk}_outcome"],
                self[f"item_{item.pk}_severity"],
                self[f"item_{item.pk}_text"],
            )
            for item in self.checklist
        ]

    def general_fields(self):
        return [self[n] for n in ("inspected_on", "summary")]

    def video_fields(self):
        return [
            self[n]
            for n in (
                "video_started_at",
                "video_ended_at",
                "video_participants",
                "video_checked",
                "video_recording_ref",
            )
        ]

    def follow_up_fields(self):
        return [
            self[n] for n in ("extra_severity", "extra_text", "rectify_by", "refer_penalty", "penalty_reason")
        ]


class CancelForm(StyledForm):
    reason = forms.CharField(label=_("Why cancelled"), widget=forms.Textarea(attrs={"rows": 2}))


class ThreeListAddForm(StyledForm):
    enterprise = EnterpriseByCodeField()
    list_kind = forms.ChoiceField(
        label=_("List"), choices=[c for c in ListKind.choices if c[0] != ListKind.DISHONEST]
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, agency, **kwargs):
        self.agency = agency
        super().__init__(*args, **kwargs)

    def prepare(self):
        self.fields["enterprise"].agency = self.agency


class ThreeListPlanForm(StyledForm):
    responsible = StaffChoiceField(label=_("Responsible officer"), queryset=get_user_model().objects.none())
    plan = forms.CharField(label=_("Supervision plan"), widget=forms.Textarea(attrs={"rows": 3}))
    plan_due = forms.DateField(label=_("Plan due by"), widget=date_input())

    def __init__(self, *args, agency, **kwargs):
        self.agency = agency
        super().__init__(*args, **kwargs)

    def prepare(self):
        self.fields["responsible"].queryset = staff_of(self.agency)


class ResolveForm(StyledForm):
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))


class ComplaintRegisterForm(StyledForm):
    enterprise = EnterpriseByCodeField()
    content = forms.CharField(label=_("What is complained about"), widget=forms.Textarea(attrs={"rows": 4}))
    complainant_name = forms.CharField(label=_("Complainant"), max_length=50, required=False)
    complainant_contact = forms.CharField(label=_("Complainant's contact"), max_length=100, required=False)

    def __init__(self, *args, agency, **kwargs):
        self.agency = agency
        super().__init__(*args, **kwargs)

    def prepare(self):
        self.fields["enterprise"].agency = self.agency


class PublicComplaintForm(StyledForm):
    enterprise = EnterpriseByCodeField(
        help_text=_("The 18-character code printed on the enterprise's business licence.")
    )
    content = forms.CharField(
        label=_("What do you complain about or report?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    complainant_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    complainant_contact = forms.CharField(
        label=_("How to reach you (optional)"), max_length=100, required=False
    )
    # Honeypot: hidden from people by CSS; a robot that fills it is ignored.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def prepare(self):
        self.fields["enterprise"].error_messages["required"] = _("Enter the enterprise's credit code.")
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})


class ExamineForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Accept: put the enterprise on the complained-about list")),
            ("dismiss", _("Dismiss")),
        ],
    )
    note = forms.CharField(label=_("Examination note"), widget=forms.Textarea(attrs={"rows": 3}))


class ConflictForm(StyledForm):
    inspector = StaffChoiceField(label=_("Inspector"), queryset=get_user_model().objects.none())
    enterprise = EnterpriseByCodeField()
    relation = forms.ChoiceField(label=_("Relation"), choices=ConflictDeclaration.Relation.choices)
    detail = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agency, **kwargs):
        self.agency = agency
        super().__init__(*args, **kwargs)

    def prepare(self):
        self.fields["inspector"].queryset = staff_of(self.agency)
        self.fields["enterprise"].agency = self.agency


class WithdrawForm(StyledForm):
    reason = forms.CharField(label=_("Why withdrawn"), widget=forms.Textarea(attrs={"rows": 2}))


class SelfCampaignForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = forms.CharField(
        label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label=_("Reports due by"), widget=date_input())
    verify_due_on = forms.DateField(label=_("Verification due by"), widget=date_input())
    spot_check_rate = forms.IntegerField(
        label=_("Spot-check rate for 守信 (%)"), min_value=1, max_value=100, initial=20
    )


class SelfReportForm(StyledForm):
    summary = forms.CharField(
        label=_("Summary of the self-inspection"), widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = forms.FileField(label=_("Attachment (PDF, optional)"), required=False)

    def __init__(self, *args, checklist, **kwargs):
        self.checklist = list(checklist)
        super().__init__(*args, **kwargs)

    def prepare(self):
        for item in self.checklist:
            self.fields[f"item_{item.pk}_compliant"] = forms.ChoiceField(
                label=item.text,
                choices=[("yes", _("Met")), ("no", _("Not met"))],
                initial="yes",
                widget=forms.RadioSelect,
                help_text=item.guidance,
            )
            self.fields[f"item_{item.pk}_note"] = forms.CharField(
                label=_("Explanation"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 1, "class": "form-control"}),
            )

    def rows(self):
        return [
            (item, self[f"item_{item.pk}_compliant"], self[f"item_{item.pk}_note"]) for item in self.checklist
        ]

    def answers(self) -> dict[int, tuple[bool, str]]:
        return {
            item.pk: (
                self.cleaned_data[f"item_{item.pk}_compliant"] == "yes",
                self.cleaned_data.get(f"item_{item.pk}_note", ""),
            )
            for item in self.checklist
        }


class DrawVerificationForm(StyledForm):
    verifiers = StaffMultipleChoiceField(
        label=_("Verifiers"), queryset=get_user_model().objects.none(), widget=CheckboxGroup
    )

    def __init__(self, *args, agency, **kwargs):
        self.agency = agency
        super().__init__(*args, **kwargs)

    def prepare(self):
        self.fields["verifiers"].queryset = staff_of(self.agency)


class VerifyReportForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("matches", _("The report matches the facts")),
            ("discrepancy", _("The report does not match")),
        ],
    )
    severity = forms.ChoiceField(
        label=_("Severity of the discrepancy"), choices=SEVERITY_CHOICES, required=False
    )
    note = forms.CharField(label=_("How it was verified"), widget=forms.Textarea(attrs={"rows": 3}))


class TaskFilterForm(StyledForm):
    category = forms.ChoiceField(
        label=_("Licensed category"), choices=[("", _("Any")), *list(Category.choices)], required=False
    )
    tier = forms.ChoiceField(
        label=_("Credit tier"), choices=[("", _("Any")), *list(Tier.choices)], required=False
    )
    province = forms.ChoiceField(
        label=_("Province"), choices=[("", _("Any")), *list(PROVINCES)], required=False
    )
