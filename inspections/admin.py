"""Admin: checklists are data an administrator edits; the rest is read-only here (services write)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from inspections import services
from inspections.models import (
    Campaign,
    ChecklistItem,
    Complaint,
    ConflictDeclaration,
    Inspection,
    PenaltyReferral,
    SelfInspectionCampaign,
    ThreeListEntry,
)


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["kind", "position", "code", "text", "active"]
    list_filter = ["kind", "active"]
    list_editable = ["position", "active"]
    search_fields = ["code", "text"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "agency", "state", "sample_size", "population_size", "drawn_at"]
    list_filter = ["state", "agency"]
    search_fields = ["number", "name"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["number", "enterprise", "origin", "kind", "state", "due_on", "inspected_on", "result"]
    list_filter = ["state", "origin", "kind", "agency"]
    search_fields = ["number", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]


class ConflictDeclarationForm(forms.ModelForm):
    class Meta:
        model = ConflictDeclaration
        fields = ["inspector", "enterprise", "relation", "detail"]

    def clean(self):
        data = super().clean()
        inspector, enterprise = data.get("inspector"), data.get("enterprise")
        if (
            inspector
            and enterprise
            and (inspector.role not in ("officer", "approver") or inspector.agency_id != enterprise.agency_id)
        ):
            raise forms.ValidationError(
                _("%s is not an officer of the agency that supervises this enterprise.") % inspector
            )
        return data


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    """Administrators declare relations here too; the service writes (and audits) the row."""

    form = ConflictDeclarationForm
    list_display = ["inspector", "enterprise", "relation", "declared_at", "withdrawn_at"]
    list_select_related = ["inspector", "enterprise"]
    raw_id_fields = ["inspector", "enterprise"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        declared = services.conflict_declare(
            inspector=obj.inspector,
            enterprise=obj.enterprise,
            relation=obj.relation,
            detail=obj.detail,
            actor=request.user,
        )
        obj.pk = declared.pk


@admin.register(ThreeListEntry)
class ThreeListEntryAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "list_kind", "state", "responsible", "listed_at", "resolved_at"]
    list_filter = ["list_kind", "state", "agency"]
    list_select_related = ["enterprise", "responsible"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["number", "enterprise", "channel", "state", "received_at"]
    list_filter = ["state", "channel"]


@admin.register(PenaltyReferral)
class PenaltyReferralAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "source_type", "source_id", "state", "referred_at"]
    list_filter = ["state"]


@admin.register(SelfInspectionCampaign)
class SelfInspectionCampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "agency", "year", "state", "due_on"]
