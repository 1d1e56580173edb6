import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from core.audit import audit_record, history_of
from core.models import AuditLog


def test_records_and_history(officer, enterprise):
    audit_record(
        actor=officer, obj=enterprise, action="test.one", before={"a": 1}, after={"a": 2}, reason="why"
    )
    entries = list(history_of(enterprise))
    assert [(e.action, e.actor_repr, e.reason, e.before, e.after) for e in entries] == [
        ("test.one", "officer", "why", {"a": 1}, {"a": 2})
    ]


def test_no_update_or_delete(officer, enterprise):
    entry = audit_record(actor=officer, obj=enterprise, action="test.one")
    entry.reason = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).delete()
    assert AuditLog.objects.get(pk=entry.pk).reason == ""


def test_database_refuses_raw_update_on_postgres(postgres_db, officer, enterprise):
    entry = audit_record(actor=officer, obj=enterprise, action="test.one")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditlog SET reason = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [entry.pk])


def test_admin_is_read_only(client, admin_user, officer, enterprise):
    entry = audit_record(actor=officer, obj=enterprise, action="test.one")
    client.force_login(admin_user)
    assert client.get("/admin/core/auditlog/").status_code == 200
    assert client.get("/admin/core/auditlog/add/").status_code == 403
    assert client.post(f"/admin/core/auditlog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"/admin/core/auditlog/{entry.pk}/change/", {"reason": "tampered"})
    assert AuditLog.objects.get(pk=entry.pk).reason == ""
