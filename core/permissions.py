"""Role checks for pages (decorators) and the API (permission classes)."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from core.audit import audit_record


def _deny(request, what: str):
    if request.user.is_authenticated:
        audit_record(
            actor=request.user,
            obj=("permission", what),
            action="auth.denied",
            ip=request.META.get("REMOTE_ADDR"),
        )
    raise PermissionDenied


def deny(request, what: str):
    """Refuse with 403 and an `auth.denied` audit row (for a check a decorator cannot make)."""
    _deny(request, what)


def user_role(user) -> str | None:
    if not user.is_authenticated:
        return None
    return "admin" if user.is_superuser else user.role


def role_required(*roles: str):
    """Page decorator: the logged-in user must hold one of `roles` (else 403, audited)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            from django.contrib.auth.views import redirect_to_login

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user_role(request.user) not in roles:
                _deny(request, f"{view.__module__}.{view.__name__}")
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = roles
        return wrapper

    return decorator


class HasRole(BasePermission):
    """API permission: `permission_classes = [HasRole.of("officer", "approver")]`."""

    roles: tuple[str, ...] = ()

    @classmethod
    def of(cls, *roles: str):
        return type(f"HasRole_{'_'.join(roles)}", (cls,), {"roles": roles})

    def has_permission(self, request, view):
        allowed = user_role(request.user) in self.roles
        if not allowed and request.user.is_authenticated:
            audit_record(
                actor=request.user,
                obj=("permission", type(view).__name__),
                action="auth.denied",
                ip=request.META.get("REMOTE_ADDR"),
            )
        return allowed
