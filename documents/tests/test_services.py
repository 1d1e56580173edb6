import hashlib

import pytest
from django.db import transaction

from core.exceptions import ConflictError, DomainError
from core.models import AuditLog
from documents import services
from documents.models import Document, NumberCounter, RenderState, Validity
from documents.samples import SAMPLE_CONTEXTS
from documents.services import document_correct, document_request, document_revoke


def test_request_stores_a_pending_document_and_renders_after_commit(issue, agency_nf, enterprise, officer):
    document = issue(render=False)
    assert document.state == RenderState.PENDING
    assert document.validity == Validity.CURRENT
    assert document.number == f"南方能监许受〔{document.issued_on.year}〕1号"
    assert document.holder_name == enterprise.name
    assert document.holder_credit_code == enterprise.credit_code
    assert document.requested_by == officer
    assert len(document.verification_code) == 16
    assert not document.file
    assert AuditLog.objects.filter(action="documents.issue", object_id=str(document.pk)).exists()


def test_render_stores_the_file_and_its_hash(issue, media_root):
    document = issue()
    assert document.state == RenderState.READY
    path = media_root / document.file.name
    assert path.is_file()
    content = path.read_bytes()
    assert content.startswith(b"%PDF")
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)
    assert document.rendered_at is not None
    assert services.document_file_intact(document)
    assert AuditLog.objects.filter(action="documents.ready", object_id=str(document.pk)).exists()


