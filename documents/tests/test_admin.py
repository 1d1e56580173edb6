import pytest
from django.urls import reverse

from documents.models import Letterhead


@pytest.mark.parametrize("model", ["document", "letterhead", "numbercounter", "bulkjob"])
def test_admin_pages_render(client, admin_user, issue, model):
    document = issue()
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:documents_{model}_changelist")).status_code == 200
    if model == "document":
        assert client.get(reverse("admin:documents_document_change", args=[document.pk])).status_code == 200


def test_documents_cannot_be_edited_in_the_admin(client, admin_user, issue):
    document = issue()
    client.force_login(admin_user)
    response = client.post(reverse("admin:documents_document_change", args=[document.pk]), {"number": "假"})
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.number != "假"


def test_letterhead_issuer_code_is_validated(agency_nf):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Letterhead(agency=agency_nf, issuer_code='南方"能监').full_clean()


def test_the_requeue_task_is_scheduled(db):
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    call_command("setup_periodic_tasks")
    assert PeriodicTask.objects.filter(task="documents.requeue_stale").exists()
