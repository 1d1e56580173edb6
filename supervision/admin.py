"""Supervision in the admin: read-only. Every change goes through supervision.services (and the scan);
the monthly schedule itself is edited under django-celery-beat's Periodic tasks."""

from django.contrib import admin

from supervision.models import CommitmentCheck, LicenceWarning, OrderEvidence, RectificationOrder, ScanRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScanRun)
class ScanRunAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "scan_date",
        "status",
        "started_at",
        "finished_at",
        "licences_scanned",
        "warnings_opened",
        "warnings_closed",
        "batches",
        "resumed",
        "triggered_by",
    ]
    list_filter = ["status"]


@admin.register(LicenceWarning)
class LicenceWarningAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "type",
        "key",
        "status",
        "licence",
        "enterprise",
        "agency",
        "owner",
        "first_seen_on",
        "due_on",
    ]
    list_filter = ["type", "status", "agency"]
    search_fields = ["licence__number", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["licence", "enterprise", "agency", "owner"]


class OrderEvidenceInline(admin.TabularInline):
    model = OrderEvidence
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RectificationOrder)
class RectificationOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "state", "source", "enterprise", "agency", "licence", "issued_on", "deadline"]
    list_filter = ["state", "source", "agency"]
    search_fields = ["number", "enterprise__name", "licence__number"]
    list_select_related = ["enterprise", "agency", "licence"]
    inlines = [OrderEvidenceInline]


@admin.register(CommitmentCheck)
class CommitmentCheckAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "licence",
        "enterprise",
        "agency",
        "state",
        "decided_on",
        "due_on",
        "checked_on",
        "outcome",
        "penalty_referral",
    ]
    list_filter = ["state", "outcome", "method", "penalty_referral", "agency"]
    search_fields = ["licence__number", "enterprise__name"]
    list_select_related = ["licence", "enterprise", "agency"]
