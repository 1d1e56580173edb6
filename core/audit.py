"""The one way to write the audit log. Call it inside the transaction of the change it records."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.models import AuditLog


def _object_key(obj: models.Model | tuple[str, Any]) -> tuple[str, str]:
    if isinstance(obj, tuple):
        return obj[0], str(obj[1])
    return obj._meta.label_lower, str(obj.pk)


def audit_record(
    *,
    actor,
    obj: models.Model | tuple[str, Any],
    action: str,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    context: dict | None = None,
    ip: str | None = None,
) -> AuditLog:
    object_type, object_id = _object_key(obj)
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    if real_actor is not None:
        actor_repr = real_actor.get_username()
    elif isinstance(actor, str):
        actor_repr = actor
    else:
        actor_repr = "system"
    return AuditLog.objects.create(
        actor=real_actor,
        actor_repr=actor_repr,
        object_type=object_type,
        object_id=object_id,
        action=action,
        before=before,
        after=after,
        reason=reason or "",
        context=context or {},
        ip=ip,
    )


def history_of(obj: models.Model):
    object_type, object_id = _object_key(obj)
    return (
        AuditLog.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor")
        .order_by("at", "id")
    )
