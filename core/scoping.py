"""The one place that decides which rows a user may see.

Every list, detail page and API endpoint narrows its queryset here:
- an officer / approver sees its agency's work;
- an enterprise user sees its own enterprise's;
- a supervisor of the NEA (national agency) or an administrator sees everything, a supervisor of
  a dispatched agency sees that agency's;
- anyone else sees nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet


def scope_queryset(
    queryset: QuerySet,
    user,
    *,
    agency_field: str | None = "agency",
    enterprise_field: str | None = "enterprise",
) -> QuerySet:
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser or user.role == user.Role.ADMIN:
        return queryset
    if user.role == user.Role.ENTERPRISE:
        if enterprise_field is None or user.enterprise_id is None:
            return queryset.none()
        return queryset.filter(**{enterprise_field: user.enterprise_id})
    if user.role in (user.Role.OFFICER, user.Role.APPROVER, user.Role.SUPERVISOR):
        if user.agency_id is None:
            return queryset.none()
        if user.role == user.Role.SUPERVISOR and user.agency.is_national:
            return queryset
        if agency_field is None:
            return queryset.none()
        return queryset.filter(**{agency_field: user.agency_id})
    return queryset.none()


def can_see(obj, user, **fields) -> bool:
    return scope_queryset(type(obj)._default_manager.filter(pk=obj.pk), user, **fields).exists()
