"""Issued documents, their number sequences and bulk print jobs.

A document row is created (state `pending`, number allocated) in the transaction of the event that
issues it; a worker renders the PDF once and marks it `ready`. The file is never regenerated: a
correction is a new version that supersedes the old one, and a withdrawn document is `revoked`.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from documents.types import DOC_TYPE_CHOICES, DOC_TYPES


def document_storage():
    # MEDIA_ROOT lives outside any web root (config.settings); files are served only through
    # documents.views.download after the access check. Overwrite: a retried render after a crash
    # replaces the orphan file of the failed attempt instead of leaving a second copy.
    return FileSystemStorage(allow_overwrite=True)


class Letterhead(models.Model):
    """How an agency signs its documents: the issuer code of its numbers (发文机关代字)."""

    agency = models.OneToOneField(
        "accounts.Agency", on_delete=models.CASCADE, related_name="letterhead", verbose_name=_("agency")
    )
    issuer_code = models.CharField(
        _("issuer code"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^\w+$", _("Letters, digits and Chinese characters only."))],
        help_text=_("Printed before the type prefix of every document number, e.g. 南方能监."),
    )
    header_name = models.CharField(
        _("header name"),
        max_length=60,
        blank=True,
        help_text=_("The name in the red header; empty means the agency's name."),
    )

    class Meta:
        verbose_name = _("letterhead")
        verbose_name_plural = _("letterheads")

    def __str__(self) -> str:
        return f"{self.agency} · {self.issuer_code}"


class NumberCounter(models.Model):
    """The last number given for one agency, document type and year (gap-free: see services)."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    doc_type = models.CharField(_("document type"), max_length=40, choices=DOC_TYPE_CHOICES)
    year = models.PositiveSmallIntegerField(_("year"))
    last_value = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(fields=["agency", "doc_type", "year"], name="documents_one_counter"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.doc_type}/{self.year}: {self.last_value}"


class RenderState(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")


class Validity(models.TextChoices):
    CURRENT = "current", _("Current")
    SUPERSEDED = "superseded", _("Superseded")
    REVOKED = "revoked", _("Revoked")


class BulkJob(FSMModelMixin, models.Model):
    """Many documents requested at once and rendered by one task, with a combined PDF at the end."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    title = models.CharField(_("title"), max_length=200)
    doc_type = models.CharField(_("document type"), max_length=40, choices=DOC_TYPE_CHOICES)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    state = FSMField(_("state"), default=State.QUEUED, choices=State.choices, protected=True)
    total = models.PositiveIntegerField(_("documents"), default=0)
    combined_file = models.FileField(_("combined PDF"), storage=document_storage, blank=True)
    combined_sha256 = models.CharField(_("SHA-256 of the combined PDF"), max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("bulk print job")
        verbose_name_plural = _("bulk print jobs")

    def __str__(self) -> str:
        return self.title

    @property
    def doc_type_label(self):
        return DOC_TYPES[self.doc_type].label

    @transition(field=state, source=State.QUEUED, target=State.RUNNING)
    def start(self):
        pass

    @transition(field=state, source=[State.QUEUED, State.RUNNING], target=State.FINISHED)
    def finish(self):
        pass


class Document(FSMModelMixin, models.Model):
    doc_type = models.CharField(_("document type"), max_length=40, choices=DOC_TYPE_CHOICES)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="documents", verbose_name=_("agency")
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("enterprise"),
    )
    # What the document belongs to, e.g. ("licensing.application", "42"): the caller's own key,
    # kept as text so this app depends on none of them.
    subject_type = models.CharField(_("subject type"), max_length=60)
    subject_id = models.CharField(_("subject id"), max_length=60)

    number = models.CharField(_("document number"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    issued_on = models.DateField(_("date of issue"))
    # The holder as it was on the day of issue (the enterprise may be renamed later).
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_credit_code = models.CharField(_("holder's credit code"), max_length=18)
    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    context = models.JSONField(_("content"), default=dict)

    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    state = FSMField(
        _("file state"), default=RenderState.PENDING, choices=RenderState.choices, protected=True
    )
    validity = FSMField(_("status"), default=Validity.CURRENT, choices=Validity.choices, protected=True)

    file = models.FileField(_("PDF file"), storage=document_storage, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    render_attempts = models.PositiveSmallIntegerField(_("render attempts"), default=0)
    last_error = models.TextField(_("last render error"), blank=True)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)
    bulk_job = models.ForeignKey(
        BulkJob,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("bulk print job"),
    )

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="documents_subject_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "doc_type", "year", "sequence"], name="documents_number_once"
            ),
            # One current document of a type per subject: a second one is a correction and must
            # supersede the first (services.document_request), never silently sit beside it.
            models.UniqueConstraint(
                fields=["doc_type", "subject_type", "subject_id"],
                condition=models.Q(validity="current"),
                name="documents_one_current_per_subject",
            ),
            models.CheckConstraint(
                name="documents_ready_has_file",
                condition=~models.Q(state="ready") | (~models.Q(file="") & ~models.Q(sha256="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"

    @property
    def type(self):
        return DOC_TYPES[self.doc_type]

    @property
    def title(self) -> str:
        return self.type.title

    @property
    def type_label(self):
        return self.type.label

    @property
    def is_ready(self) -> bool:
        return self.state == RenderState.READY

    @property
    def display_code(self) -> str:
        code = self.verification_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))

    @transition(field=state, source=RenderState.PENDING, target=RenderState.READY)
    def mark_ready(self):
        pass

    @transition(field=validity, source=Validity.CURRENT, target=Validity.SUPERSEDED)
    def supersede(self):
        pass

    @transition(field=validity, source=Validity.CURRENT, target=Validity.REVOKED)
    def revoke(self):
        pass
