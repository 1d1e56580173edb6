"""Thin task interface: load by id, call the service. Both tasks are idempotent (a redelivered
message finds the work done and does nothing) and retry on failure."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from documents.models import BulkJob, Document, RenderState
from documents.services import bulk_job_process, document_render, document_render_failed

RETRY_BACKOFF_SECONDS = 15
MAX_RETRIES = 4
# A pending document older than this with no task in flight was lost (broker restart): requeue.
STALE_AFTER = dt.timedelta(minutes=10)


@shared_task(name="documents.render_document", queue="documents", bind=True, max_retries=MAX_RETRIES)
def render_document(self, document_id: int) -> str:
    try:
        document = document_render(document_id=document_id)
    except Document.DoesNotExist:
        return "missing"
    except Exception as exc:
        document_render_failed(document_id=document_id, error=f"{type(exc).__name__}: {exc}")
        if self.request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=RETRY_BACKOFF_SECONDS * 2**self.request.retries) from exc
    return document.state


@shared_task(name="documents.process_bulk_job", queue="documents", bind=True, max_retries=MAX_RETRIES)
def process_bulk_job(self, job_id: int) -> str:
    try:
        job = bulk_job_process(job_id=job_id)
    except Exception as exc:
        if self.request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=RETRY_BACKOFF_SECONDS * 2**self.request.retries) from exc
    return job.state


@shared_task(name="documents.requeue_stale")
def requeue_stale() -> int:
    """Re-send the render of documents left pending (a lost message, a worker killed mid-render)."""
    cutoff = timezone.now() - STALE_AFTER
    stale = Document.objects.filter(state=RenderState.PENDING, requested_at__lt=cutoff)
    jobs = set()
    count = 0
    for document_id, bulk_job_id in stale.values_list("pk", "bulk_job_id")[:1000]:
        if bulk_job_id is None:
            render_document.delay(document_id)
            count += 1
        elif bulk_job_id not in jobs:
            jobs.add(bulk_job_id)
            process_bulk_job.delay(bulk_job_id)
            count += 1
    # A job whose documents are all rendered but whose combined PDF was never stored (the worker died
    # between the last render and the combination) has no pending document left: find it by its state.
    unfinished = BulkJob.objects.filter(
        state__in=[BulkJob.State.QUEUED, BulkJob.State.RUNNING], requested_at__lt=cutoff
    ).exclude(pk__in=jobs)
    for bulk_job_id in unfinished.values_list("pk", flat=True)[:1000]:
        process_bulk_job.delay(bulk_job_id)
        count += 1
    return count
