"""Reads of documents: who may see which, the public verification lookup, bulk-job progress."""

from __future__ import annotations

import re

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from core.scoping import scope_queryset
from documents.models import BulkJob, Document, Letterhead, RenderState

# Verification codes are 16 characters of RFC 4648 base32 (A–Z, 2–7). People type them with
# spaces or dashes and in lower case; anything else is not a code we issued.
CODE_PATTERN = re.compile(r"^[A-Z2-7]{16}$")


def letterhead_for(agency) -> tuple[str, str]:
    """(issuer code, header name) of an agency's documents: its Letterhead row, or a default.

    Default issuer codes follow the common pattern of the dispatched agencies' numbers:
    南方能源监管局 → 南方能监, 山西能源监管办公室 → 山西能监办, 国家能源局 → 国能.
    """
    letterhead = Letterhead.objects.filter(agency=agency).first()
    if letterhead is not None:
        return letterhead.issuer_code, letterhead.header_name or agency.name
    return default_issuer_code(agency), agency.name


def default_issuer_code(agency) -> str:
    name = agency.name
    if agency.is_national:
        return "国能"
    for suffix, code in (("能源监管局", "能监"), ("能源监管办公室", "能监办"), ("能源监管办", "能监办")):
        if name.endswith(suffix):
            return name[: -len(suffix)] + code
    return agency.short_name or name


def normalise_code(raw: str) -> str:
    return re.sub(r"[\s\-]", "", raw or "").upper()


def document_verify(raw_code: str) -> Document | None:
    """The document a printed verification code belongs to, or None (unknown or mistyped)."""
    code = normalise_code(raw_code)
    if not CODE_PATTERN.match(code):
        return None
    return Document.objects.select_related("agency", "superseded_by").filter(verification_code=code).first()


def documents_visible_to(user) -> QuerySet[Document]:
    """Enterprise users: their enterprise's; officers, approvers: their agency's; supervisors:
    their agency's (the NEA's: all); administrators: all (core.scoping)."""
    return scope_queryset(
        Document.objects.select_related("agency"), user, agency_field="agency", enterprise_field="enterprise"
    )


def documents_for(subject_type: str, subject_id, user) -> QuerySet[Document]:
    """Every version of the documents of one subject that `user` may see, newest first."""
    return documents_visible_to(user).filter(subject_type=subject_type, subject_id=str(subject_id))


def document_get(user, pk) -> Document:
    try:
        return documents_visible_to(user).get(pk=pk)
    except (Document.DoesNotExist, ValueError):
        raise Http404 from None


def bulk_jobs_visible_to(user) -> QuerySet[BulkJob]:
    # Bulk printing is agency work: enterprise users see no jobs (enterprise_field=None).
    return scope_queryset(
        BulkJob.objects.select_related("agency", "requested_by"),
        user,
        agency_field="agency",
        enterprise_field=None,
    ).annotate(done=Count("documents", filter=Q(documents__state=RenderState.READY)))


def bulk_job_get(user, pk) -> BulkJob:
    try:
        return bulk_jobs_visible_to(user).get(pk=pk)
    except (BulkJob.DoesNotExist, ValueError):
        raise Http404 from None


def bulk_job_progress(job: BulkJob) -> tuple[int, int]:
    done = getattr(job, "done", None)
    if done is None:
        done = job.documents.filter(state=RenderState.READY).count()
    return done, job.total
