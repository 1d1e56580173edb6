"""Authorization matrix entries of the documents app (issued PDFs, verification, bulk printing) and of
the core inbox (config.urls: inbox, inbox-badge, inbox-read, inbox-open).

Access rules, as the code states them:
- a document (download, file cell, API file) is scoped by core.scoping on its agency and enterprise:
  the enterprise it was issued to, its agency's officers/approvers/supervisor, the NEA supervisor and
  administrators (documents.selectors.documents_visible_to); anyone else gets a 404;
- verification (page and API) is public by design: it shows type, number, agency, date and holder only;
- bulk print jobs are agency work: role_required(officer, approver, supervisor, admin) and
  scope_queryset(enterprise_field=None) — enterprise users see none;
- the inbox is per user: every logged-in user has one, and a notification opens only for the user it
  was sent to (get_object_or_404(Notification, pk=pk, user=request.user)).
"""

from __future__ import annotations

from tests.authz_matrix import (  # noqa: F401
    ADMIN,
    ANON,
    APPROVER,
    CASEWORKERS,
    ENTERPRISE,
    EVERYONE,
    LOGGED_IN,
    NEA_SUPERVISOR,
    OFFICER,
    STAFF,
    SUPERVISOR,
    SUPERVISORS,
    Entry,
    roles,
)

# A genuine verification code: build() gives the "own" variant's document this code, so the public
# verification API answers 200 (an unknown code is a 404 "not genuine", which the matrix reads as refusal).
VERIFY_CODE = "MATRIXVERIFYCODE"

ENTRIES: dict[str, Entry] = {
    # --- documents: pages ---------------------------------------------------------------------------
    "documents:download": Entry(
        LOGGED_IN, obj="document", note="scoped by core.scoping (agency + enterprise); anonymous → login"
    ),
    "documents:file-cell": Entry(LOGGED_IN, obj="document", note="htmx cell; scoped like download"),
    "documents:verify-form": Entry(EVERYONE, note="public verification form"),
    "documents:verify": Entry(
        EVERYONE,
        kwargs={"code": VERIFY_CODE},
        note="public by design: shows type, number, agency, date and holder only",
    ),
    "documents:bulk-jobs": Entry(STAFF, note="role_required(officer, approver, supervisor, admin)"),
    "documents:bulk-job": Entry(STAFF, obj="bulk_job", note="agency-scoped; enterprise users see no jobs"),
    "documents:bulk-job-progress": Entry(STAFF, obj="bulk_job"),
    "documents:bulk-job-download": Entry(STAFF, obj="bulk_job"),
    # --- documents: API -----------------------------------------------------------------------------
    "api-documents": Entry(
        LOGGED_IN,
        query={"subject_type": "licensing.application", "subject_id": "1"},
        note="authenticated; the list is narrowed by core.scoping",
    ),
    "api-document-file": Entry(LOGGED_IN, obj="document"),
    "api-document-bulk-job": Entry(STAFF, obj="bulk_job", note="progress; agency-scoped like the page"),
    "api-document-bulk-job-file": Entry(STAFF, obj="bulk_job", note="409 until the combined PDF is ready"),
    "api-document-verify": Entry(EVERYONE, kwargs={"code": VERIFY_CODE}, note="public (AllowAny)"),
    # --- core: inbox (per user) ---------------------------------------------------------------------
    "inbox": Entry(LOGGED_IN, note="each user sees only their own notifications"),
    "inbox-badge": Entry(LOGGED_IN),
    "inbox-read": Entry(LOGGED_IN, method="POST", note="marks only the caller's own notifications read"),
    "inbox-open": Entry(
        roles(ENTERPRISE),
        obj="notification",
        note=(
            "the notification is built for each variant's enterprise clerk, and only its addressee may "
            "open it: with scoped=True the enterprise role (mx_clerk) reaches the 'own' one only, and "
            "no staff role — not even the NEA supervisor or the administrator — may open another "
            "user's notification (404). GET marks the notification read (a state change on GET)."
        ),
    ),
}


def build(ctx) -> dict:
    """One issued (rendered) document, one bulk print job and one inbox notification per variant."""
    from django.db import transaction

    from core.models import Notification
    from documents.models import Document
    from documents.samples import SAMPLE_CONTEXTS
    from documents.services import bulk_job_process, document_bulk_request, document_render, document_request

    enterprise = ctx["enterprise"]
    officer = ctx["officer"]
    application = ctx["objects"]["application"]
    with transaction.atomic():
        document = document_request(
            doc_type="acceptance_notice",
            agency=enterprise.agency,
            enterprise=enterprise,
            subject_type="licensing.application",
            subject_id=application.pk,
            context=SAMPLE_CONTEXTS["acceptance_notice"],
            actor=officer,
        )
        if ctx["variant"] == "own":
            Document.objects.filter(pk=document.pk).update(verification_code=VERIFY_CODE)
        job = document_bulk_request(
            doc_type="dishonesty_notice",
            agency=enterprise.agency,
            items=[
                {
                    "enterprise": enterprise,
                    "subject_type": "credit.record",
                    "subject_id": ctx["objects"]["credit_record"].pk,
                    "context": SAMPLE_CONTEXTS["dishonesty_notice"],
                }
            ],
            actor=officer,
            title="矩阵测试批量打印",
        )
    # The world is built in a transaction that is rolled back, so the on-commit render never runs:
    # render here (the PDFs go to MEDIA_ROOT, as the application materials of the world do).
    document = document_render(document_id=document.pk)
    job = bulk_job_process(job_id=job.pk)
    notification = Notification.objects.create(
        user=ctx["clerk"], title="矩阵测试通知", body="authorization matrix", link="/inbox/"
    )
    return {"document": document, "bulk_job": job, "notification": notification}
