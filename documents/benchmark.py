"""Helpers for the benchmark suite (no timed assertions live in the tests).

- `render_notice_seconds()`: one notice rendered from documents.samples, no database; call it a
  few times and take the median (the first call of a process also builds the font configuration).
- `bulk_job_seconds(...)`: the whole bulk path — request N notices, render them through the job
  service the Celery task calls, combine the PDFs — against the database; returns seconds.
"""

from __future__ import annotations

import datetime as dt
import time

from documents import rendering
from documents.samples import SAMPLE_CONTEXTS
from documents.types import doc_type_get


def render_notice_seconds(doc_type: str = "acceptance_notice") -> float:
    kind = doc_type_get(doc_type)
    context = kind.hydrate(kind.clean(SAMPLE_CONTEXTS[doc_type]))
    context.update(
        rendering.platform_context(
            doc_type=kind,
            agency_name="南方能源监管局",
            header_name="",
            holder_name="广东粤电送变电工程有限公司",
            credit_code="91440101MA5CXXXX0K",
            number=f"南方能监{kind.number_prefix}〔2026〕1号",
            issued_on=dt.date(2026, 3, 4),
            verification_code="BENCHMARKAAAAAAA",
        )
    )
    started = time.perf_counter()
    rendering.render_pdf(kind, context)
    return time.perf_counter() - started


def bulk_job_seconds(
    *, agency, enterprise, count: int = 500, doc_type: str = "acceptance_notice", actor=None
) -> float:
    """Issue `count` notices as one bulk job and process it synchronously (what the worker runs)."""
    from django.db import transaction

    from documents.services import bulk_job_process, document_bulk_request
    from documents.tasks import process_bulk_job

    tag = time.strftime("%Y%m%d%H%M%S")
    items = [
        {
            "enterprise": enterprise,
            "subject_type": "benchmark.notice",
            "subject_id": f"{tag}-{n}",
            "context": SAMPLE_CONTEXTS[doc_type],
        }
        for n in range(count)
    ]
    started = time.perf_counter()
    delay = process_bulk_job.delay
    process_bulk_job.delay = lambda *args, **kwargs: None  # processed below, in this process
    try:
        with transaction.atomic():
            job = document_bulk_request(doc_type=doc_type, agency=agency, items=items, actor=actor)
    finally:
        process_bulk_job.delay = delay
    bulk_job_process(job_id=job.pk)
    return time.perf_counter() - started
