"""Supervision after licensing. This module starts with what both supervision workstreams share:
rectification orders (责令整改). Scheduled scans, commitment checks and field inspections add theirs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class RectificationOrder(ConcurrentTransitionMixin, models.Model):
    """责令整改: an order with a deadline; the enterprise answers with evidence; overdue escalates."""

    class State(models.TextChoices):
        ISSUED = "issued", _("Issued")
        ANSWERED = "answered", _("Answered, awaiting verification")
        RESOLVED = "resolved", _("Resolved")
        ESCALATED = "escalated", _("Escalated (overdue or not rectified)")

    class Source(models.TextChoices):
        SCAN_WARNING = "scan_warning", _("Licence-condition warning")
        COMMITMENT_CHECK = "commitment_check", _("Commitment check")
        INSPECTION = "inspection", _("Inspection")
        OTHER = "other", _("Other")

    number = models.CharField(_("order number"), max_length=40, unique=True)
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="rectification_orders",
        verbose_name=_("enterprise"),
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="rectification_orders",
        verbose_name=_("agency"),
    )
    licence = models.ForeignKey(
        "licensing.Licence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification_orders",
        verbose_name=_("licence"),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_id = models.CharField(_("source id"), max_length=40, blank=True)
    findings = models.TextField(_("findings to rectify"))
    deadline = models.DateField(_("rectify by"))
    state = FSMField(_("state"), default=State.ISSUED, choices=State.choices, protected=True, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_on = models.DateField(_("issued on"))
    answer = models.TextField(_("enterprise's answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    verification_note = models.TextField(_("verification"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    escalation_reason = models.TextField(_("escalation reason"), blank=True)
    licence_revoked_on = models.DateField(_("licence revoked on"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        indexes = [models.Index(fields=["agency", "state", "deadline"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source_id=""),
                name="one_open_order_per_source",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @transition(field=state, source=[State.ISSUED, State.ANSWERED], target=State.ANSWERED)
    def record_answer(self):
        pass

    @transition(field=state, source=State.ANSWERED, target=State.RESOLVED)
    def resolve(self):
        pass

    @transition(field=state, source=State.ANSWERED, target=State.ISSUED)
    def reject_answer(self):
        pass

    @transition(field=state, source=[State.ISSUED, State.ANSWERED], target=State.ESCALATED)
    def escalate(self):
        pass


class OrderEvidence(models.Model):
    order = models.ForeignKey(
        RectificationOrder, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("order")
    )
    file = models.FileField(_("file"), upload_to="rectification/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["order", "uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


# --- the monthly licence-condition scan (seed 000 一(五), SPEC §5) ----------------------------------


class ScanRun(models.Model):
    """One run of the licence-condition scan. Licences are processed in keyset batches by id; the
    cursor and the counters move in the transaction of each batch, so a killed worker loses at most
    the batch it was in and the next invocation continues from the cursor."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")

    scan_date = models.DateField(_("scan date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    triggered_by = models.CharField(_("triggered by"), max_length=40, blank=True)
    batch_size = models.PositiveIntegerField(_("batch size"), default=1000)
    cursor = models.BigIntegerField(_("last licence id processed"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    batches = models.PositiveIntegerField(_("batches"), default=0)
    licences_scanned = models.PositiveIntegerField(_("licences scanned"), default=0)
    warnings_opened = models.PositiveIntegerField(_("warnings opened"), default=0)
    warnings_closed = models.PositiveIntegerField(_("warnings closed"), default=0)
    resumed = models.PositiveSmallIntegerField(_("times resumed"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("scan run")
        verbose_name_plural = _("scan runs")
        constraints = [
            # Two workers never run two scans at once; the second one resumes the first.
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="running"), name="one_running_scan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scan_date} #{self.pk}"


class LicenceWarning(ConcurrentTransitionMixin, models.Model):
    """预警: one finding of the scan about one licence, with a follow-up owner."""

    class Type(models.TextChoices):
        PERSONNEL_SHORTFALL = "personnel_shortfall", _("Personnel below the licence conditions")
        EQUIPMENT_SHORTFALL = "equipment_shortfall", _("Equipment below the licence conditions")
        ROSTER_MISSING = "roster_missing", _("No personnel recorded")
        CONDITIONS_MISSING = "conditions_missing", _("Licence conditions missing for the licensed level")
        EXPIRING = "expiring", _("Licence expiring: apply for renewal")
        UNIT_END_OF_LIFE = "unit_end_of_life", _("Generating unit reaching the end of its design life")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        NOTIFIED = "notified", _("Enterprise notified")
        RECTIFYING = "rectifying", _("Rectification ordered")
        RESOLVED = "resolved", _("Resolved")
        ESCALATED = "escalated", _("Escalated")

    licence = models.ForeignKey(
        "licensing.Licence", on_delete=models.CASCADE, related_name="warnings", verbose_name=_("licence")
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise", on_delete=models.CASCADE, related_name="warnings", verbose_name=_("enterprise")
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="warnings", verbose_name=_("agency")
    )
    type = models.CharField(_("type"), max_length=24, choices=Type.choices)
    # Distinguishes several warnings of one type on one licence: the unit id, the reminder threshold.
    key = models.CharField(_("key"), max_length=40, blank=True)
    status = FSMField(_("status"), default=Status.OPEN, choices=Status.choices, protected=True, db_index=True)
    evidence = models.TextField(_("evidence"))
    details = models.JSONField(_("details"), default=dict, blank=True)
    due_on = models.DateField(_("follow up by"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervision_warnings",
        verbose_name=_("officer in charge"),
    )
    first_seen_on = models.DateField(_("first found on"))
    # The scan rewrites a kept warning only when its evidence changes (a monthly UPDATE of every
    # active warning would cost more than the scan itself); an active warning is, by definition,
    # still found by the latest scan.
    changed_on = models.DateField(_("evidence last changed on"))
    opened_run = models.ForeignKey(
        ScanRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("found by"),
    )
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    order = models.ForeignKey(
        RectificationOrder,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="warnings",
        verbose_name=_("rectification order"),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    ACTIVE = (Status.OPEN, Status.NOTIFIED, Status.RECTIFYING, Status.ESCALATED)

    class Meta:
        ordering = ["-first_seen_on", "-id"]
        verbose_name = _("licence-condition warning")
        verbose_name_plural = _("licence-condition warnings")
        indexes = [
            models.Index(fields=["agency", "status", "type"]),
            models.Index(fields=["licence", "status"]),
        ]
        constraints = [
            # The scan's idempotency: one active warning per licence, type and key, whatever re-runs.
            models.UniqueConstraint(
                fields=["licence", "type", "key"],
                condition=models.Q(status__in=["open", "notified", "rectifying", "escalated"]),
                name="one_active_warning_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id}/{self.type}/{self.key}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def can_order_rectification(self) -> bool:
        return self.type in RECTIFIABLE_TYPES and self.status in (self.Status.OPEN, self.Status.NOTIFIED)

    # Bulk status changes of the scan (notify, resolve) are conditional UPDATEs guarded by the source
    # status, the same rule as these transitions; the officer's actions go through the transitions.
    @transition(field=status, source=[Status.OPEN, Status.NOTIFIED], target=Status.RECTIFYING)
    def order_rectification(self):
        pass

    @transition(field=status, source=Status.RECTIFYING, target=Status.ESCALATED)
    def escalate(self):
        pass


RECTIFIABLE_TYPES = (
    LicenceWarning.Type.PERSONNEL_SHORTFALL,
    LicenceWarning.Type.EQUIPMENT_SHORTFALL,
    LicenceWarning.Type.ROSTER_MISSING,
)
# Findings about the agency's own reference data: the owner officer is told, not the enterprise.
INTERNAL_TYPES = (LicenceWarning.Type.CONDITIONS_MISSING,)


# --- commitment checks (告知承诺 全覆盖核查, seed 000 一(三)) ----------------------------------------


class CommitmentCheck(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DUE = "due", _("To be checked")
        CONSISTENT = "consistent", _("Consistent with the commitment")
        RECTIFYING = "rectifying", _("Inconsistent: rectification ordered")
        RECTIFIED = "rectified", _("Inconsistent: rectified")
        UNMET = "unmet", _("Inconsistent: rectification not met")
        REVOKED = "revoked", _("Licence revoked")

    class Method(models.TextChoices):
        ON_SITE = "on_site", _("On-site")
        OFF_SITE = "off_site", _("Off-site (documents, data)")
        VIDEO = "video", _("Remote video verification")

    class Outcome(models.TextChoices):
        CONSISTENT = "consistent", _("Consistent")
        INCONSISTENT = "inconsistent", _("Inconsistent: rectify within a deadline")
        FALSE_COMMITMENT = "false_commitment", _("False commitment")

    licence = models.ForeignKey(
        "licensing.Licence",
        on_delete=models.PROTECT,
        related_name="commitment_checks",
        verbose_name=_("licence"),
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="commitment_checks",
        verbose_name=_("enterprise"),
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="commitment_checks",
        verbose_name=_("agency"),
    )
    decided_on = models.DateField(_("licence decided on"))
    due_on = models.DateField(_("check due by"), db_index=True)
    state = FSMField(_("state"), default=State.DUE, choices=State.choices, protected=True, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitment_checks",
        verbose_name=_("officer in charge"),
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    comparison = models.JSONField(_("commitment vs. reality"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    note = models.TextField(_("findings"), blank=True)
    order = models.ForeignKey(
        RectificationOrder,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitment_checks",
        verbose_name=_("rectification order"),
    )
    # For the penalties app: a false commitment is a penalty-case candidate (seed 002: 撤销许可并给予行政处罚).
    penalty_referral = models.BooleanField(_("referred for a penalty case"), default=False, db_index=True)
    penalty_referral_reason = models.TextField(_("referral reason"), blank=True)
    penalty_case_ref = models.CharField(_("penalty case"), max_length=40, blank=True)
    credit_record = models.ForeignKey(
        "credit.CreditRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("credit record"),
    )
    due_soon_notified_on = models.DateField(_("due-soon reminder sent on"), null=True, blank=True)
    overdue_notified_on = models.DateField(_("overdue reminder sent on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    OPEN_STATES = (State.DUE,)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("commitment check")
        verbose_name_plural = _("commitment checks")
        indexes = [
            models.Index(fields=["agency", "state", "due_on"]),
            # the dashboard's checks done in a period (oversight panel `verification_methods`)
            models.Index(fields=["checked_on"], name="commitment_check_checked_on"),
        ]
        constraints = [
            # One check per commitment decision: ensuring it twice finds the first.
            models.UniqueConstraint(
                fields=["licence", "decided_on"], name="one_check_per_commitment_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.decided_on}"

    @transition(field=state, source=State.DUE, target=State.CONSISTENT)
    def record_consistent(self):
        pass

    @transition(field=state, source=State.DUE, target=State.RECTIFYING)
    def record_inconsistent(self):
        pass

    @transition(field=state, source=State.RECTIFYING, target=State.RECTIFIED)
    def rectified(self):
        pass

    @transition(field=state, source=State.RECTIFYING, target=State.UNMET)
    def rectification_unmet(self):
        pass

    @transition(field=state, source=[State.DUE, State.UNMET], target=State.REVOKED)
    def licence_revoked(self):
        pass
