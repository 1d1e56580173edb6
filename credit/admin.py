"""Admin: the measure policy is data an administrator edits here; everything else is read-only
(records, tiers, requests change only through services), plus the import of the platform's exports."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError
from credit import services
from credit.forms import ImportForm, PolicyCopyForm
from credit.models import (
    CreditRecord,
    CreditRequest,
    DishonestyAction,
    DishonestyNotice,
    EnterpriseCredit,
    JointPunishmentEntry,
    Measure,
    PolicyVersion,
    TierChange,
    TierOverride,
)
from credit.platform import PLATFORM_SOURCE, FileFeed


def _started(policy: PolicyVersion | None) -> bool:
    return policy is not None and policy.pk is not None and policy.effective_from <= timezone.localdate()


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = [
        "item",
        "scope",
        "violation",
        "tier",
        "text",
        "commitment_allowed",
        "materials_exempt",
        "lost_notice_required",
        "tolerant_allowed",
        "personnel_gap_max",
        "equipment_gap_max",
        "site_inspection",
        "time_limit_days",
        "same_day",
        "limit_applies_to_tolerant",
        "fine_position",
        "selection_probability_change",
        "inspection_manner",
        "always_selected",
        "self_inspection_verification",
    ]
    formfield_overrides = {
        Measure._meta.get_field("text").__class__: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}
    }

    # An edition in force is what stored decisions cite: its measures no longer change. A new
    # edition (copied from it, starting later) carries the changes.
    def has_change_permission(self, request, obj=None):
        return not _started(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not _started(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _started(obj) and super().has_delete_permission(request, obj)


class PolicyVersionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = [f.name for f in PolicyVersion._meta.concrete_fields if f.editable and not f.primary_key]

    def clean_effective_to(self):
        end = self.cleaned_data.get("effective_to")
        if _started(self.instance) and end is not None and end < timezone.localdate():
            raise forms.ValidationError(
                _("An edition in force can be ended today at the earliest; the past does not change.")
            )
        return end


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    form = PolicyVersionForm
    list_display = ["code", "title", "effective_from", "effective_to", "measure_count"]
    inlines = [MeasureInline]
    actions = ["new_edition"]
    fieldsets = [
        (None, {"fields": ["code", "title", "effective_from", "effective_to", "source"]}),
        (
            gettext_lazy("Statutory periods"),
            {
                "fields": [
                    "statutory_limit_days",
                    "statutory_registration_change_days",
                    "extension_days",
                    "tolerant_supplement_days",
                    "tolerant_bar_years",
                ]
            },
        ),
        (
            gettext_lazy("By grade of the dishonest behaviour"),
            {
                "fields": [
                    "listing_months_minor",
                    "listing_months_serious",
                    "listing_months_severe",
                    "commendation_months",
                    "action_minor",
                    "action_serious",
                    "action_severe",
                ]
            },
        ),
        (
            gettext_lazy("Repairs and objections"),
            {"fields": ["repair_decision_days", "objection_decision_days"]},
        ),
    ]

    @admin.display(description=gettext_lazy("measures"))
    def measure_count(self, obj):
        return obj.measures.count()

    def get_readonly_fields(self, request, obj=None):
        if _started(obj):
            editable = {"title", "source", "effective_to"}
            return [f.name for f in PolicyVersion._meta.concrete_fields if f.name not in editable | {"id"}]
        return []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.policy_version_audit(policy=obj, actor=request.user, created=not change)

    @admin.action(description=gettext_lazy("New edition from the selected one"))
    def new_edition(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one edition to copy."), messages.ERROR)
            return None
        return redirect("admin:credit_policyversion_new_edition", object_id=queryset.get().pk)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/new-edition/",
                self.admin_site.admin_view(self.new_edition_view),
                name="credit_policyversion_new_edition",
            ),
            *super().get_urls(),
        ]

    def new_edition_view(self, request, object_id: int):
        if not self.has_add_permission(request):
            raise PermissionDenied
        source = get_object_or_404(PolicyVersion, pk=object_id)
        form = PolicyCopyForm(request.POST or None, initial={"title": source.title})
        if request.method == "POST" and form.is_valid():
            try:
                new = services.policy_version_copy(
                    source=source,
                    code=form.cleaned_data["code"],
                    title=form.cleaned_data["title"],
                    effective_from=form.cleaned_data["effective_from"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                self.message_user(
                    request, _("Edition %s created; edit its measures before it takes effect.") % new.code
                )
                return redirect("admin:credit_policyversion_change", new.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("New edition from %s") % source.code,
            "form": form,
            "source": source,
        }
        return render(request, "admin/credit/policyversion/new_edition.html", context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Changed only through the credit services (and their audit rows)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "enterprise",
        "category",
        "grade",
        "title",
        "occurred_on",
        "counts_until",
        "published",
        "status",
        "disputed",
        "source",
    ]
    list_filter = ["category", "grade", "status", "published", "disputed", "source"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "title", "source_ref"]
    list_select_related = ["enterprise"]
    date_hierarchy = "occurred_on"
    change_list_template = "admin/credit/creditrecord/change_list.html"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="credit_creditrecord_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = FileFeed(upload.name, upload.read()).rows()
            except ValueError as exc:
                form.add_error("file", str(exc))
            else:
                report = services.credit_records_import(rows=rows, source=PLATFORM_SOURCE, actor=request.user)
                if report.ok:
                    self.message_user(
                        request,
                        _("%(created)d records imported, %(existing)d already present.")
                        % {"created": len(report.created), "existing": report.existing},
                    )
                else:
                    self.message_user(request, _("Nothing was imported: fix the rows below."), messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import from the credit platform"),
            "form": form,
            "report": report,
            "changelist_url": reverse("admin:credit_creditrecord_changelist"),
        }
        return render(request, "admin/credit/creditrecord/import.html", context)


@admin.register(TierOverride)
class TierOverrideAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "tier", "starts_on", "ends_on", "created_by", "cancelled_at"]
    list_filter = ["tier"]
    search_fields = ["enterprise__name", "reason"]


@admin.register(EnterpriseCredit)
class EnterpriseCreditAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "tier", "reason", "computed_at"]
    list_filter = ["tier"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]


@admin.register(TierChange)
class TierChangeAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "from_tier", "to_tier", "reason", "at"]
    list_filter = ["to_tier"]
    search_fields = ["enterprise__name"]


@admin.register(CreditRequest)
class CreditRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "enterprise", "state", "accepted_on", "due_on", "due_provisional"]
    list_filter = ["kind", "state", "due_provisional"]
    search_fields = ["enterprise__name"]


@admin.register(DishonestyAction)
class DishonestyActionAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "kind", "took_place_on", "officer"]
    list_filter = ["kind"]


@admin.register(JointPunishmentEntry)
class JointPunishmentEntryAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "record", "listed_on", "removed_on"]


@admin.register(DishonestyNotice)
class DishonestyNoticeAdmin(ReadOnlyAdmin):
    list_display = ["number", "enterprise", "tier", "issued_on", "read_at"]
