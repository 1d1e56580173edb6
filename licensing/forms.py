from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import BootstrapFormMixin
from licensing.models import (
    BusinessClass,
    Category,
    EquipmentItem,
    Kind,
    Level,
    Licence,
    LicenceType,
    Material,
    Mode,
    PersonnelRole,
)


def _lines(text: str) -> list[str]:
    return [line.strip(" \t-•·") for line in (text or "").splitlines() if line.strip(" \t-•·")]


class KindForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you apply for?"), choices=Kind.choices, widget=forms.RadioSelect
    )
    licence = forms.ModelChoiceField(
        label=_("Licence concerned"),
        queryset=Licence.objects.none(),
        required=False,
        help_text=_("Every kind except a new licence concerns one of your licences."),
    )
    licence_type = forms.ChoiceField(
        label=_("Licence type (new licence)"),
        choices=LicenceType.choices,
        initial=LicenceType.FACILITY,
        required=False,
    )
    business_class = forms.ChoiceField(
        label=_("Business class (power business licence)"),
        choices=[("", "—"), *BusinessClass.choices],
        required=False,
    )

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licence"].queryset = Licence.objects.filter(
            enterprise=enterprise, status__in=["valid", "suspended"]
        )
        self.fields["kind"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != Kind.NEW and not data.get("licence"):
            self.add_error("licence", _("Choose the licence this application concerns."))
        return data


class ScopesForm(BootstrapFormMixin, forms.Form):
    """One level per category; leave a category empty to not apply for it."""

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        levels = Level.objects.filter(scheme__effective_to__isnull=True).order_by("rank")
        choices = [("", _("— not applied for —"))] + [
            (lv.pk, f"{lv.name}（{lv.voltage_scope}）") for lv in levels
        ]
        for value, label in Category.choices:
            self.fields[value] = forms.ChoiceField(
                label=label, choices=choices, required=False, initial=(current or {}).get(value)
            )

    def scopes(self) -> list[tuple[str, int]]:
        return [(c, int(v)) for c, v in self.cleaned_data.items() if v]

    def clean(self):
        data = super().clean()
        if not any(data.values()):
            raise forms.ValidationError(_("Choose at least one category and level."))
        return data


class RegistrationChangeForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("New enterprise name"), max_length=200, required=False)
    legal_representative = forms.CharField(label=_("New legal representative"), max_length=50, required=False)
    address = forms.CharField(label=_("New registered address"), max_length=300, required=False)


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class OptionalNoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class ItemsForm(BootstrapFormMixin, forms.Form):
    items = forms.CharField(
        label=_("Items (one per line)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=6000,
        help_text=_("List every item at once (一次性告知)."),
    )

    def clean_items(self):
        items = _lines(self.cleaned_data["items"])
        if not items:
            raise forms.ValidationError(_("List at least one item."))
        return items


class OptionalItemsForm(ItemsForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].required = False
        self.fields["items"].help_text = _("Leave empty to keep the items the applicant listed.")

    def clean_items(self):
        return _lines(self.cleaned_data.get("items", ""))


class ResultForm(BootstrapFormMixin, forms.Form):
    result = forms.CharField(
        label=_("Result, item by item"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class OpinionForm(BootstrapFormMixin, forms.Form):
    opinion = forms.CharField(
        label=_("Experts' opinion"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class ProposeForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Proposal"), choices=[("approve", _("Approve (准予许可)")), ("deny", _("Deny (不予许可)"))]
    )
    text = forms.CharField(label=_("Grounds"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class DecideForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve as proposed")),
            ("deny", _("Deny as proposed")),
            ("return", _("Return to the officer")),
        ],
    )
    reason = forms.CharField(
        label=_("Reasons / instructions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )


class ExtensionDecisionForm(BootstrapFormMixin, forms.Form):
    grant = forms.TypedChoiceField(
        label=_("Extension"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Grant 10 working days")), ("0", pgettext_lazy("extension", "Refuse"))],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class SubmitForm(BootstrapFormMixin, forms.Form):
    mode = forms.ChoiceField(label=_("Procedure"), choices=Mode.choices, initial=Mode.ORDINARY)
    tolerant_items = forms.CharField(
        label=_("Materials you will supplement within 10 days (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
    )
    tolerant_reason = forms.CharField(label=_("Why they are missing now"), required=False, max_length=300)
    sign = forms.BooleanField(label=_("I have read the commitment letter and sign it"), required=False)

    def clean_tolerant_items(self):
        return _lines(self.cleaned_data.get("tolerant_items", ""))


class MaterialForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Material"), choices=Material.Kind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class SimpleDraftForm(BootstrapFormMixin, forms.Form):
    reissue_reason = forms.CharField(
        label=_("Why must the licence be reissued?"), max_length=200, required=False
    )
    cancellation_reason = forms.CharField(label=_("Why cancel the licence?"), max_length=200, required=False)
    applicant_note = forms.CharField(
        label=_("Note to the licensing agency"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class PersonnelForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.RegexField(
        label=_("ID number"),
        regex=r"^\d{17}[\dXx]$",
        error_messages={"invalid": _("Enter the 18-character resident ID number.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=PersonnelRole.choices)
    title = forms.CharField(label=_("Professional title"), max_length=50, required=False)
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=50, required=False)
    certificate_expiry = forms.DateField(
        label=_("Certificate valid until"), required=False, widget=forms.DateInput
    )
    employed_from = forms.DateField(label=_("Employed since"), widget=forms.DateInput)
    insured = forms.BooleanField(
        label=_("Social insurance paid by the enterprise"), required=False, initial=True
    )

    def clean_id_number(self):
        return self.cleaned_data["id_number"].upper()


class EquipmentForm(BootstrapFormMixin, forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=EquipmentItem.objects.all())
    model_name = forms.CharField(label=_("Model"), max_length=100, required=False)
    serial_no = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, initial=1)
    acquired_on = forms.DateField(label=_("Acquired on"), required=False, widget=forms.DateInput)


class UnitForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Unit name"), max_length=100)
    capacity_mw = forms.DecimalField(label=_("Capacity (MW)"), min_value=0, max_digits=10, decimal_places=2)
    commissioned_on = forms.DateField(label=_("Commissioned on"), widget=forms.DateInput)
    design_life_years = forms.IntegerField(label=_("Design life (years)"), min_value=1, max_value=80)
