"""Admin: the callback setting and the disclosure rules are data an administrator edits here;
events, ratings, callbacks, flags and facts change only through services (read-only here)."""

from django.contrib import admin

from oversight.models import (
    ApplicationFact,
    CallbackTask,
    DisclosureRule,
    OversightSetting,
    Rating,
    ServiceEvent,
    WorkFlag,
)


@admin.register(OversightSetting)
class OversightSettingAdmin(admin.ModelAdmin):
    list_display = ["agency", "callback_working_days", "updated_at"]
    filter_horizontal = ["callback_handlers"]
    list_select_related = ["agency"]


@admin.register(DisclosureRule)
class DisclosureRuleAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "publish_within_working_days", "retention_months", "withdraw_on_repair"]
    readonly_fields = ["key"]

    def has_delete_permission(self, request, obj=None):
        return False  # other apps look their rule up by key


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceEvent)
class ServiceEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "kind", "reference", "enterprise", "agency", "officer"]
    list_filter = ["kind", "agency"]
    list_select_related = ["enterprise", "agency", "officer"]
    search_fields = ["reference", "enterprise__name"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["rated_at", "level", "anonymous", "enterprise", "agency"]
    list_filter = ["level", "anonymous", "agency"]
    list_select_related = ["enterprise", "agency"]


@admin.register(CallbackTask)
class CallbackTaskAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "agency", "assignee", "state", "due_on", "closed_on"]
    list_filter = ["state", "agency"]
    list_select_related = ["enterprise", "agency", "assignee"]


@admin.register(WorkFlag)
class WorkFlagAdmin(ReadOnlyAdmin):
    list_display = ["occurred_on", "rule", "subject_key", "agency", "state", "manual"]
    list_filter = ["rule", "state", "agency", "manual"]
    list_select_related = ["agency"]


@admin.register(ApplicationFact)
class ApplicationFactAdmin(ReadOnlyAdmin):
    list_display = [
        "application",
        "agency",
        "kind",
        "received_on",
        "decided_on",
        "outcome",
        "working_days_taken",
        "on_time",
    ]
    list_filter = ["outcome", "kind", "agency"]
    list_select_related = ["agency", "application"]
