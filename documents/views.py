"""Pages: download (scoped), the public verification page, bulk print jobs."""

import logging

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.audit import audit_record
from core.permissions import role_required
from documents import selectors
from documents.models import BulkJob
from documents.rendering import display_code
from documents.services import document_file_intact

logger = logging.getLogger(__name__)

STAFF_ROLES = ("officer", "approver", "supervisor", "admin")


def pdf_response(file_field, filename: str) -> FileResponse:
    """A stored PDF, never cached on the way (pages and API alike)."""
    handle = file_field.storage.open(file_field.name, "rb")
    response = FileResponse(handle, content_type="application/pdf", filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def download(request, pk):
    """The PDF, to the enterprise it belongs to and the staff whose scope covers it; 404 for
    everyone else (core.scoping). Anonymous visitors are sent to the login page first."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    document = selectors.document_get(request.user, pk)
    if not document.is_ready:
        return render(request, "documents/pending.html", {"document": document})
    if not document_file_intact(document):
        # The file no longer matches the hash taken when it was issued: never serve it, never
        # silently regenerate it. An administrator restores it from the backup.
        logger.error(
            "documents: stored file of %s (%s) fails its SHA-256 check", document.number, document.pk
        )
        audit_record(
            actor=request.user,
            obj=document,
            action="documents.integrity_failure",
            context={"sha256": document.sha256},
            ip=request.META.get("REMOTE_ADDR"),
        )
        return render(request, "documents/file_damaged.html", {"document": document}, status=503)
    return pdf_response(document.file, f"{document.number}.pdf")


@require_GET
def file_cell(request, pk):
    """htmx: the download cell of one document; polled every few seconds while it is pending."""
    if not request.user.is_authenticated:
        raise Http404
    document = selectors.document_get(request.user, pk)
    return render(request, "documents/includes/document_file.html", {"document": document})


@require_GET
def verify_form(request):
    raw = request.GET.get("code")
    if raw is not None:
        code = selectors.normalise_code(raw)
        if code:
            return redirect("documents:verify", code=code)
        messages.error(request, _("Enter the verification code printed on the document."))
    return render(request, "documents/verify.html", {"checked": False})


@require_GET
def verify(request, code):
    """Public (no login): is the document genuine, and is it still in force? Only the type,
    number, agency, date and holder are shown: no personal data, no content."""
    document = selectors.document_verify(code)
    typed = selectors.normalise_code(code)[:32]
    return render(
        request,
        "documents/verify.html",
        {"checked": True, "document": document, "code": display_code(typed)},
    )


@role_required(*STAFF_ROLES)
def bulk_jobs(request):
    jobs = selectors.bulk_jobs_visible_to(request.user)[:100]
    return render(request, "documents/bulk_jobs.html", {"jobs": jobs})


@role_required(*STAFF_ROLES)
def bulk_job(request, pk):
    job = selectors.bulk_job_get(request.user, pk)
    documents = job.documents.select_related("agency").order_by("sequence")[:1000]
    return render(request, "documents/bulk_job.html", {"job": job, "documents": documents})


@role_required(*STAFF_ROLES)
def bulk_job_progress(request, pk):
    job = selectors.bulk_job_get(request.user, pk)
    return render(request, "documents/includes/bulk_progress.html", {"job": job})


@role_required(*STAFF_ROLES)
def bulk_job_download(request, pk):
    job = selectors.bulk_job_get(request.user, pk)
    if job.state != BulkJob.State.FINISHED or not job.combined_file:
        messages.error(request, _("The combined PDF is not ready yet."))
        return redirect(reverse("documents:bulk-job", args=[job.pk]))
    return pdf_response(job.combined_file, f"bulk-{job.pk}.pdf")
