from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from documents.models import BulkJob, Document, Letterhead, NumberCounter, RenderState


@admin.register(Letterhead)
class LetterheadAdmin(admin.ModelAdmin):
    list_display = ["agency", "issuer_code", "header_name"]
    search_fields = ["agency__name", "issuer_code"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Documents, numbers and jobs change only through documents.services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NumberCounter)
class NumberCounterAdmin(ReadOnlyAdmin):
    list_display = ["agency", "doc_type", "year", "last_value"]
    list_filter = ["doc_type", "year", "agency"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "doc_type",
        "holder_name",
        "agency",
        "issued_on",
        "state",
        "validity",
        "version",
    ]
    list_filter = ["doc_type", "state", "validity", "agency"]
    search_fields = ["number", "verification_code", "holder_name", "subject_id"]
    date_hierarchy = "issued_on"
    list_select_related = ["agency"]
    actions = ["requeue_render"]

    @admin.action(description=_("Queue the rendering of the selected pending documents again"))
    def requeue_render(self, request, queryset):
        from documents.tasks import render_document

        pending = list(queryset.filter(state=RenderState.PENDING).values_list("pk", flat=True))
        for document_id in pending:
            render_document.delay(document_id)
        self.message_user(request, _("%d documents queued.") % len(pending), messages.SUCCESS)


@admin.register(BulkJob)
class BulkJobAdmin(ReadOnlyAdmin):
    list_display = ["title", "doc_type", "agency", "state", "total", "requested_at", "finished_at"]
    list_filter = ["state", "doc_type", "agency"]
