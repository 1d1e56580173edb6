"""Writes of documents. The public entry points for other apps:

- `document_request(...)`: issue a document on the event that issues it (in the caller's
  transaction); the PDF is rendered by a worker after commit.
- `document_correct(...)`: issue a corrected version that supersedes the current one.
- `document_revoke(...)`: withdraw a document (e.g. the certificate of a revoked licence).
- `document_bulk_request(...)`: many documents at once, rendered by one task, combined PDF.

See docs/documents.md for the types, their context keys and an example.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import secrets
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.exceptions import ConflictError, DomainError
from core.outbox import enqueue
from documents import rendering
from documents.models import BulkJob, Document, NumberCounter, RenderState, Validity
from documents.selectors import letterhead_for
from documents.types import DocType, doc_type_get

logger = logging.getLogger(__name__)

SUBJECT_MAX = 60


def verification_code_new() -> str:
    """16 characters of base32 from 80 random bits: unguessable, easy to read out and type."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")


def number_allocate(*, agency, doc_type: str, year: int) -> int:
    """The next number of the agency's sequence for `doc_type` in `year`.

    Gap-free: the counter row is locked (select_for_update) and incremented in the transaction
    that stores the document, so a rolled-back document rolls its number back too, and a second
    transaction waits for the first to commit before it reads the counter.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_allocate must run inside the transaction that stores the document")
    # get_or_create under select_for_update: two first-of-the-year requests race on the INSERT;
    # the loser's INSERT waits for the winner's commit, fails on the unique constraint inside
    # get_or_create's savepoint, and re-reads (and locks) the winner's row.
    counter, _created = NumberCounter.objects.select_for_update().get_or_create(
        agency=agency, doc_type=doc_type, year=year
    )
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return counter.last_value


def format_number(*, issuer_code: str, doc_type: DocType, year: int, sequence: int) -> str:
    """南方能监 + 许受 + 〔2026〕 + 12号 (GB/T 9704-2012 §7.2.4: 六角括号, no leading zeros)."""
    return f"{issuer_code}{doc_type.number_prefix}〔{year}〕{sequence}号"


def _check_subject(subject_type: str, subject_id: str) -> None:
    if not subject_type or not subject_id or len(subject_type) > SUBJECT_MAX or len(subject_id) > SUBJECT_MAX:
        raise DomainError(
            _("A document needs the type and id of the case it belongs to (at most %d characters each).")
            % SUBJECT_MAX,
            code="document_subject",
        )


def _document_create(
    *,
    kind: DocType,
    agency,
    enterprise,
    subject_type: str,
    subject_id: str,
    context: dict,
    actor,
    issuer_code: str,
    issued_on,
    supersedes: Document | None = None,
    bulk_job: BulkJob | None = None,
) -> Document:
    sequence = number_allocate(agency=agency, doc_type=kind.code, year=issued_on.year)
    document = Document(
        doc_type=kind.code,
        agency=agency,
        enterprise=enterprise,
        subject_type=subject_type,
        subject_id=subject_id,
        number=format_number(issuer_code=issuer_code, doc_type=kind, year=issued_on.year, sequence=sequence),
        year=issued_on.year,
        sequence=sequence,
        issued_on=issued_on,
        holder_name=enterprise.name,
        holder_credit_code=enterprise.credit_code,
        verification_code=verification_code_new(),
        context=context,
        version=supersedes.version + 1 if supersedes else 1,
        supersedes=supersedes,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        bulk_job=bulk_job,
    )
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # documents_one_current_per_subject: a concurrent request issued the same document first.
        raise ConflictError(
            _("A current %(title)s already exists for this case; issue a corrected version instead.")
            % {"title": kind.title},
            code="document_exists",
        ) from None
    audit_record(
        actor=actor,
        obj=document,
        action="documents.issue",
        after={
            "doc_type": kind.code,
            "number": document.number,
            "subject": f"{subject_type}:{subject_id}",
            "enterprise": enterprise.pk,
            "version": document.version,
            "supersedes": supersedes.number if supersedes else None,
            "bulk_job": bulk_job.pk if bulk_job else None,
        },
    )
    return document


@transaction.atomic
def document_request(
    *,
    doc_type: str,
    agency,
    enterprise,
    subject_type: str,
    subject_id,
    context: dict,
    actor,
    supersedes: Document | None = None,
) -> Document:
    """Issue a document of `doc_type` for a case (`subject_type`, `subject_id`).

    Call it inside the transaction of the event that issues the document: the row (state
    `pending`) and its number are stored with the event, and the PDF is rendered by a worker only
    after the commit. A context that does not match the type's keys raises DomainError and
    nothing is stored. A second current document of the same type for the same case is refused
    (ConflictError): pass `supersedes=` (or call `document_correct`) to issue a corrected version.
    """
    kind = doc_type_get(doc_type)
    cleaned = kind.clean(context)
    subject_id = str(subject_id)
    _check_subject(subject_type, subject_id)
    previous = None
    if supersedes is not None:
        previous = Document.objects.select_for_update().get(pk=supersedes.pk)
        if (previous.doc_type, previous.subject_type, previous.subject_id) != (
            kind.code,
            subject_type,
            subject_id,
        ):
            raise DomainError(
                _("A correction must be of the same type and for the same case as the document it replaces."),
                code="document_supersede_mismatch",
            )
        if previous.validity != Validity.CURRENT:
            raise ConflictError(
                _("%(number)s is no longer current (%(status)s) and cannot be corrected.")
                % {"number": previous.number, "status": previous.get_validity_display()},
                code="document_not_current",
            )
        previous.supersede()
        previous.save(update_fields=["validity"])
        audit_record(
            actor=actor,
            obj=previous,
            action="documents.supersede",
            before={"validity": Validity.CURRENT},
            after={"validity": Validity.SUPERSEDED},
        )
    else:
        existing = Document.objects.filter(
            doc_type=kind.code, subject_type=subject_type, subject_id=subject_id, validity=Validity.CURRENT
        ).first()
        if existing is not None:
            raise ConflictError(
                _("%(title)s %(number)s is already issued for this case; issue a corrected version instead.")
                % {"title": kind.title, "number": existing.number},
                code="document_exists",
            )
    issuer_code, _header = letterhead_for(agency)
    document = _document_create(
        kind=kind,
        agency=agency,
        enterprise=enterprise,
        subject_type=subject_type,
        subject_id=subject_id,
        context=cleaned,
        actor=actor,
        issuer_code=issuer_code,
        issued_on=timezone.localdate(),
        supersedes=previous,
    )

    enqueue("documents.render_document", document.pk)  # via the outbox: survives a broker outage
    return document


def document_correct(*, document: Document, context: dict, actor) -> Document:
    """A corrected version of `document` (same type, case, agency, enterprise; new number)."""
    return document_request(
        doc_type=document.doc_type,
        agency=document.agency,
        enterprise=document.enterprise,
        subject_type=document.subject_type,
        subject_id=document.subject_id,
        context=context,
        actor=actor,
        supersedes=document,
    )


@transaction.atomic
def document_revoke(*, document: Document, actor, reason: str) -> Document:
    """Withdraw a current document; the public check says so from now on. The file stays."""
    if not (reason or "").strip():
        raise DomainError(
            _("Revoking a document needs a written reason."), code="reason_required", field="reason"
        )
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.validity != Validity.CURRENT:
        raise ConflictError(
            _("%(number)s is %(status)s and cannot be revoked.")
            % {"number": locked.number, "status": locked.get_validity_display()},
            code="document_not_current",
        )
    locked.revoke()
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.revoke_reason = reason.strip()
    locked.save(update_fields=["validity", "revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        obj=locked,
        action="documents.revoke",
        before={"validity": Validity.CURRENT},
        after={"validity": Validity.REVOKED},
        reason=reason,
    )
    return locked


# --- rendering (called by documents.tasks) --------------------------------------------------------
def print_context(document: Document) -> dict:
    kind = document.type
    _issuer, header_name = letterhead_for(document.agency)
    return {
        **kind.hydrate(document.context),
        **rendering.platform_context(
            doc_type=kind,
            agency_name=document.agency.name,
            header_name=header_name,
            holder_name=document.holder_name,
            credit_code=document.holder_credit_code,
            number=document.number,
            issued_on=document.issued_on,
            verification_code=document.verification_code,
            version=document.version,
            supersedes_number=document.supersedes.number if document.supersedes_id else "",
        ),
    }


def _file_name(document: Document) -> str:
    return f"documents/{document.year}/{document.agency.code}/{document.doc_type}-{document.pk}.pdf"


def document_render(*, document_id: int) -> Document:
    """Render and store the PDF of a pending document, once.

    Idempotent: a ready document is returned untouched (never re-rendered). The PDF is made
    outside any transaction (it takes a fraction of a second and must not hold locks); the row is
    then locked and, if another worker stored it meanwhile, this one discards its copy.
    """
    document = Document.objects.select_related("agency", "supersedes").get(pk=document_id)
    if document.is_ready:
        return document
    pdf = rendering.render_pdf(document.type, print_context(document))
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        locked = Document.objects.select_for_update().select_related("agency").get(pk=document_id)
        if locked.is_ready:
            return locked
        locked.file.save(_file_name(locked), ContentFile(pdf), save=False)
        locked.sha256 = digest
        locked.size = len(pdf)
        locked.rendered_at = timezone.now()
        locked.render_attempts += 1
        locked.last_error = ""
        locked.mark_ready()
        locked.save(
            update_fields=["file", "sha256", "size", "rendered_at", "render_attempts", "last_error", "state"]
        )
        audit_record(
            actor="system",
            obj=locked,
            action="documents.ready",
            after={"sha256": digest, "size": len(pdf), "file": locked.file.name},
        )
    return locked


def document_render_failed(*, document_id: int, error: str) -> None:
    """Count a failed attempt; the document stays pending and the task retries."""
    with transaction.atomic():
        locked = (
            Document.objects.select_for_update().filter(pk=document_id, state=RenderState.PENDING).first()
        )
        if locked is None:
            return
        locked.render_attempts += 1
        locked.last_error = error[:2000]
        locked.save(update_fields=["render_attempts", "last_error"])


def document_file_intact(document: Document) -> bool:
    """The stored file still has the hash recorded when it was issued."""
    if not document.is_ready:
        return False
    digest = hashlib.sha256()
    try:
        with document.file.storage.open(document.file.name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except (OSError, ValueError):
        return False
    return digest.hexdigest() == document.sha256


# --- bulk printing --------------------------------------------------------------------------------
@transaction.atomic
def document_bulk_request(
    *,
    doc_type: str,
    agency,
    items: Iterable[dict],
    actor,
    title: str = "",
) -> BulkJob:
    """Issue many documents of one type at once; one task renders them and combines the PDFs.

    `items`: dicts with `enterprise`, `subject_type`, `subject_id` and `context` (as for
    `document_request`). Every context is checked before anything is stored: one bad item refuses
    the whole job (DomainError naming the item), so no numbers are used up.
    """
    kind = doc_type_get(doc_type)
    items = list(items)
    if not items:
        raise DomainError(_("A bulk print job needs at least one document."), code="bulk_empty")
    prepared = []
    seen = set()
    for position, item in enumerate(items, start=1):
        try:
            enterprise = item["enterprise"]
            subject_type, subject_id = item["subject_type"], str(item["subject_id"])
            cleaned = kind.clean(item.get("context") or {})
            _check_subject(subject_type, subject_id)
        except KeyError as exc:
            raise DomainError(
                _("Item %(n)d of the bulk job lacks %(key)s.") % {"n": position, "key": exc.args[0]},
                code="bulk_item",
            ) from None
        except DomainError as exc:
            raise DomainError(
                _("Item %(n)d of the bulk job: %(message)s") % {"n": position, "message": exc.message},
                code=exc.code,
                field=exc.field,
            ) from None
        if (subject_type, subject_id) in seen:
            raise DomainError(
                _("Item %(n)d repeats a case already in the job (%(subject)s).")
                % {"n": position, "subject": f"{subject_type}:{subject_id}"},
                code="bulk_duplicate",
            )
        seen.add((subject_type, subject_id))
        prepared.append((enterprise, subject_type, subject_id, cleaned))
    job = BulkJob.objects.create(
        title=title or f"{kind.title} × {len(prepared)}",
        doc_type=kind.code,
        agency=agency,
        total=len(prepared),
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    issuer_code, _header = letterhead_for(agency)
    issued_on = timezone.localdate()
    for enterprise, subject_type, subject_id, cleaned in prepared:
        _document_create(
            kind=kind,
            agency=agency,
            enterprise=enterprise,
            subject_type=subject_type,
            subject_id=subject_id,
            context=cleaned,
            actor=actor,
            issuer_code=issuer_code,
            issued_on=issued_on,
            bulk_job=job,
        )
    audit_record(
        actor=actor,
        obj=job,
        action="documents.bulk_request",
        after={"doc_type": kind.code, "total": job.total},
    )

    enqueue("documents.process_bulk_job", job.pk)
    return job


def bulk_job_process(*, job_id: int) -> BulkJob:
    """Render every pending document of the job, then store one combined PDF. Idempotent:
    a rerun (a redelivered task) skips what is ready and a finished job is left alone."""
    with transaction.atomic():
        job = BulkJob.objects.select_for_update().get(pk=job_id)
        if job.state == BulkJob.State.FINISHED:
            return job
        if job.state == BulkJob.State.QUEUED:
            job.start()
            job.save(update_fields=["state"])
    pending = (
        job.documents.filter(state=RenderState.PENDING).order_by("sequence").values_list("pk", flat=True)
    )
    for document_id in list(pending):
        document_render(document_id=document_id)
    return bulk_job_combine(job_id=job_id)


def bulk_job_combine(*, job_id: int) -> BulkJob:
    from pypdf import PdfWriter

    documents = list(BulkJob.objects.get(pk=job_id).documents.order_by("sequence"))
    if any(not d.is_ready for d in documents):
        raise DomainError(_("The job still has documents being prepared."), code="bulk_not_ready")
    writer = PdfWriter()
    for document in documents:
        with document.file.storage.open(document.file.name, "rb") as handle:
            writer.append(io.BytesIO(handle.read()))
    buffer = io.BytesIO()
    writer.write(buffer)
    combined = buffer.getvalue()
    with transaction.atomic():
        job = BulkJob.objects.select_for_update().get(pk=job_id)
        if job.state == BulkJob.State.FINISHED:
            return job
        job.combined_file.save(f"documents/bulk/{job.pk}.pdf", ContentFile(combined), save=False)
        job.combined_sha256 = hashlib.sha256(combined).hexdigest()
        job.finished_at = timezone.now()
        job.finish()
        job.save(update_fields=["combined_file", "combined_sha256", "finished_at", "state"])
        audit_record(
            actor="system",
            obj=job,
            action="documents.bulk_finish",
            after={"total": job.total, "sha256": job.combined_sha256},
        )
    return job