def test_the_render_is_queued_only_on_commit(
    agency_nf, enterprise, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        document_request(
            doc_type="acceptance_notice",
            agency=agency_nf,
            enterprise=enterprise,
            subject_type="licensing.application",
            subject_id=7,
            context=SAMPLE_CONTEXTS["acceptance_notice"],
            actor=officer,
        )
    assert len(callbacks) == 1


def test_a_bad_context_stores_nothing_and_uses_no_number(issue, agency_nf, enterprise, officer):
    issue(render=False)
    counter_before = NumberCounter.objects.get().last_value
    bad = {**SAMPLE_CONTEXTS["correction_notice"]}
    del bad["missing_items"]
    with pytest.raises(DomainError, match="missing_items"):
        document_request(
            doc_type="correction_notice",
            agency=agency_nf,
            enterprise=enterprise,
            subject_type="licensing.application",
            subject_id="2",
            context=bad,
            actor=officer,
        )
    assert Document.objects.count() == 1
    assert NumberCounter.objects.get().last_value == counter_before
    assert not NumberCounter.objects.filter(doc_type="correction_notice").exists()


def test_unknown_type_and_missing_subject_are_refused(agency_nf, enterprise, officer):
    with pytest.raises(DomainError):
        document_request(
            doc_type="nonsense", agency=agency_nf, enterprise=enterprise, subject_type="x", subject_id="1",
            context={}, actor=officer,
        )  # fmt: skip
    with pytest.raises(DomainError) as err:
        document_request(
            doc_type="acceptance_notice", agency=agency_nf, enterprise=enterprise, subject_type="",
            subject_id="1", context=SAMPLE_CONTEXTS["acceptance_notice"], actor=officer,
        )  # fmt: skip
    assert err.value.code == "document_subject"
    assert not Document.objects.exists()


def test_a_second_current_document_for_the_same_case_is_refused(issue):
    first = issue(render=False)
    with pytest.raises(ConflictError) as err:
        issue(render=False)
    assert first.number in err.value.message
    assert err.value.status == 409
    assert Document.objects.count() == 1
    # Another case, or another type for the same case, is fine.
    issue(subject_id="2", render=False)
    issue("correction_notice", render=False)
    assert Document.objects.count() == 3


def test_a_correction_supersedes_the_old_version(issue, officer):
    first = issue()
    corrected = document_correct(
        document=first,
        context={**SAMPLE_CONTEXTS["acceptance_notice"], "contact_phone": "020-38129999"},
        actor=officer,
    )
    first.refresh_from_db()
    assert first.validity == Validity.SUPERSEDED
    assert first.state == RenderState.READY  # the old file is kept as issued
    assert corrected.validity == Validity.CURRENT
    assert corrected.version == 2
    assert corrected.supersedes == first
    assert corrected.number != first.number
    assert corrected.sequence == first.sequence + 1
    assert AuditLog.objects.filter(action="documents.supersede", object_id=str(first.pk)).exists()


def test_a_superseded_or_revoked_document_cannot_be_corrected(issue, officer):
    first = issue(render=False)
    document_correct(document=first, context=SAMPLE_CONTEXTS["acceptance_notice"], actor=officer)
    with pytest.raises(ConflictError):
        document_correct(document=first, context=SAMPLE_CONTEXTS["acceptance_notice"], actor=officer)
    other = issue(subject_id="9", render=False)
    document_revoke(document=other, actor=officer, reason="申请人撤回申请")
    with pytest.raises(ConflictError):
        document_correct(document=other, context=SAMPLE_CONTEXTS["acceptance_notice"], actor=officer)


def test_a_correction_must_be_for_the_same_case_and_type(issue, agency_nf, enterprise, officer):
    first = issue(render=False)
    with pytest.raises(DomainError) as err:
        document_request(
            doc_type="acceptance_notice", agency=agency_nf, enterprise=enterprise,
            subject_type="licensing.application", subject_id="other", context=SAMPLE_CONTEXTS["acceptance_notice"],
            actor=officer, supersedes=first,
        )  # fmt: skip
    assert err.value.code == "document_supersede_mismatch"
    first.refresh_from_db()
    assert first.validity == Validity.CURRENT


def test_revoke_needs_a_reason_and_a_current_document(issue, officer):
    document = issue(render=False)
    with pytest.raises(DomainError) as err:
        document_revoke(document=document, actor=officer, reason="  ")
    assert err.value.code == "reason_required" and err.value.field == "reason"
    revoked = document_revoke(document=document, actor=officer, reason="许可被依法撤销")
    assert revoked.validity == Validity.REVOKED
    assert revoked.revoked_by == officer and revoked.revoke_reason == "许可被依法撤销"
    assert revoked.revoked_at is not None
    with pytest.raises(ConflictError):
        document_revoke(document=document, actor=officer, reason="again")
    log = AuditLog.objects.get(action="documents.revoke")
    assert log.reason == "许可被依法撤销"


def test_after_revocation_a_new_document_may_be_issued(issue, officer):
    document = issue(render=False)
    document_revoke(document=document, actor=officer, reason="证书信息有误，重新核发")
    again = issue(render=False)
    assert again.validity == Validity.CURRENT and again.supersedes is None


def test_render_is_idempotent(issue, monkeypatch):
    document = issue()
    sha, name = document.sha256, document.file.name
    calls = []
    monkeypatch.setattr(services.rendering, "render_pdf", lambda *a: calls.append(a) or b"%PDF-other")
    again = services.document_render(document_id=document.pk)
    assert calls == []
    assert (again.sha256, again.file.name) == (sha, name)


def test_a_worker_that_loses_the_race_keeps_the_winners_file(issue, monkeypatch):
    """Two workers render the same document: the second to lock the row finds it ready and does nothing."""
    document = issue(render=False)
    real_render = services.rendering.render_pdf

    def render_while_another_worker_finishes(kind, context):
        monkeypatch.setattr(services.rendering, "render_pdf", real_render)
        services.document_render(document_id=document.pk)  # the other worker wins meanwhile
        return b"%PDF-loser"

    monkeypatch.setattr(services.rendering, "render_pdf", render_while_another_worker_finishes)
    result = services.document_render(document_id=document.pk)
    assert result.state == RenderState.READY
    assert result.file.open("rb").read() != b"%PDF-loser"
    assert services.document_file_intact(result)
    assert AuditLog.objects.filter(action="documents.ready").count() == 1


def test_a_crashed_render_stays_pending_and_can_be_retried(issue, monkeypatch):
    from documents.tasks import render_document

    document = issue(render=False)

    def crash(*args):
        raise RuntimeError("fontconfig exploded")

    monkeypatch.setattr(services.rendering, "render_pdf", crash)
    with pytest.raises(RuntimeError):
        render_document.delay(document.pk)
    document.refresh_from_db()
    assert document.state == RenderState.PENDING
    assert document.render_attempts == 1
    assert "fontconfig exploded" in document.last_error
    assert not document.file

    monkeypatch.undo()
    assert render_document.delay(document.pk).get() == RenderState.READY
    document.refresh_from_db()
    assert document.state == RenderState.READY
    assert document.last_error == ""
    assert document.render_attempts == 2


def test_the_task_is_idempotent(issue, monkeypatch):
    from documents.tasks import render_document

    document = issue()
    monkeypatch.setattr(services.rendering, "render_pdf", lambda *a: pytest.fail("re-rendered"))
    assert render_document.delay(document.pk).get() == RenderState.READY
    assert render_document.delay(999999).get() == "missing"


def test_a_tampered_file_is_detected(issue, media_root):
    document = issue()
    path = media_root / document.file.name
    path.write_bytes(path.read_bytes().replace(b"%PDF", b"%PDX", 1))
    assert not services.document_file_intact(document)
    path.unlink()
    assert not services.document_file_intact(document)


def test_the_holder_name_is_kept_as_it_was_on_the_day_of_issue(issue, enterprise):
    document = issue(render=False)
    old_name = enterprise.name
    enterprise.name = "改名后的电力公司"
    enterprise.save()
    services.document_render(document_id=document.pk)
    document.refresh_from_db()
    assert document.holder_name == old_name


def test_requeue_stale_sends_lost_renders_again(issue, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from documents import tasks

    document = issue(render=False)
    Document.objects.filter(pk=document.pk).update(requested_at=timezone.now() - dt.timedelta(hours=1))
    fresh = issue(subject_id="fresh", render=False)
    sent = []
    monkeypatch.setattr(tasks.render_document, "delay", sent.append)
    assert tasks.requeue_stale() == 1
    assert sent == [document.pk]
    assert fresh.pk not in sent


def test_requeue_stale_finishes_a_job_left_between_its_last_render_and_the_combination(
    agency_nf, officer, enterprise, django_capture_on_commit_callbacks, monkeypatch
):
    """Every document rendered, the combined PDF never stored (the worker died in between): no
    document is pending any more, so the job itself is found by its state and sent again."""
    import datetime as dt

    from django.utils import timezone

    from documents import tasks
    from documents.models import BulkJob
    from documents.samples import SAMPLE_CONTEXTS

    with django_capture_on_commit_callbacks(execute=False):
        job = services.document_bulk_request(
            doc_type="dishonesty_notice",
            agency=agency_nf,
            items=[
                {
                    "enterprise": enterprise,
                    "subject_type": "credit.record",
                    "subject_id": str(n),
                    "context": SAMPLE_CONTEXTS["dishonesty_notice"],
                }
                for n in range(2)
            ],
            actor=officer,
        )
    for document in job.documents.all():
        services.document_render(document_id=document.pk)
    BulkJob.objects.filter(pk=job.pk).update(requested_at=timezone.now() - dt.timedelta(hours=1))
    sent = []
    monkeypatch.setattr(tasks.process_bulk_job, "delay", sent.append)
    assert tasks.requeue_stale() == 1 and sent == [job.pk]
    assert services.bulk_job_process(job_id=job.pk).state == BulkJob.State.FINISHED
    sent.clear()
    assert tasks.requeue_stale() == 0 and sent == []
