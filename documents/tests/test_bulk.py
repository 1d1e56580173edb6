import io

import pytest
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from core.exceptions import DomainError
from documents import services
from documents.models import BulkJob, Document, NumberCounter, RenderState
from documents.samples import SAMPLE_CONTEXTS
from documents.services import bulk_job_process, document_bulk_request
from tests.factories import EnterpriseFactory


@pytest.fixture
def enterprises(db):
    return [EnterpriseFactory(province="44") for _ in range(4)]


def items_for(enterprises, doc_type="dishonesty_notice"):
    return [
        {
            "enterprise": ent,
            "subject_type": "credit.record",
            "subject_id": f"rec-{ent.pk}",
            "context": SAMPLE_CONTEXTS[doc_type],
        }
        for ent in enterprises
    ]


def request_job(agency, actor, items, capture, *, execute=True, doc_type="dishonesty_notice"):
    with capture(execute=execute), transaction.atomic():
        job = document_bulk_request(
            doc_type=doc_type, agency=agency, items=items, actor=actor, title="失信告知书批量送达"
        )
    job.refresh_from_db()
    return job


def test_a_bulk_job_renders_every_document_and_combines_them(
    agency_nf, officer, enterprises, django_capture_on_commit_callbacks
):
    job = request_job(agency_nf, officer, items_for(enterprises), django_capture_on_commit_callbacks)
    assert job.state == BulkJob.State.FINISHED
    assert job.total == 4
    documents = list(job.documents.order_by("sequence"))
    assert [d.sequence for d in documents] == [1, 2, 3, 4]
    assert all(d.state == RenderState.READY for d in documents)
    combined = job.combined_file.storage.open(job.combined_file.name, "rb").read()
    reader = PdfReader(io.BytesIO(combined))
    pages_each = [len(PdfReader(d.file.storage.open(d.file.name, "rb")).pages) for d in documents]
    assert len(reader.pages) == sum(pages_each)
    text = "".join(page.extract_text() for page in reader.pages)
    for ent in enterprises:
        assert ent.name in text
    assert job.combined_sha256 and job.finished_at


def test_one_bad_item_refuses_the_whole_job(
    agency_nf, officer, enterprises, django_capture_on_commit_callbacks
):
    items = items_for(enterprises)
    items[2]["context"] = {**SAMPLE_CONTEXTS["dishonesty_notice"], "grade": "terrible"}
    with pytest.raises(DomainError, match="3"):
        request_job(agency_nf, officer, items, django_capture_on_commit_callbacks)
    items = items_for(enterprises)
    del items[1]["subject_id"]
    with pytest.raises(DomainError, match="subject_id"):
        request_job(agency_nf, officer, items, django_capture_on_commit_callbacks)
    items = items_for(enterprises)
    items[3]["subject_id"] = items[0]["subject_id"]
    with pytest.raises(DomainError, match="重复"):
        request_job(agency_nf, officer, items, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError):
        request_job(agency_nf, officer, [], django_capture_on_commit_callbacks)
    assert not BulkJob.objects.exists() and not Document.objects.exists()
    assert not NumberCounter.objects.exists()


def test_processing_is_idempotent_and_resumes_after_a_crash(
    agency_nf, officer, enterprises, django_capture_on_commit_callbacks, monkeypatch
):
    job = request_job(
        agency_nf, officer, items_for(enterprises), django_capture_on_commit_callbacks, execute=False
    )
    assert job.state == BulkJob.State.QUEUED
    real = services.rendering.render_pdf
    calls = []

    def crash_on_third(kind, context):
        calls.append(context["document_number"])
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return real(kind, context)

    monkeypatch.setattr(services.rendering, "render_pdf", crash_on_third)
    with pytest.raises(RuntimeError):
        bulk_job_process(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == BulkJob.State.RUNNING
    assert job.documents.filter(state=RenderState.READY).count() == 2

    calls.clear()
    finished = bulk_job_process(job_id=job.pk)  # the redelivered task
    assert finished.state == BulkJob.State.FINISHED
    assert len(calls) == 2  # only the two still pending
    calls.clear()
    assert bulk_job_process(job_id=job.pk).state == BulkJob.State.FINISHED
    assert calls == []


def test_bulk_pages_show_progress_and_the_combined_download(
    client, agency_nf, officer, enterprises, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    job = request_job(
        agency_nf, officer, items_for(enterprises), django_capture_on_commit_callbacks, execute=False
    )
    client.force_login(officer)
    html = client.get(reverse("documents:bulk-job", args=[job.pk])).content.decode()
    assert "已生成 0 / 4 份文书" in html
    assert 'hx-trigger="every 2s"' in html
    response = client.get(reverse("documents:bulk-job-download", args=[job.pk]), follow=True)
    assert "合并PDF尚未生成" in response.content.decode()

    bulk_job_process(job_id=job.pk)
    progress = client.get(reverse("documents:bulk-job-progress", args=[job.pk])).content.decode()
    assert "已生成 4 / 4 份文书" in progress and "hx-trigger" not in progress
    response = client.get(reverse("documents:bulk-job-download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with django_assert_max_num_queries(8):
        listing = client.get(reverse("documents:bulk-jobs"))
    assert "失信告知书批量送达" in listing.content.decode()
    with django_assert_max_num_queries(10):
        assert client.get(reverse("documents:bulk-job", args=[job.pk])).status_code == 200


@pytest.mark.parametrize(("who", "status"), [("approver", 200), ("supervisor", 200), ("nea_supervisor", 200),
                                             ("admin_user", 200), ("far_officer", 404), ("enterprise_user", 403)])  # fmt: skip
def test_bulk_job_access(
    client, request, who, status, agency_nf, officer, enterprises, django_capture_on_commit_callbacks
):
    job = request_job(agency_nf, officer, items_for(enterprises[:1]), django_capture_on_commit_callbacks)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("documents:bulk-job", args=[job.pk])).status_code == status
    assert client.get(reverse("documents:bulk-job-download", args=[job.pk])).status_code == status
