import pytest

from documents.samples import SAMPLE_CONTEXTS


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes its PDFs into its own directory, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def seeded_agencies(transactional_db):
    """For transactional tests: the agencies and jurisdictions of migration accounts/0002, which an
    earlier transactional test's flush may have removed (loaded again, idempotently)."""
    import importlib

    from django.apps import apps

    importlib.import_module("accounts.migrations.0002_agencies").load(apps, None)


@pytest.fixture
def issue(agency_nf, enterprise, officer, django_capture_on_commit_callbacks):
    """issue("acceptance_notice", subject_id=…, render=True, **context overrides) → Document.

    Runs document_request in its own transaction and, with render=True, the on-commit render task
    (Celery runs eagerly in tests)."""
    from django.db import transaction

    from documents.services import document_request

    def _issue(
        doc_type="acceptance_notice",
        *,
        subject_id="1",
        render=True,
        agency=None,
        who=None,
        ent=None,
        subject_type="licensing.application",
        **overrides,
    ):
        context = {**SAMPLE_CONTEXTS[doc_type], **overrides}
        with django_capture_on_commit_callbacks(execute=render), transaction.atomic():
            document = document_request(
                doc_type=doc_type,
                agency=agency or agency_nf,
                enterprise=ent or enterprise,
                subject_type=subject_type,
                subject_id=subject_id,
                context=context,
                actor=who or officer,
            )
        document.refresh_from_db()
        return document

    return _issue
