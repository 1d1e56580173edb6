from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import Agency, Enterprise, Jurisdiction, User


class JurisdictionInline(admin.TabularInline):
    model = Jurisdiction
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "is_national"]
    inlines = [JurisdictionInline]
    search_fields = ["code", "name"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "province", "agency", "created_at"]
    list_filter = ["agency", "province"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["agency"]


@admin.register(User)
class PlatformUserAdmin(UserAdmin):
    list_display = ["username", "real_name", "role", "agency", "enterprise", "is_active", "locked_until"]
    list_filter = ["role", "agency", "is_active"]
    list_select_related = ["agency", "enterprise"]
    search_fields = ["username", "real_name", "enterprise__name"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (
            "Platform",
            {
                "fields": [
                    "role",
                    "real_name",
                    "phone",
                    "agency",
                    "enterprise",
                    "failed_logins",
                    "locked_until",
                ]
            },
        ),
    ]
    autocomplete_fields = ["enterprise"]
