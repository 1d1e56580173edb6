"""Credit: tiers derived from credit records, and the credit-measure policy (seed 003) as versioned data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition


class Tier(models.TextChoices):
    """信用分类标识 from the energy-sector credit platform (seed 003 §二.2)."""

    GOOD = "good", _("Good credit (信用良好)")
    TRUSTWORTHY = "trustworthy", _("Trustworthy (守信)")
    DISHONEST = "dishonest", _("Dishonest (失信)")
    SERIOUSLY_DISHONEST = "seriously_dishonest", _("Seriously dishonest (严重失信)")


TIER_ORDER = [Tier.GOOD, Tier.TRUSTWORTHY, Tier.DISHONEST, Tier.SERIOUSLY_DISHONEST]


class Scope(models.TextChoices):
    """What a measure applies to: an application kind (items 1–4), a violation (5–12) or daily supervision."""

    NEW = "new", _("New application")
    LICENSED_CHANGE = "licensed_change", _("Change of licensed items")
    REGISTRATION_CHANGE = "registration_change", _("Change of registered items")
    RENEWAL = "renewal", _("Renewal")
    REISSUE = "reissue", _("Reissue")
    PENALTY = "penalty", _("Penalty case")
    DAILY = "daily", _("Daily supervision")
    ANNUAL = "annual", _("Annual self-inspection")


class SiteInspection(models.TextChoices):
    EXEMPT = "exempt", _("Exempt")
    AS_NEEDED = "as_needed", _("As needed")
    MANDATORY = "mandatory", _("Mandatory, item by item")


class FinePosition(models.TextChoices):
    LOWER = "lower", _("Lower bound of the range")
    WITHIN = "within", _("Within the range")
    UPPER = "upper", _("Upper bound of the range")


class InspectionManner(models.TextChoices):
    OFF_SITE = "off_site", _("Mostly off-site")
    EITHER = "either", _("On-site or off-site")
    ON_SITE = "on_site", _("Mostly on-site")


class SelfInspectionVerification(models.TextChoices):
    NONE = "none", _("Usually not verified")
    SPOT_CHECK = "spot_check", _("Random spot-check")
    KEY = "key", _("Key verification")


class Grade(models.TextChoices):
    """Severity of a negative record (dishonest behaviour, penalty, failed inspection)."""

    MINOR = "minor", _("Minor (轻微)")
    SERIOUS = "serious", _("Serious (较重)")
    SEVERE = "severe", _("Severe (严重)")


class ActionKind(models.TextChoices):
    """Seed 000 item 七: 提醒 / 警示 / 约谈."""

    REMINDER = "reminder", _("Reminder (提醒)")
    WARNING = "warning", _("Warning (警示)")
    INTERVIEW = "interview", _("Interview (约谈)")


class RequestKind(models.TextChoices):
    REPAIR = "repair", _("Credit repair (信用修复)")
    OBJECTION = "objection", _("Objection (异议)")


class PolicyVersion(models.Model):
    """One edition of the credit-measure list. Exactly one applies on any date (no overlaps)."""

    code = models.CharField(pgettext_lazy("credit", "version"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to (inclusive)"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    # The 管理办法's own periods, used where a measure says "ordinary rules apply" ("—").
    statutory_limit_days = models.PositiveSmallIntegerField(
        _("statutory time limit (working days)"), default=20
    )
    statutory_registration_change_days = models.PositiveSmallIntegerField(
        _("statutory time limit for registration changes (working days)"), default=15
    )
    extension_days = models.PositiveSmallIntegerField(_("one extension (working days)"), default=10)
    tolerant_supplement_days = models.PositiveSmallIntegerField(
        _("tolerant supplement period (days)"), default=10
    )
    tolerant_bar_years = models.PositiveSmallIntegerField(
        _("tolerant-acceptance bar after a missed supplement (years)"), default=2
    )
    # Public listing periods by grade (sector draft rule, SPEC §4): the longest a negative record
    # stays on the public dishonest list; also how long it counts for the tier unless the source
    # gives its own validity.
    listing_months_minor = models.PositiveSmallIntegerField(
        _("public listing period, minor (months)"), default=3
    )
    listing_months_serious = models.PositiveSmallIntegerField(
        _("public listing period, serious (months)"), default=12
    )
    listing_months_severe = models.PositiveSmallIntegerField(
        _("public listing period, severe (months)"), default=36
    )
    commendation_months = models.PositiveSmallIntegerField(
        _("a commendation counts for (months)"), default=36
    )
    # Seed 000 item 七: reminder / warning / interview by grade of the dishonest behaviour.
    action_minor = models.CharField(
        _("action for a minor record"), max_length=10, choices=ActionKind.choices, default=ActionKind.REMINDER
    )
    action_serious = models.CharField(
        _("action for a serious record"),
        max_length=10,
        choices=ActionKind.choices,
        default=ActionKind.WARNING,
    )
    action_severe = models.CharField(
        _("action for a severe record"),
        max_length=10,
        choices=ActionKind.choices,
        default=ActionKind.INTERVIEW,
    )
    # Seed 000 item 八: repair decided, objection settled within 15 working days of acceptance.
    repair_decision_days = models.PositiveSmallIntegerField(
        _("credit repair decided within (working days)"), default=15
    )
    objection_decision_days = models.PositiveSmallIntegerField(
        _("objection settled within (working days)"), default=15
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("credit-measure policy version")
        verbose_name_plural = _("credit-measure policy versions")
        constraints = [
            models.CheckConstraint(
                name="policy_dates_ordered",
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.effective_from}–{self.effective_to or '…'})"

    def clean(self):
        from credit.services import policy_check_overlap

        policy_check_overlap(self)

    def listing_months(self, grade: str) -> int:
        return {
            Grade.MINOR: self.listing_months_minor,
            Grade.SERIOUS: self.listing_months_serious,
            Grade.SEVERE: self.listing_months_severe,
        }[grade]

    def action_for(self, grade: str) -> str:
        return {
            Grade.MINOR: self.action_minor,
            Grade.SERIOUS: self.action_serious,
            Grade.SEVERE: self.action_severe,
        }[grade]

    def decision_days(self, kind: str) -> int:
        return self.repair_decision_days if kind == RequestKind.REPAIR else self.objection_decision_days


class Measure(models.Model):
    """One measure: seed 003 item × scope × tier. Only the columns that item speaks of are set."""

    policy = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="measures", verbose_name=_("policy")
    )
    item = models.PositiveSmallIntegerField(_("item (seed 003)"))
    scope = models.CharField(_("applies to"), max_length=24, choices=Scope.choices)
    violation = models.CharField(
        _("violation type"),
        max_length=40,
        blank=True,
        help_text=_("For items 5–12: the violation type code."),
    )
    tier = models.CharField(_("credit tier"), max_length=24, choices=Tier.choices)
    text = models.TextField(_("measure (as published)"))
    # item 0 (seed 000 二(二)): notification-commitment applicability
    commitment_allowed = models.BooleanField(_("notification-commitment allowed"), null=True, blank=True)
    # item 1
    materials_exempt = models.BooleanField(_("proof materials replaced by lists"), null=True, blank=True)
    lost_notice_required = models.BooleanField(
        _("lost-licence notice in the media required"), null=True, blank=True
    )
    # item 2
    tolerant_allowed = models.BooleanField(_("tolerant acceptance allowed"), null=True, blank=True)
    personnel_gap_max = models.PositiveSmallIntegerField(_("personnel gap max (%)"), null=True, blank=True)
    equipment_gap_max = models.PositiveSmallIntegerField(_("equipment gap max (%)"), null=True, blank=True)
    # item 3
    site_inspection = models.CharField(
        _("on-site inspection"), max_length=12, choices=SiteInspection.choices, blank=True
    )
    # item 4
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), null=True, blank=True)
    same_day = models.BooleanField(_("decided on the day of acceptance"), null=True, blank=True)
    limit_applies_to_tolerant = models.BooleanField(
        _("reduced limit also when tolerant-accepted"), null=True, blank=True
    )
    # items 5–12
    fine_position = models.CharField(
        _("fine position"), max_length=8, choices=FinePosition.choices, blank=True
    )
    # item 13
    selection_probability_change = models.SmallIntegerField(
        _("selection probability change (%)"), null=True, blank=True
    )
    inspection_manner = models.CharField(
        _("inspection manner"), max_length=10, choices=InspectionManner.choices, blank=True
    )
    always_selected = models.BooleanField(
        _("always included; on-site at least yearly"), null=True, blank=True
    )
    # item 14
    self_inspection_verification = models.CharField(
        _("self-inspection verification"),
        max_length=12,
        choices=SelfInspectionVerification.choices,
        blank=True,
    )

    class Meta:
        ordering = ["policy", "item", "scope", "violation", "tier"]
        verbose_name = _("credit measure")
        verbose_name_plural = _("credit measures")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "item", "scope", "violation", "tier"], name="one_measure_per_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} #{self.item} {self.scope} {self.violation} {self.tier}"


class RecordCategory(models.TextChoices):
    PENALTY = "penalty", _("Administrative penalty")
    INSPECTION = "inspection", _("Administrative inspection")
    DISHONEST = "dishonest", _("Dishonest behaviour")
    COMMENDATION = "commendation", _("Commendation")


class RecordStatus(models.TextChoices):
    ACTIVE = "active", _("Counts")
    REPAIRED = "repaired", _("Repaired (信用修复)")
    REVOKED = "revoked", _("Revoked after objection")


class CreditRecord(FSMModelMixin, models.Model):
    """One entry of an enterprise's credit file (信用记录).

    A record stops counting when its validity ends, when it is repaired (信用修复) or when an
    objection against it is granted (revoked); `ended_on` keeps the day, so past snapshots stay true.
    """

    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="credit_records",
        verbose_name=_("enterprise"),
    )
    category = models.CharField(_("category"), max_length=16, choices=RecordCategory.choices)
    grade = models.CharField(
        _("grade"),
        max_length=8,
        choices=Grade.choices,
        blank=True,
        help_text=_("Empty for a neutral record (an inspection without findings, a commendation)."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=40)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    occurred_on = models.DateField(_("date"))
    counts_until = models.DateField(_("counts until (inclusive)"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)
    publish_until = models.DateField(_("published until"), null=True, blank=True)
    status = FSMField(
        _("status"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE, protected=True
    )
    ended_on = models.DateField(_("stopped counting on"), null=True, blank=True)
    disputed = models.BooleanField(_("disputed (objection pending)"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        indexes = [models.Index(fields=["enterprise", "status", "occurred_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="credit_record_source_ref_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_category_display()} · {self.title}"

    @property
    def is_negative(self) -> bool:
        return bool(self.grade) and self.category != RecordCategory.COMMENDATION

    # Seed 000 item 八: after a repair the listing is withdrawn and the record no longer counts.
    @transition(field=status, source=RecordStatus.ACTIVE, target=RecordStatus.REPAIRED)
    def repair(self, on) -> None:
        self.ended_on = on
        self.published = False
        self.disputed = False

    # A granted objection: the record was wrong; it is withdrawn entirely.
    @transition(field=status, source=RecordStatus.ACTIVE, target=RecordStatus.REVOKED)
    def revoke(self, on) -> None:
        self.ended_on = on
        self.published = False
        self.disputed = False


class TierOverride(models.Model):
    """An authorised officer's override of the derived tier, with a reason and an end date."""

    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="tier_overrides",
        verbose_name=_("enterprise"),
    )
    tier = models.CharField(_("credit tier"), max_length=24, choices=Tier.choices)
    reason = models.TextField(_("reason"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (inclusive)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("tier override")
        verbose_name_plural = _("tier overrides")
        constraints = [
            models.CheckConstraint(
                name="override_dates_ordered", condition=models.Q(ends_on__gte=models.F("starts_on"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.get_tier_display()} ({self.starts_on}–{self.ends_on})"


class EnterpriseCredit(models.Model):
    """The enterprise's current tier, kept by `tier_recompute`; the history is in TierChange."""

    enterprise = models.OneToOneField(
        "accounts.Enterprise",
        on_delete=models.CASCADE,
        related_name="credit",
        primary_key=True,
        verbose_name=_("enterprise"),
    )
    tier = models.CharField(_("credit tier"), max_length=24, choices=Tier.choices, db_index=True)
    reason = models.TextField(_("why"), blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("current credit tier")
        verbose_name_plural = _("current credit tiers")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_tier_display()}"


class TierChange(models.Model):
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.CASCADE,
        related_name="tier_changes",
        verbose_name=_("enterprise"),
    )
    from_tier = models.CharField(_("from"), max_length=24, choices=Tier.choices, blank=True)
    to_tier = models.CharField(_("to"), max_length=24, choices=Tier.choices)
    reason = models.TextField(_("why"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("tier change")
        verbose_name_plural = _("tier history")

    def __str__(self) -> str:
        return f"{self.enterprise}: {self.from_tier or '—'} → {self.to_tier}"


class DishonestyAction(models.Model):
    """A reminder, warning or interview (提醒 / 警示 / 约谈) about a negative record (seed 000 item 七)."""

    record = models.ForeignKey(
        CreditRecord, on_delete=models.PROTECT, related_name="actions", verbose_name=_("credit record")
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="dishonesty_actions",
        verbose_name=_("enterprise"),
    )
    kind = models.CharField(pgettext_lazy("credit", "action"), max_length=10, choices=ActionKind.choices)
    took_place_on = models.DateField(_("date"))
    notes = models.TextField(_("notes"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    policy_version = models.CharField(_("policy version"), max_length=40)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-took_place_on", "-id"]
        verbose_name = _("dishonesty action")
        verbose_name_plural = _("dishonesty actions")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_kind_display()} · {self.took_place_on}"


class JointPunishmentEntry(models.Model):
    """失信联合惩戒: a severe record puts its enterprise on the list while the record counts."""

    record = models.OneToOneField(
        CreditRecord,
        on_delete=models.PROTECT,
        related_name="joint_punishment",
        verbose_name=_("credit record"),
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="joint_punishments",
        verbose_name=_("enterprise"),
    )
    listed_on = models.DateField(_("listed on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.CharField(_("why removed"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-listed_on", "-id"]
        verbose_name = _("joint-punishment entry")
        verbose_name_plural = _("joint-punishment list")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.listed_on}"


class DishonestyNotice(models.Model):
    """失信告知书: tells a dishonest enterprise its records and the measures it faces."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="dishonesty_notices",
        verbose_name=_("enterprise"),
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    records = models.ManyToManyField(CreditRecord, related_name="notices", verbose_name=_("credit records"))
    tier = models.CharField(_("credit tier"), max_length=24, choices=Tier.choices)
    policy_version = models.CharField(_("policy version"), max_length=40)
    issued_on = models.DateField(_("date"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    read_at = models.DateTimeField(_("first read by the enterprise"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("dishonesty notice")
        verbose_name_plural = _("dishonesty notices")

    def __str__(self) -> str:
        return f"{self.number} · {self.enterprise}"


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


OPEN_REQUEST_STATES = (RequestState.SUBMITTED, RequestState.ACCEPTED)


class CreditRequest(ConcurrentTransitionMixin, models.Model):
    """A credit repair (信用修复) or an objection (异议) filed by an enterprise about one of its records.

    submitted → accepted → granted | refused, or submitted → not accepted (with a reason). Decided
    within 15 working days of acceptance (seed 000 item 八), counted on the shared calendar.
    """

    kind = models.CharField(pgettext_lazy("credit", "kind"), max_length=10, choices=RequestKind.choices)
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="credit_requests",
        verbose_name=_("enterprise"),
    )
    record = models.ForeignKey(
        CreditRecord, on_delete=models.PROTECT, related_name="requests", verbose_name=_("credit record")
    )
    statement = models.TextField(_("grounds"))
    commitment = models.BooleanField(_("credit commitment made"), default=False)
    state = FSMField(
        _("state"),
        max_length=12,
        choices=RequestState.choices,
        default=RequestState.SUBMITTED,
        protected=True,
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    due_on = models.DateField(_("decision due"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("due date provisional"), default=False)
    policy_version = models.CharField(_("policy version"), max_length=40, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reasons"), blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("credit repair or objection")
        verbose_name_plural = _("credit repairs and objections")
        constraints = [
            # One open request per record: a double submit cannot file twice.
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(state__in=["submitted", "accepted"]),
                name="one_open_request_per_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} · {self.enterprise}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_REQUEST_STATES

    @transition(field=state, source=RequestState.SUBMITTED, target=RequestState.ACCEPTED)
    def accept(self, *, by, on, due) -> None:
        self.accepted_by, self.accepted_on = by, on
        self.due_on, self.due_provisional = due.date, due.provisional

    @transition(field=state, source=RequestState.SUBMITTED, target=RequestState.NOT_ACCEPTED)
    def refuse_to_accept(self, *, by, at, reason: str) -> None:
        self.decided_by, self.decided_at, self.decision_reason = by, at, reason

    @transition(field=state, source=RequestState.ACCEPTED, target=RequestState.GRANTED)
    def grant(self, *, by, at, reason: str) -> None:
        self.decided_by, self.decided_at, self.decision_reason = by, at, reason

    @transition(field=state, source=RequestState.ACCEPTED, target=RequestState.REFUSED)
    def refuse(self, *, by, at, reason: str) -> None:
        self.decided_by, self.decided_at, self.decision_reason = by, at, reason
