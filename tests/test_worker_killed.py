"""A real Celery worker process is killed (SIGKILL) in the middle of a bulk PDF job; a new worker and the
periodic re-queue finish it. Nothing is lost (every document rendered, one combined PDF) and nothing is
doubled (numbers 1…N without gaps, one `documents.bulk_finish` audit row).

The worker is a separate process, so the test data must be committed and visible to it: PostgreSQL
(the test database, by name) and the configured broker (Redis in CI, the file-system broker locally).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import transaction

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = 30


def worker(db_url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "-Q",
            "documents,celery",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_a_bulk_job_survives_its_worker_being_killed(postgres_concurrent, officer):
    from django.conf import settings
    from pypdf import PdfReader

    from accounts.models import Agency
    from core.models import AuditLog
    from documents import tasks
    from documents.models import BulkJob, Document, RenderState
    from documents.samples import SAMPLE_CONTEXTS
    from documents.services import document_bulk_request
    from tests.factories import EnterpriseFactory

    db = settings.DATABASES["default"]
    db_url = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    agency = Agency.objects.get(code="NF")
    enterprises = [EnterpriseFactory(province="44") for _ in range(3)]
    items = [
        {
            "enterprise": enterprises[n % 3],
            "subject_type": "supervision.licencewarning",
            "subject_id": str(1000 + n),
            "context": SAMPLE_CONTEXTS["supervision_warning"],
        }
        for n in range(DOCUMENTS)
    ]
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    first = second = None
    try:
        first = worker(db_url)
        with transaction.atomic():  # committed: the outbox sends the job's message after commit
            job = document_bulk_request(
                doc_type="supervision_warning", agency=agency, items=items, actor=officer
            )

        def ready() -> int:
            return Document.objects.filter(bulk_job=job, state=RenderState.READY).count()

        assert wait_until(lambda: ready() >= 3, 120), "the first worker never started rendering"
        stop(first, signal.SIGKILL)  # mid-job: no warm shutdown, no ack
        done_when_killed = ready()
        job.refresh_from_db()
        assert job.state == BulkJob.State.RUNNING and 3 <= done_when_killed < DOCUMENTS

        # The periodic re-queue (every 15 minutes) finds the job stale; pretend its 10 minutes are over.
        Document.objects.filter(bulk_job=job).update(requested_at=job.requested_at - dt.timedelta(minutes=11))
        BulkJob.objects.filter(pk=job.pk).update(requested_at=job.requested_at - dt.timedelta(minutes=11))
        second = worker(db_url)
        assert tasks.requeue_stale() >= 1

        def finished() -> bool:
            return BulkJob.objects.get(pk=job.pk).state == BulkJob.State.FINISHED

        assert wait_until(finished, 180), "the job was not finished after the restart"
    finally:
        for process in (first, second):
            if process is not None:
                stop(process)
        celery_app.control.purge()
        celery_app.conf.task_always_eager = True

    job.refresh_from_db()
    documents = list(job.documents.order_by("sequence"))
    assert len(documents) == DOCUMENTS and all(d.state == RenderState.READY for d in documents)
    assert [d.sequence for d in documents] == list(range(1, DOCUMENTS + 1))  # gap-free, none doubled
    assert Document.objects.filter(doc_type="supervision_warning").count() == DOCUMENTS
    combined = job.combined_file.storage.open(job.combined_file.name, "rb").read()
    assert len(PdfReader(io.BytesIO(combined)).pages) == sum(
        len(PdfReader(d.file.storage.open(d.file.name, "rb")).pages) for d in documents
    )
    assert AuditLog.objects.filter(action="documents.bulk_finish", object_id=str(job.pk)).count() == 1
    assert AuditLog.objects.filter(action="documents.issue", after__bulk_job=job.pk).count() == DOCUMENTS
