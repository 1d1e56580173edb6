"""Service quality and oversight (SPEC §7, seed 000 items 九–十).

- ServiceEvent: a service the enterprise received (acceptance, correction notice, decision…), made
  from the audit log by `services.service_events_sync`; Rating: its 好差评, once per event;
  CallbackTask: the callback of a real-name bad review (回访, target 100 %).
- WorkFlag: a finding of daily work supervision, computed from the data (or reported by hand for
  what the data cannot show), for the agency's supervision group.
- ApplicationFact: one row per received application, refreshed by the sync task, with the working
  days of a decision counted once on the calendar, so dashboards aggregate in the database.
- OversightSetting (per agency) and DisclosureRule (per publishable outcome): policy as data.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

# --- settings as data -----------------------------------------------------------------------------


class OversightSetting(models.Model):
    """Per agency: who calls back bad reviews, and within how many working days.

    Seed 000 item 十 asks for 专人核实 of bad reviews; SPEC §7: 5 or 15 working days are both in use.
    Without designated handlers the agency's approvers take the callbacks.
    """

    agency = models.OneToOneField(
        "accounts.Agency",
        on_delete=models.CASCADE,
        related_name="oversight_setting",
        verbose_name=_("agency"),
    )
    callback_working_days = models.PositiveSmallIntegerField(
        _("callback due within (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    callback_handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="callback_duties",
        verbose_name=_("designated callback handlers"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("callback setting")
        verbose_name_plural = _("callback settings")

    def __str__(self) -> str:
        return str(self.agency)


DEFAULT_CALLBACK_WORKING_DAYS = 5


class DisclosureRule(models.Model):
    """How long a published outcome stays public, and how soon it must be published (一公开).

    Rows are data (seeded by migration 0002, edited in the admin); apps merged later read theirs
    by key (`penalty_decisions`, `inspection_results`).
    """

    key = models.SlugField(_("key"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=100)
    publish_within_working_days = models.PositiveSmallIntegerField(
        _("to be published within (working days)"), default=20
    )
    retention_months = models.PositiveSmallIntegerField(
        _("public for (months)"), validators=[MinValueValidator(1)]
    )
    withdraw_on_repair = models.BooleanField(
        _("withdrawn after a granted credit repair"),
        default=False,
        help_text=_("Seed 000 item 八: after a repair the publication is withdrawn."),
    )
    basis = models.CharField(_("basis"), max_length=300, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("disclosure rule")
        verbose_name_plural = _("disclosure rules")

    def __str__(self) -> str:
        return self.title


# --- service events and 好差评 -----------------------------------------------------------------------


class ServiceKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Acceptance")
    TOLERANT_ACCEPTANCE = "tolerant_acceptance", _("Tolerant acceptance")
    DEEMED_ACCEPTANCE = "deemed_acceptance", _("Deemed acceptance (not acted on in time)")
    CORRECTION_NOTICE = "correction_notice", _("Correction notice (一次性告知)")
    NOT_ACCEPTED = "not_accepted", _("Refusal to accept")
    DECISION = "decision", _("Licensing decision")
    REISSUE = "reissue", _("Reissue of the licence")
    CREDIT_ACCEPTANCE = "credit_acceptance", _("Acceptance of a credit repair or objection")
    CREDIT_DECISION = "credit_decision", _("Decision on a credit repair or objection")


EVENT_OUTCOMES = {
    "application.approve": _("Licence granted"),
    "application.deny": _("Licence refused"),
    "application.deemed_renewal": _("Renewal deemed granted"),
    "accept": _("Accepted"),
    "not_accept": _("Not accepted"),
    "grant": pgettext_lazy("oversight", "Granted"),
    "refuse": pgettext_lazy("oversight", "Refused"),
}


class ServiceEvent(models.Model):
    """One service the enterprise received; made from its audit-log row, at most once."""

    audit = models.OneToOneField(
        "core.AuditLog", on_delete=models.PROTECT, related_name="+", verbose_name=_("audit entry")
    )
    kind = models.CharField(_("service"), max_length=24, choices=ServiceKind.choices)
    action = models.CharField(_("action"), max_length=64)
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="service_events",
        verbose_name=_("enterprise"),
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="service_events", verbose_name=_("agency")
    )
    application = models.ForeignKey(
        "licensing.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_events",
        verbose_name=_("application"),
    )
    credit_request = models.ForeignKey(
        "credit.CreditRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_events",
        verbose_name=_("credit repair or objection"),
    )
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("served by"),
    )
    occurred_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("service event")
        verbose_name_plural = _("service events")
        indexes = [
            models.Index(fields=["enterprise", "occurred_at"]),
            models.Index(fields=["agency", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def outcome_label(self) -> str:
        step = self.action.split("_", 1)[1] if self.action.startswith("credit.") else self.action
        return str(EVENT_OUTCOMES.get(step, ""))


class RatingLevel(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")


BAD_LEVELS = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)


class Rating(models.Model):
    """好差评 of one service event. An anonymous rating keeps no rater (and gets no callback)."""

    event = models.OneToOneField(
        ServiceEvent, on_delete=models.PROTECT, related_name="rating", verbose_name=_("service event")
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    level = models.CharField(_("rating"), max_length=24, choices=RatingLevel.choices)
    comment = models.TextField(_("comment"), blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rated by"),
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    rated_at = models.DateTimeField(_("rated at"), auto_now_add=True)
    rated_on = models.DateField(_("rated on"))

    class Meta:
        ordering = ["-rated_at", "-id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["agency", "rated_on"]), models.Index(fields=["rated_on"])]
        constraints = [
            models.CheckConstraint(
                name="anonymous_rating_keeps_no_rater",
                condition=models.Q(anonymous=False) | models.Q(rated_by__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class CallbackState(models.TextChoices):
    OPEN = "open", _("To call back")
    CONTACTED = "contacted", _("Called back, being verified")
    CLOSED = "closed", _("Closed")


CALLED_BACK_STATES = (CallbackState.CONTACTED, CallbackState.CLOSED)


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Telephone")
    VISIT = "visit", _("Visit")
    VIDEO = "video", _("Video call")
    MESSAGE = "message", _("Message or e-mail")
    OTHER = "other", _("Other")


class Verification(models.TextChoices):
    CONFIRMED = "confirmed", _("Complaint confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Complaint not confirmed")


class CallbackTask(ConcurrentTransitionMixin, models.Model):
    """回访 of a real-name bad review: contact → verification → rectification, by a due date."""

    rating = models.OneToOneField(
        Rating, on_delete=models.PROTECT, related_name="callback", verbose_name=_("rating")
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callback_tasks",
        verbose_name=_("handled by"),
    )
    state = FSMField(
        _("state"), default=CallbackState.OPEN, choices=CallbackState.choices, protected=True, db_index=True
    )
    due_on = models.DateField(_("due"))
    due_provisional = models.BooleanField(_("due date on a provisional calendar"), default=False)
    # contact (回访)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    contact_method = models.CharField(
        _("contacted by way of"), max_length=10, choices=ContactMethod.choices, blank=True
    )
    contact_person = models.CharField(_("person reached"), max_length=50, blank=True)
    contact_notes = models.TextField(_("what the enterprise said"), blank=True)
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("called back by"),
    )
    # verification and rectification (核实、整改)
    findings = models.TextField(_("findings"), blank=True)
    verification = models.CharField(
        _("verification"), max_length=16, choices=Verification.choices, blank=True
    )
    rectification = models.TextField(_("rectification"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        indexes = [models.Index(fields=["agency", "state", "due_on"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.due_on}"

    @transition(field=state, source=CallbackState.OPEN, target=CallbackState.CONTACTED)
    def record_contact(self):
        pass

    @transition(field=state, source=CallbackState.CONTACTED, target=CallbackState.CLOSED)
    def close(self):
        pass

    @property
    def is_called_back(self) -> bool:
        return self.state in CALLED_BACK_STATES


# --- daily work supervision (seed 000 item 九) ----------------------------------------------------------


class FlagRule(models.TextChoices):
    # steps out of order (许可流程是否规范)
    DECISION_WITHOUT_ACCEPTANCE = "decision_without_acceptance", _("Decision without (or before) acceptance")
    DECISION_WITHOUT_PROPOSAL = "decision_without_proposal", _("Decision without the officer's proposal")
    FOUR_EYES = "four_eyes", _("Decided by the officer who handled it")
    APPROVAL_WITHOUT_SITE_INSPECTION = (
        "approval_without_site_inspection",
        _("Approved without the mandatory on-site inspection"),
    )
    # time limits (是否在法定时限内完成)
    DECIDED_LATE = "decided_late", _("Decided after the time limit")
    TIME_LIMIT_EXTENDED = "time_limit_extended", _("Time limit extended")
    # scope and conditions (擅自扩大（缩小）许可范围、增设（减少）许可条件)
    SCOPE_DIFFERS = "scope_differs", _("Licensed scope differs from what was applied for")
    LICENCE_EDITED = "licence_edited", _("Licence edited outside a procedure")
    REQUEST_AFTER_ACCEPTANCE = "request_after_acceptance", _("Materials requested after acceptance")
    CONDITIONS_EDITED = "conditions_edited", _("Licence conditions edited during a procedure")
    # publication (许可结果是否及时主动公开)
    NOT_PUBLISHED = "not_published", _("Result not published in time")
    # reported by the supervision group (not in the data)
    INTERMEDIARY = "intermediary", _("Intermediary designated (reported)")
    FEES = "fees", _("Fees charged (reported)")
    OTHER = "other", _("Other finding (reported)")


MANUAL_RULES = (FlagRule.INTERMEDIARY, FlagRule.FEES, FlagRule.OTHER)


class FlagState(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class WorkFlag(ConcurrentTransitionMixin, models.Model):
    """A flagged item for the agency's supervision group: open → confirmed | dismissed (with reason).

    Computed flags are keyed by (rule, subject_key), so the daily regeneration never duplicates one
    and never reopens a decided one.
    """

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    rule = models.CharField(_("finding"), max_length=40, choices=FlagRule.choices)
    subject_key = models.CharField(_("subject"), max_length=80, blank=True)
    application = models.ForeignKey(
        "licensing.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("application"),
    )
    licence = models.ForeignKey(
        "licensing.Licence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("licence"),
    )
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    occurred_on = models.DateField(_("date of the facts"))
    detected_on = models.DateField(_("flagged on"))
    last_detected_on = models.DateField(_("last seen on"))
    manual = models.BooleanField(_("reported by hand"), default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    state = FSMField(
        _("state"), default=FlagState.OPEN, choices=FlagState.choices, protected=True, db_index=True
    )
    decision_note = models.TextField(_("note or reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("work supervision flag")
        verbose_name_plural = _("work supervision flags")
        indexes = [models.Index(fields=["agency", "state", "rule"])]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_key"],
                condition=~models.Q(subject_key=""),
                name="one_flag_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.subject_key}"

    @transition(field=state, source=FlagState.OPEN, target=FlagState.CONFIRMED)
    def confirm(self):
        pass

    @transition(field=state, source=FlagState.OPEN, target=FlagState.DISMISSED)
    def dismiss(self):
        pass


# --- facts for the dashboards ---------------------------------------------------------------------------


class Outcome(models.TextChoices):
    PENDING = "", _("Not decided")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TERMINATED = "terminated", _("Terminated")


DECISION_OUTCOMES = (Outcome.APPROVED, Outcome.DENIED)


class ApplicationFact(models.Model):
    """One received application as the dashboards count it; written only by `application_facts_sync`.

    `working_days_taken` is counted once, when the decision is synced, on the working-day calendar:
    working days from acceptance to decision (start day not counted) minus the paused working days.
    Dashboards then average it in the database instead of walking applications in Python.
    """

    application = models.OneToOneField(
        "licensing.Application",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("application"),
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    kind = models.CharField(_("kind"), max_length=20)
    licence_type = models.CharField(_("licence type"), max_length=16)
    mode = models.CharField(_("mode"), max_length=12)
    credit_tier = models.CharField(_("credit tier at acceptance"), max_length=24, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("officer in charge"),
    )
    received_on = models.DateField(_("received on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    deadline = models.DateField(_("decision due"), null=True, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    paused_working_days = models.PositiveSmallIntegerField(_("paused working days"), default=0)
    working_days_taken = models.PositiveSmallIntegerField(_("working days taken"), null=True, blank=True)
    on_time = models.BooleanField(_("decided within the time limit"), null=True, blank=True)
    late_working_days = models.PositiveSmallIntegerField(_("working days late"), null=True, blank=True)
    provisional = models.BooleanField(_("counted on a provisional calendar"), default=False)
    synced_at = models.DateTimeField(_("synced at"), auto_now=True)

    class Meta:
        verbose_name = _("application fact")
        verbose_name_plural = _("application facts")
        indexes = [
            models.Index(fields=["agency", "decided_on"]),
            models.Index(fields=["kind", "decided_on"]),
            models.Index(fields=["licence_type", "decided_on"]),
            models.Index(fields=["decided_on"]),
            models.Index(fields=["agency", "received_on"]),
            models.Index(fields=["received_on"]),
        ]

    def __str__(self) -> str:
        return f"#{self.application_id} {self.outcome or '…'}"


class SyncState(models.Model):
    """Where each sync over the audit log got to (it re-reads an overlap, so nothing is missed)."""

    key = models.CharField(_("key"), max_length=40, primary_key=True)
    synced_until = models.DateTimeField(_("synced until"))

    class Meta:
        verbose_name = _("sync state")
        verbose_name_plural = _("sync states")

    def __str__(self) -> str:
        return f"{self.key} → {self.synced_until:%Y-%m-%d %H:%M}"


class FactSlice(models.TextChoices):
    KIND = "kind", _("kind")
    CREDIT_TIER = "credit_tier", _("credit tier at acceptance")
    OFFICER = "officer", _("officer in charge")


class FactGrain(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")


class ApplicationFactTotal(models.Model):
    """The facts of one day, or one calendar month, summed per agency, licence type and one dimension
    (a "slice": kind, credit tier or officer); written only by `oversight.rollup.refresh`, in the
    transaction that changes the facts it sums, so it never disagrees with them.

    `received` counts the facts received on the day (in the month); the other measures the facts
    decided then (`decided`: any outcome; `decisions`…`days_count`: approvals and denials). A
    dashboard period is summed from whole months and the days at its edges (oversight/rollup.py).
    """

    grain = models.CharField(_("grain"), max_length=5, choices=FactGrain.choices)
    day = models.DateField(_("day"))  # of a month: its first day
    slice = models.CharField(_("slice"), max_length=12, choices=FactSlice.choices)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="+", verbose_name=_("agency")
    )
    licence_type = models.CharField(_("licence type"), max_length=16)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    credit_tier = models.CharField(_("credit tier at acceptance"), max_length=24, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("officer in charge"),
    )
    received = models.PositiveIntegerField(_("received"), default=0)
    decided = models.PositiveIntegerField(_("closed (any outcome)"), default=0)
    decisions = models.PositiveIntegerField(_("decisions"), default=0)
    timed = models.PositiveIntegerField(_("decisions with a due date"), default=0)
    in_time = models.PositiveIntegerField(_("on time"), default=0)
    late = models.PositiveIntegerField(_("late"), default=0)
    days_sum = models.PositiveIntegerField(_("working days taken, summed"), default=0)
    days_count = models.PositiveIntegerField(_("decisions with working days counted"), default=0)

    class Meta:
        verbose_name = _("application fact total")
        verbose_name_plural = _("application fact totals")
        indexes = [
            models.Index(fields=["slice", "grain", "day"]),
            models.Index(fields=["agency", "slice", "grain", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.slice} {self.agency_id}"
