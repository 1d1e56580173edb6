"""Back-office data. Licences and applications are read-only here: they change only through the
services (a decided application or a supervision/penalty outcome), never by a free edit."""

from django.contrib import admin

from licensing.models import (
    Application,
    EquipmentItem,
    EquipmentRequirement,
    Level,
    LevelScheme,
    Licence,
    LicenceCondition,
    LicenceScope,
    PersonnelRequirement,
    RegistryEntry,
    TolerantBar,
)


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


@admin.register(LevelScheme)
class LevelSchemeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "effective_from", "effective_to"]
    inlines = [LevelInline]


class PersonnelRequirementInline(admin.TabularInline):
    model = PersonnelRequirement
    extra = 0


class EquipmentRequirementInline(admin.TabularInline):
    model = EquipmentRequirement
    extra = 0


@admin.register(LicenceCondition)
class LicenceConditionAdmin(admin.ModelAdmin):
    list_display = ["category", "level", "net_assets_min", "projects_required"]
    list_filter = ["category", "level__scheme"]
    inlines = [PersonnelRequirementInline, EquipmentRequirementInline]
    list_select_related = ["level"]


@admin.register(EquipmentItem)
class EquipmentItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(RegistryEntry)
class RegistryEntryAdmin(admin.ModelAdmin):
    """Government data-sharing records the local verification adapter checks against."""

    list_display = ["kind", "key", "imported_at"]
    list_filter = ["kind"]
    search_fields = ["key"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LicenceScopeInline(admin.TabularInline):
    model = LicenceScope
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    list_display = ["number", "enterprise", "licence_type", "status", "valid_until", "agency"]
    list_filter = ["licence_type", "status", "agency"]
    search_fields = ["number", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "agency"]
    inlines = [LicenceScopeInline]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["number", "enterprise", "kind", "mode", "state", "credit_tier", "deadline", "agency"]
    list_filter = ["state", "kind", "mode", "agency"]
    search_fields = ["number", "enterprise__name"]
    list_select_related = ["enterprise", "agency"]


@admin.register(TolerantBar)
class TolerantBarAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "starts_on", "ends_on", "application"]
