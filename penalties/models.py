"""Administrative penalties (行政处罚, SPEC §6): the violation catalogue, the procedural periods, cases on
their state machine (立案 → 调查 → 告知 → [听证] → 决定 → 执行 → 结案), and the bars a decision imposes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from credit.models import FinePosition, Grade, Tier

# --- reference data (admin-editable) -------------------------------------------------------------


class FineRule(models.TextChoices):
    RANGE = "range", _("Fixed range in yuan")
    GAINS_MULTIPLE = "gains_multiple", _("Multiple of the illegal gains")


class Applicability(models.TextChoices):
    """Whether an outcome other than the fine goes with a violation."""

    NEVER = "never", _("Not available")
    OPTIONAL = "optional", _("Where the circumstances warrant it")
    MANDATORY = "mandatory", _("Always")


class Violation(models.Model):
    """One violation type of seed 003 items 5–12 with its legal basis, fine range and other outcomes.

    The articles and amounts are kept as data because the 管理办法 and the discretion guideline
    (国能发监管〔2017〕55号) change; docs/penalties.md says which values still await the legal check.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    item = models.PositiveSmallIntegerField(_("item (seed 003)"), unique=True)
    title = models.CharField(_("violation"), max_length=200)
    violated_provision = models.TextField(_("provision violated"))
    penalty_provision = models.TextField(_("penalty provision"))
    discretion_basis = models.TextField(_("discretion basis"))

    fine_rule = models.CharField(
        _("fine rule"), max_length=16, choices=FineRule.choices, default=FineRule.RANGE
    )
    fine_min = models.DecimalField(
        _("lowest fine (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a multiple of illegal gains: the range used when there are no illegal gains."),
    )
    fine_max = models.DecimalField(
        _("highest fine (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    gains_multiple_min = models.DecimalField(
        _("lowest multiple of illegal gains"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    gains_multiple_max = models.DecimalField(
        _("highest multiple of illegal gains"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    warning = models.CharField(
        _("warning"), max_length=10, choices=Applicability.choices, default=Applicability.NEVER
    )
    rectification = models.CharField(
        _("order to rectify"), max_length=10, choices=Applicability.choices, default=Applicability.NEVER
    )
    confiscation = models.CharField(
        _("confiscation of illegal gains"),
        max_length=10,
        choices=Applicability.choices,
        default=Applicability.NEVER,
    )
    revocation = models.CharField(
        _("licence revocation"), max_length=10, choices=Applicability.choices, default=Applicability.NEVER
    )
    reapply_bar_years = models.PositiveSmallIntegerField(
        _("no new application for (years)"), default=0, help_text=_("0: no bar.")
    )
    tolerant_bar_years = models.PositiveSmallIntegerField(
        _("no tolerant acceptance for (years)"), default=0, help_text=_("0: no bar.")
    )
    commitment_bar_years = models.PositiveSmallIntegerField(
        _("no notification-commitment for (years)"), default=0, help_text=_("0: no bar.")
    )
    credit_grade = models.CharField(_("grade of the credit record"), max_length=8, choices=Grade.choices)
    legal_check = models.TextField(
        _("legal check"),
        blank=True,
        help_text=_("Who checked the articles and amounts, and when. Empty: not yet checked."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["item"]
        verbose_name = _("violation type")
        verbose_name_plural = _("violation catalogue")

    def __str__(self) -> str:
        return f"{self.item}. {self.title}"

    def clean(self):
        errors = {}
        if self.fine_rule == FineRule.RANGE and (self.fine_min is None or self.fine_max is None):
            errors["fine_min"] = _("A fixed range needs its lowest and highest fine.")
        if self.fine_min is not None and self.fine_max is not None and self.fine_min > self.fine_max:
            errors["fine_max"] = _("The highest fine is below the lowest.")
        if self.fine_rule == FineRule.GAINS_MULTIPLE:
            if self.gains_multiple_min is None or self.gains_multiple_max is None:
                errors["gains_multiple_min"] = _(
                    "A multiple of illegal gains needs its lowest and highest multiple."
                )
            elif self.gains_multiple_min > self.gains_multiple_max:
                errors["gains_multiple_max"] = _("The highest multiple is below the lowest.")
        if errors:
            raise ValidationError(errors)


class ProcedureRule(models.Model):
    """The procedural periods of a penalty case, as data with effective dates (one edition per day)."""

    effective_from = models.DateField(_("effective from"), unique=True)
    effective_to = models.DateField(_("effective to (inclusive)"), null=True, blank=True)
    statement_working_days = models.PositiveSmallIntegerField(
        _("period to state one's case (working days)"), default=5
    )
    hearing_request_working_days = models.PositiveSmallIntegerField(
        _("period to request a hearing (working days)"), default=5
    )
    hearing_notice_days = models.PositiveSmallIntegerField(
        _("hearing notice at least (days before)"), default=7, help_text=_("行政处罚法 art. 64.")
    )
    decision_days = models.PositiveSmallIntegerField(
        _("decision within (days of filing)"), default=90, help_text=_("行政处罚法 art. 60.")
    )
    payment_days = models.PositiveSmallIntegerField(
        _("fine payable within (days)"), default=15, help_text=_("行政处罚法 art. 67.")
    )
    review_days = models.PositiveSmallIntegerField(
        _("administrative review within (days)"), default=60, help_text=_("行政复议法 art. 20.")
    )
    litigation_months = models.PositiveSmallIntegerField(
        _("lawsuit within (months)"), default=6, help_text=_("行政诉讼法 art. 46.")
    )
    publish_months_minor = models.PositiveSmallIntegerField(_("published for, minor (months)"), default=3)
    publish_months_serious = models.PositiveSmallIntegerField(
        _("published for, serious (months)"), default=12
    )
    publish_months_severe = models.PositiveSmallIntegerField(_("published for, severe (months)"), default=36)
    review_body = models.CharField(
        _("administrative review body"),
        max_length=100,
        default="国家能源局",
        help_text=_("Where the party may apply for administrative review."),
    )

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("penalty procedure rule")
        verbose_name_plural = _("penalty procedure rules")

    def __str__(self) -> str:
        return f"{self.effective_from}–{self.effective_to or '…'}"

    def publish_months(self, grade: str) -> int:
        return {
            Grade.MINOR: self.publish_months_minor,
            Grade.SERIOUS: self.publish_months_serious,
            Grade.SEVERE: self.publish_months_severe,
        }[grade]


# --- cases -------------------------------------------------------------------------------------


class Source(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    COMMITMENT_CHECK = "commitment_check", _("Commitment check")
    COMPLAINT = "complaint", _("Complaint or report")
    EX_OFFICIO = "ex_officio", _("Ex officio")
    RECTIFICATION = "rectification", _("Escalated rectification order")


class State(models.TextChoices):
    FILED = "filed", _("Filed (立案)")
    INVESTIGATING = "investigating", _("Under investigation (调查)")
    NOTIFIED = "notified", _("Party notified (告知)")
    HEARING_REQUESTED = "hearing_requested", _("Hearing requested")
    HEARING_SCHEDULED = "hearing_scheduled", _("Hearing scheduled")
    HEARING_HELD = "hearing_held", _("Hearing held")
    DECIDED = "decided", _("Decided, being executed (决定)")
    EXECUTED = "executed", _("Executed (执行)")
    CLOSED = "closed", _("Closed (结案)")


class Outcome(models.TextChoices):
    PENALTY = "penalty", _("Penalty imposed")
    NO_PENALTY = "no_penalty", _("No penalty")


OPEN_STATES = [s for s in State.values if s != State.CLOSED]
DECIDED_STATES = [State.DECIDED, State.EXECUTED, State.CLOSED]
PARTY_STATES = [
    State.NOTIFIED,
    State.HEARING_REQUESTED,
    State.HEARING_SCHEDULED,
    State.HEARING_HELD,
]


class PenaltyCase(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("case number"), max_length=40, unique=True)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="penalty_cases", verbose_name=_("agency")
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="penalty_cases",
        verbose_name=_("party"),
    )
    violation = models.ForeignKey(
        Violation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("violation")
    )
    licence = models.ForeignKey(
        "licensing.Licence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_cases",
        verbose_name=_("licence concerned"),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    rectification_order = models.ForeignKey(
        "supervision.RectificationOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_cases",
        verbose_name=_("rectification order"),
    )
    state = FSMField(_("state"), default=State.FILED, choices=State.choices, protected=True, db_index=True)
    summary = models.TextField(_("grounds for filing"))
    facts = models.TextField(_("facts established"), blank=True)
    illegal_gains = models.DecimalField(
        _("illegal gains (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    # 立案, with the party's credit tier at that moment (seed 003 items 5–12 follow it)
    filed_on = models.DateField(_("filed on"), db_index=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    co_investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("second investigator"),
    )
    credit_tier = models.CharField(_("credit tier at filing"), max_length=24, choices=Tier.choices)
    credit_reason = models.TextField(_("why this tier"), blank=True)
    decision_due = models.DateField(_("decision due"), null=True, blank=True)

    # 告知: the intended penalty, the recommendation it is measured against, and the party's periods
    policy_version = models.CharField(_("policy version"), max_length=40, blank=True)
    fine_position = models.CharField(
        _("fine position"), max_length=8, choices=FinePosition.choices, blank=True
    )
    fine_lower = models.DecimalField(
        _("legal range from"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fine_upper = models.DecimalField(
        _("legal range to"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    recommended_fine = models.DecimalField(
        _("recommended fine"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    recommendation_text = models.TextField(_("discretion reasoning"), blank=True)
    fine_amount = models.DecimalField(
        _("fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    departure_reason = models.TextField(_("reason for departing from the recommendation"), blank=True)
    warning = models.BooleanField(_("warning"), default=False)
    rectification = models.BooleanField(_("order to rectify"), default=False)
    confiscation_amount = models.DecimalField(
        _("illegal gains confiscated (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    revoke_licence = models.BooleanField(_("revoke the licence"), default=False)
    reapply_bar_years = models.PositiveSmallIntegerField(_("no new application for (years)"), default=0)
    tolerant_bar_years = models.PositiveSmallIntegerField(_("no tolerant acceptance for (years)"), default=0)
    commitment_bar_years = models.PositiveSmallIntegerField(
        _("no notification-commitment for (years)"), default=0
    )
    grounds = models.TextField(_("grounds of the intended penalty"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    statement_due = models.DateField(_("statements until"), null=True, blank=True)
    hearing_request_due = models.DateField(_("hearing requests until"), null=True, blank=True)
    deadlines_provisional = models.BooleanField(_("deadlines on a provisional calendar"), default=False)
    waived_at = models.DateTimeField(_("rights waived at"), null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("waived by"),
    )
    waiver_text = models.TextField(_("written waiver"), blank=True)

    # 听证
    hearing_requested_at = models.DateTimeField(_("hearing requested at"), null=True, blank=True)
    hearing_at = models.DateTimeField(_("hearing at"), null=True, blank=True)
    hearing_place = models.CharField(_("hearing place"), max_length=200, blank=True)
    hearing_host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hearing chaired by"),
    )
    hearing_held_on = models.DateField(_("hearing held on"), null=True, blank=True)
    hearing_record = models.TextField(_("hearing record"), blank=True)
    party_attended = models.BooleanField(_("party attended"), null=True, blank=True)

    # 决定
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    decision_number = models.CharField(
        _("decision number"), max_length=60, unique=True, null=True, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("decision reasoning"), blank=True)
    payment_due = models.DateField(_("fine payable by"), null=True, blank=True)
    credit_record = models.OneToOneField(
        "credit.CreditRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_case",
        verbose_name=_("credit record"),
    )

    # 执行, 结案
    executed_on = models.DateField(_("executed on"), null=True, blank=True)
    fine_paid_on = models.DateField(_("fine paid on"), null=True, blank=True)
    execution_note = models.TextField(_("execution"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("closing report"), blank=True)

    # a supervisor's review of a departure from the recommendation
    departure_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("departure reviewed by"),
    )
    departure_reviewed_at = models.DateTimeField(_("departure reviewed at"), null=True, blank=True)
    departure_review_note = models.TextField(_("departure review"), blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("penalty case")
        verbose_name_plural = _("penalty cases")
        indexes = [
            models.Index(fields=["agency", "state"]),
            models.Index(fields=["enterprise", "state"]),
            models.Index(fields=["state", "decided_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~models.Q(source_ref="") & ~models.Q(state="closed"),
                name="one_open_case_per_source_ref",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # --- transitions (only penalties/services.py calls them) ---------------------------------
    @transition(field=state, source=State.FILED, target=State.INVESTIGATING)
    def start_investigation(self):
        pass

    @transition(field=state, source=State.INVESTIGATING, target=State.NOTIFIED)
    def notify(self):
        pass

    @transition(field=state, source=State.NOTIFIED, target=State.HEARING_REQUESTED)
    def request_hearing(self):
        pass

    @transition(
        field=state, source=[State.HEARING_REQUESTED, State.HEARING_SCHEDULED], target=State.HEARING_SCHEDULED
    )
    def schedule_hearing(self):
        pass

    @transition(field=state, source=State.HEARING_SCHEDULED, target=State.HEARING_HELD)
    def hold_hearing(self):
        pass

    @transition(field=state, source=[State.NOTIFIED, State.HEARING_HELD], target=State.DECIDED)
    def decide(self):
        pass

    @transition(field=state, source=[State.NOTIFIED, State.HEARING_HELD], target=State.INVESTIGATING)
    def return_to_investigation(self):
        pass

    @transition(
        field=state,
        source=[State.FILED, State.INVESTIGATING, State.NOTIFIED, State.HEARING_HELD],
        target=State.CLOSED,
    )
    def dismiss(self):
        pass

    @transition(field=state, source=State.DECIDED, target=State.EXECUTED)
    def record_execution(self):
        pass

    @transition(field=state, source=State.EXECUTED, target=State.CLOSED)
    def close(self):
        pass

    # --- derived ---------------------------------------------------------------------------------
    @property
    def is_departure(self) -> bool:
        return (
            self.fine_amount is not None
            and self.recommended_fine is not None
            and self.fine_amount != self.recommended_fine
        )

    @property
    def total_amount(self) -> Decimal:
        return (self.fine_amount or Decimal(0)) + (self.confiscation_amount or Decimal(0))

    def next_deadline(self) -> tuple[str, dt.date | None]:
        """What the case waits for next and by when, for the officers' list."""
        if self.state in (State.FILED, State.INVESTIGATING):
            return str(_("Decision due")), self.decision_due
        if self.state == State.NOTIFIED:
            if self.waived_at:
                return str(_("Rights waived: ready for decision")), None
            return str(_("Party's periods end")), max(
                d for d in (self.statement_due, self.hearing_request_due) if d is not None
            )
        if self.state == State.HEARING_REQUESTED:
            return str(_("Hearing to be scheduled")), self.decision_due
        if self.state == State.HEARING_SCHEDULED:
            return str(_("Hearing")), self.hearing_at.date() if self.hearing_at else None
        if self.state == State.HEARING_HELD:
            return str(_("Decision due")), self.decision_due
        if self.state == State.DECIDED:
            return str(_("Fine payable by")), self.payment_due
        return "", None


class Evidence(models.Model):
    """证据: a file checked by its content (PDF, JPEG, PNG), with a description."""

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        HEARING = "hearing", _("Hearing record")
        EXECUTION = "execution", _("Proof of execution")

    case = models.ForeignKey(
        PenaltyCase, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EVIDENCE)
    description = models.CharField(_("description"), max_length=300)
    file = models.FileField(_("file"), upload_to="penalties/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["case", "uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.description


class CaseNote(models.Model):
    """An investigation note (询问、检查情况…)."""

    case = models.ForeignKey(
        PenaltyCase, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["case", "created_at", "id"]
        verbose_name = _("investigation note")
        verbose_name_plural = _("investigation notes")

    def __str__(self) -> str:
        return self.text[:60]


class Statement(models.Model):
    """陈述、申辩: what the party says after being notified."""

    case = models.ForeignKey(
        PenaltyCase, on_delete=models.CASCADE, related_name="statements", verbose_name=_("case")
    )
    text = models.TextField(_("statement"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        ordering = ["case", "submitted_at", "id"]
        verbose_name = _("party's statement")
        verbose_name_plural = _("party's statements")

    def __str__(self) -> str:
        return self.text[:60]


class Bar(models.Model):
    """What a penalty decision bars the party from for a period; licensing asks `active_bars`."""

    class Mode(models.TextChoices):
        APPLICATION = "application", _("Any new licence application")
        TOLERANT = "tolerant", _("Tolerant acceptance (容缺受理)")
        COMMITMENT = "commitment", _("Notification-commitment (告知承诺)")

    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="penalty_bars",
        verbose_name=_("enterprise"),
    )
    case = models.ForeignKey(
        PenaltyCase, on_delete=models.PROTECT, related_name="bars", verbose_name=_("case")
    )
    mode = models.CharField(_("barred"), max_length=12, choices=Mode.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (inclusive)"))
    lifted_by_repair = models.BooleanField(
        _("lifted by credit repair"),
        default=True,
        help_text=_(
            "A statutory bar on reapplying stays; a credit-based bar ends when the record is repaired."
        ),
    )

    class Meta:
        ordering = ["-ends_on", "-id"]
        verbose_name = _("penalty bar")
        verbose_name_plural = _("penalty bars")
        constraints = [models.UniqueConstraint(fields=["case", "mode"], name="one_bar_per_case_mode")]
        indexes = [models.Index(fields=["enterprise", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_mode_display()} · {self.starts_on}–{self.ends_on}"
