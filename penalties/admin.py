from django.contrib import admin
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from penalties.models import Bar, PenaltyCase, ProcedureRule, Violation


class AuditedAdmin(admin.ModelAdmin):
    """Reference data is edited here; every edit leaves an audit row with the values before and after."""

    def save_model(self, request, obj, form, change):
        before = model_to_dict(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            obj=obj,
            action=f"penalty.{type(obj).__name__.lower()}_{'change' if change else 'add'}",
            before={k: str(v) for k, v in before.items()} if before else None,
            after={k: str(v) for k, v in model_to_dict(obj).items()},
        )


@admin.register(Violation)
class ViolationAdmin(AuditedAdmin):
    list_display = ["item", "code", "title", "fine_rule", "fine_min", "fine_max", "credit_grade", "active"]
    list_filter = ["active", "fine_rule", "credit_grade"]
    search_fields = ["code", "title"]
    fieldsets = [
        (None, {"fields": ["code", "item", "title", "active"]}),
        (
            _("Legal basis"),
            {"fields": ["violated_provision", "penalty_provision", "discretion_basis", "legal_check"]},
        ),
        (
            _("Fine"),
            {"fields": ["fine_rule", "fine_min", "fine_max", "gains_multiple_min", "gains_multiple_max"]},
        ),
        (
            "Other outcomes",
            {
                "fields": [
                    "warning",
                    "rectification",
                    "confiscation",
                    "revocation",
                    "reapply_bar_years",
                    "tolerant_bar_years",
                    "commitment_bar_years",
                    "credit_grade",
                ]
            },
        ),
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # cases refer to it; retire a type by clearing "in use"


@admin.register(ProcedureRule)
class ProcedureRuleAdmin(AuditedAdmin):
    list_display = [
        "effective_from",
        "effective_to",
        "statement_working_days",
        "hearing_request_working_days",
        "hearing_notice_days",
        "payment_days",
    ]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Cases and bars change only through penalties/services.py."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PenaltyCase)
class PenaltyCaseAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "enterprise",
        "violation",
        "state",
        "filed_on",
        "decision_number",
        "fine_amount",
    ]
    list_filter = ["state", "agency", "violation", "source"]
    search_fields = ["number", "decision_number", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "violation"]


@admin.register(Bar)
class BarAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "mode", "starts_on", "ends_on", "case", "lifted_by_repair"]
    list_filter = ["mode"]
    list_select_related = ["enterprise", "case"]
