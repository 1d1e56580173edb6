"""Licences, their conditions, the enterprise's own data, and applications with their state machine."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from credit.models import SiteInspection, Tier

# --- reference data (admin-editable) -----------------------------------------------------------


class Category(models.TextChoices):
    """承装 / 承修 / 承试 (国家发展改革委令2020年第36号)."""

    INSTALL = "install", _("Installation (承装)")
    REPAIR = "repair", _("Repair (承修)")
    TEST = "test", _("Testing (承试)")


class LevelScheme(models.Model):
    """A versioned set of levels: 一级…五级 today; a revision may reduce them to three."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to (inclusive)"), null=True, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("level scheme")
        verbose_name_plural = _("level schemes")

    def __str__(self) -> str:
        return self.name


class Level(models.Model):
    scheme = models.ForeignKey(
        LevelScheme, on_delete=models.PROTECT, related_name="levels", verbose_name=_("scheme")
    )
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=30)
    rank = models.PositiveSmallIntegerField(_("rank (1 = highest voltage class)"))
    voltage_scope = models.CharField(_("voltage scope"), max_length=200, blank=True)

    class Meta:
        ordering = ["scheme", "rank"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="level_code_per_scheme")]

    def __str__(self) -> str:
        return self.name


class PersonnelRole(models.TextChoices):
    TECHNICAL_LEAD = "technical_lead", _("Technical lead (技术负责人)")
    SAFETY_LEAD = "safety_lead", _("Safety lead (安全负责人)")
    PROFESSIONAL = "professional", _("Professional / technical staff (专业技术人员)")
    SKILLED_WORKER = "skilled_worker", _("Skilled worker (技术工人)")


LEAD_ROLES = (PersonnelRole.TECHNICAL_LEAD, PersonnelRole.SAFETY_LEAD)


class EquipmentItem(models.Model):
    """Catalogue of equipment (机具设备) named by the licence conditions."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("equipment item")
        verbose_name_plural = _("equipment catalogue")

    def __str__(self) -> str:
        return self.name


class LicenceCondition(models.Model):
    """许可条件 of one category at one level."""

    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="conditions", verbose_name=_("level")
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    net_assets_min = models.DecimalField(
        _("minimum net assets (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    projects_required = models.CharField(_("past projects required"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["category", "level__rank"]
        verbose_name = _("licence condition")
        verbose_name_plural = _("licence conditions")
        constraints = [
            models.UniqueConstraint(fields=["level", "category"], name="one_condition_per_level_category")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.level}"


class PersonnelRequirement(models.Model):
    condition = models.ForeignKey(
        LicenceCondition, on_delete=models.CASCADE, related_name="personnel", verbose_name=_("condition")
    )
    role = models.CharField(_("role"), max_length=20, choices=PersonnelRole.choices)
    min_count = models.PositiveSmallIntegerField(_("minimum number"))

    class Meta:
        ordering = ["condition", "role"]
        verbose_name = _("personnel requirement")
        verbose_name_plural = _("personnel requirements")
        constraints = [
            models.UniqueConstraint(fields=["condition", "role"], name="one_personnel_req_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ≥ {self.min_count}"


class EquipmentRequirement(models.Model):
    condition = models.ForeignKey(
        LicenceCondition, on_delete=models.CASCADE, related_name="equipment", verbose_name=_("condition")
    )
    item = models.ForeignKey(
        EquipmentItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    min_count = models.PositiveSmallIntegerField(_("minimum number"), default=1)

    class Meta:
        ordering = ["condition", "item"]
        verbose_name = _("equipment requirement")
        verbose_name_plural = _("equipment requirements")
        constraints = [
            models.UniqueConstraint(fields=["condition", "item"], name="one_equipment_req_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item} ≥ {self.min_count}"


# --- the enterprise's own data -----------------------------------------------------------------


class Personnel(models.Model):
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.CASCADE,
        related_name="personnel",
        verbose_name=_("enterprise"),
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18)
    role = models.CharField(_("role"), max_length=20, choices=PersonnelRole.choices)
    title = models.CharField(_("professional title"), max_length=50, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=50, blank=True)
    certificate_expiry = models.DateField(_("certificate valid until"), null=True, blank=True)
    employed_from = models.DateField(_("employed since"))
    employed_until = models.DateField(_("employed until"), null=True, blank=True)
    insured = models.BooleanField(_("social insurance paid"), default=True)

    class Meta:
        ordering = ["enterprise", "role", "name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("personnel")
        indexes = [models.Index(fields=["enterprise", "role"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def id_number_masked(self) -> str:
        value = self.id_number or ""
        return value[:3] + "*" * max(0, len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)

    def qualifies_on(self, day: dt.date) -> bool:
        """In post, certificate valid, insured on `day` — what counts towards licence conditions."""
        if self.employed_from > day or (self.employed_until and self.employed_until < day):
            return False
        if self.certificate_expiry and self.certificate_expiry < day:
            return False
        return self.insured


class Equipment(models.Model):
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.CASCADE,
        related_name="equipment",
        verbose_name=_("enterprise"),
    )
    item = models.ForeignKey(
        EquipmentItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    serial_no = models.CharField(_("serial number"), max_length=100, blank=True)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    acquired_on = models.DateField(_("acquired on"), null=True, blank=True)
    in_service = models.BooleanField(_("in service"), default=True)

    class Meta:
        ordering = ["enterprise", "item"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


# --- licences ----------------------------------------------------------------------------------


class LicenceType(models.TextChoices):
    FACILITY = (
        "facility",
        _("Power facility installation/repair/testing licence (承装（修、试）电力设施许可证)"),
    )
    POWER_BUSINESS = "power_business", _("Power business licence (电力业务许可证)")


class BusinessClass(models.TextChoices):
    GENERATION = "generation", _("Generation (发电类)")
    TRANSMISSION = "transmission", _("Transmission (输电类)")
    SUPPLY = "supply", _("Supply (供电类)")


class ObtainedVia(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary procedure")
    TOLERANT = "tolerant", _("Tolerant acceptance (容缺受理)")
    COMMITMENT = "commitment", _("Notification-commitment (告知承诺)")


LICENCE_VALIDITY_YEARS = {LicenceType.FACILITY: 6, LicenceType.POWER_BUSINESS: 20}


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", pgettext_lazy("licence status", "Cancelled")


class Licence(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("licence number"), max_length=40, unique=True)
    licence_type = models.CharField(_("licence type"), max_length=16, choices=LicenceType.choices)
    business_class = models.CharField(
        _("business class"), max_length=16, choices=BusinessClass.choices, blank=True
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise", on_delete=models.PROTECT, related_name="licences", verbose_name=_("holder")
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="licences",
        verbose_name=_("licensing agency"),
    )
    level_scheme = models.ForeignKey(
        LevelScheme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("level scheme"),
    )
    status = FSMField(
        _("status"), default=LicenceStatus.VALID, choices=LicenceStatus.choices, protected=True, db_index=True
    )
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), db_index=True)
    obtained_via = models.CharField(
        _("obtained via"), max_length=12, choices=ObtainedVia.choices, default=ObtainedVia.ORDINARY
    )
    post_check_due = models.DateField(
        _("post-approval check due"),
        null=True,
        blank=True,
        help_text=_("告知承诺: checked within 6 months of the decision."),
    )
    certificate_version = models.PositiveSmallIntegerField(_("certificate version"), default=1)
    status_reason = models.TextField(_("reason of the last status change"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        indexes = [models.Index(fields=["agency", "status"]), models.Index(fields=["enterprise", "status"])]

    def __str__(self) -> str:
        return self.number

    # Every change of a licence is the result of a decided application or a penalty/supervision
    # outcome; the services in licensing/services.py are the only callers.
    @transition(field=status, source=LicenceStatus.VALID, target=LicenceStatus.SUSPENDED)
    def suspend(self):
        pass

    @transition(field=status, source=LicenceStatus.SUSPENDED, target=LicenceStatus.VALID)
    def reinstate(self):
        pass

    @transition(
        field=status, source=[LicenceStatus.VALID, LicenceStatus.SUSPENDED], target=LicenceStatus.REVOKED
    )
    def revoke(self):
        pass

    @transition(
        field=status, source=[LicenceStatus.VALID, LicenceStatus.SUSPENDED], target=LicenceStatus.EXPIRED
    )
    def expire(self):
        pass

    @transition(
        field=status, source=[LicenceStatus.VALID, LicenceStatus.SUSPENDED], target=LicenceStatus.CANCELLED
    )
    def cancel(self):
        pass

    @property
    def scope_display(self) -> str:
        if self.licence_type == LicenceType.POWER_BUSINESS:
            return self.get_business_class_display()
        return "、".join(f"{s.get_category_display()}{s.level.name}" for s in self.scopes.all())


class LicenceScope(models.Model):
    licence = models.ForeignKey(
        Licence, on_delete=models.CASCADE, related_name="scopes", verbose_name=_("licence")
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+", verbose_name=_("level"))

    class Meta:
        ordering = ["licence", "category"]
        verbose_name = _("licensed category")
        verbose_name_plural = _("licensed categories")
        constraints = [models.UniqueConstraint(fields=["licence", "category"], name="one_level_per_category")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.level}"


class GeneratingUnit(models.Model):
    licence = models.ForeignKey(
        Licence, on_delete=models.CASCADE, related_name="units", verbose_name=_("licence")
    )
    name = models.CharField(_("unit name"), max_length=100)
    capacity_mw = models.DecimalField(_("capacity (MW)"), max_digits=10, decimal_places=2)
    commissioned_on = models.DateField(_("commissioned on"))
    design_life_years = models.PositiveSmallIntegerField(_("design life (years)"))

    class Meta:
        ordering = ["licence", "name"]
        verbose_name = _("generating unit")
        verbose_name_plural = _("generating units")

    def __str__(self) -> str:
        return self.name

    @property
    def end_of_life(self) -> dt.date:
        from licensing.dates import add_years

        return add_years(self.commissioned_on, self.design_life_years)


class TolerantBar(models.Model):
    """2-year bar on tolerant acceptance after a missed supplement (seed 003 §三.2)."""

    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="tolerant_bars",
        verbose_name=_("enterprise"),
    )
    application = models.OneToOneField(
        "Application", on_delete=models.PROTECT, related_name="tolerant_bar", verbose_name=_("application")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (inclusive)"))

    class Meta:
        ordering = ["-ends_on"]
        verbose_name = _("tolerant-acceptance bar")
        verbose_name_plural = _("tolerant-acceptance bars")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.starts_on}–{self.ends_on}"


# --- applications ------------------------------------------------------------------------------


class Kind(models.TextChoices):
    NEW = "new", _("New licence (新申请)")
    LICENSED_CHANGE = "licensed_change", _("Change of licensed items (许可事项变更)")
    REGISTRATION_CHANGE = "registration_change", _("Change of registered items (登记事项变更)")
    RENEWAL = "renewal", _("Renewal (有效期延续)")
    REISSUE = "reissue", _("Reissue (补办)")
    CANCELLATION = "cancellation", _("Cancellation (注销)")


class Mode(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    TOLERANT = "tolerant", _("Tolerant acceptance (容缺受理)")
    COMMITMENT = "commitment", _("Notification-commitment (告知承诺)")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting acceptance")
    CORRECTION_REQUESTED = "correction_requested", _("Correction requested (一次性告知)")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    ACCEPTED = "accepted", _("Accepted")
    TOLERANT_ACCEPTED = "tolerant_accepted", _("Tolerant-accepted, awaiting supplement")
    SUPPLEMENTED = "supplemented", _("Supplemented")
    TERMINATED = "terminated", _("Terminated (supplement missed)")
    UNDER_REVIEW = "under_review", _("Under review")
    AWAITING_APPLICANT = "awaiting_applicant", _("Waiting for the applicant")
    SITE_INSPECTION = "site_inspection", _("On-site inspection")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    PENDING_DECISION = "pending_decision", _("Awaiting the approver's decision")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATES = [
    State.SUBMITTED,
    State.CORRECTION_REQUESTED,
    State.ACCEPTED,
    State.TOLERANT_ACCEPTED,
    State.SUPPLEMENTED,
    State.UNDER_REVIEW,
    State.AWAITING_APPLICANT,
    State.SITE_INSPECTION,
    State.EXPERT_REVIEW,
    State.PENDING_DECISION,
]
# States in which the decision clock runs (accepted, not paused, not decided).
CLOCK_STATES = [
    State.ACCEPTED,
    State.SUPPLEMENTED,
    State.UNDER_REVIEW,
    State.SITE_INSPECTION,
    State.PENDING_DECISION,
]
# States in which the clock is paused (art. 45 periods and waiting for the applicant).
PAUSED_STATES = [State.TOLERANT_ACCEPTED, State.AWAITING_APPLICANT, State.EXPERT_REVIEW]
FINAL_STATES = [State.NOT_ACCEPTED, State.TERMINATED, State.APPROVED, State.DENIED, State.WITHDRAWN]
WITHDRAWABLE = [s for s in OPEN_STATES]


class Application(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("application number"), max_length=30, unique=True, null=True, blank=True)
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("licensing agency"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.ORDINARY)
    licence_type = models.CharField(
        _("licence type"), max_length=16, choices=LicenceType.choices, default=LicenceType.FACILITY
    )
    business_class = models.CharField(
        _("business class"), max_length=16, choices=BusinessClass.choices, blank=True
    )
    licence = models.ForeignKey(
        Licence,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("licence concerned"),
    )
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)

    # what is applied for
    registration_changes = models.JSONField(_("registration changes"), default=dict, blank=True)
    reissue_reason = models.CharField(_("reason for reissue"), max_length=200, blank=True)
    cancellation_reason = models.CharField(_("reason for cancellation"), max_length=200, blank=True)
    applicant_note = models.TextField(_("applicant's note"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)

    # submission and acceptance (行政许可法 art. 32)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    acceptance_due = models.DateField(_("acceptance due"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True, db_index=True)
    deemed_accepted = models.BooleanField(_("deemed accepted"), default=False)
    correction_items = models.JSONField(_("correction items"), default=list, blank=True)
    correction_requested_on = models.DateField(_("correction requested on"), null=True, blank=True)
    not_accepted_reason = models.TextField(_("reason for not accepting"), blank=True)

    # credit snapshot at acceptance and the policy it selected
    credit_tier = models.CharField(
        _("credit tier at acceptance"), max_length=24, choices=Tier.choices, blank=True
    )
    credit_reason = models.TextField(_("why this tier"), blank=True)
    policy_version = models.CharField(_("policy version"), max_length=40, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), null=True, blank=True)
    same_day = models.BooleanField(_("decided on the day of acceptance"), default=False)
    site_inspection = models.CharField(
        _("on-site inspection"), max_length=12, choices=SiteInspection.choices, blank=True
    )
    materials_exempt = models.BooleanField(_("proofs replaced by lists"), default=False)

    # the clock (working days, from the day after acceptance)
    deadline = models.DateField(_("decision due"), null=True, blank=True, db_index=True)
    deadline_provisional = models.BooleanField(_("deadline on a provisional calendar"), default=False)
    paused_working_days = models.PositiveSmallIntegerField(
        _("paused working days (closed pauses)"), default=0
    )
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_requested = models.BooleanField(_("extension requested"), default=False)
    extension_reason = models.TextField(_("extension reason (told to the applicant)"), blank=True)
    extension_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # 容缺受理
    tolerant_items = models.JSONField(_("missing items to supplement"), default=list, blank=True)
    tolerant_reason = models.CharField(_("why tolerant acceptance is asked"), max_length=300, blank=True)
    tolerant_signed_at = models.DateTimeField(_("tolerant commitment signed at"), null=True, blank=True)
    tolerant_due_on = models.DateField(_("supplement due"), null=True, blank=True)
    personnel_gap_pct = models.DecimalField(
        _("personnel gap (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    equipment_gap_pct = models.DecimalField(
        _("equipment gap (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    # 告知承诺
    commitment_signed_at = models.DateTimeField(_("commitment signed at"), null=True, blank=True)
    verification = models.JSONField(_("online verification"), default=dict, blank=True)

    # review
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_applications",
        verbose_name=_("officer in charge"),
    )
    site_inspection_done = models.BooleanField(_("on-site inspection done"), default=False)
    site_inspection_result = models.TextField(_("on-site inspection result"), blank=True)
    expert_opinion = models.TextField(_("expert opinion"), blank=True)
    proposed_outcome = models.CharField(_("proposed outcome"), max_length=10, blank=True)
    proposal = models.TextField(_("officer's proposal"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # decision
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("decision reason"), blank=True)
    deemed_granted = models.BooleanField(_("renewal deemed granted (art. 50)"), default=False)
    certificate_due = models.DateField(_("certificate due"), null=True, blank=True)
    renewal_timely = models.BooleanField(_("renewal filed in time"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("withdrawal reason"), blank=True)
    terminated_reason = models.TextField(_("termination reason"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["agency", "state", "deadline"]),
            models.Index(fields=["enterprise", "state"]),
            models.Index(fields=["state", "acceptance_due"]),
            # The officer's queues, most urgent first (docs/benchmarks.md): only the open rows, a few
            # thousand of a million. Without it PostgreSQL answers "ORDER BY deadline LIMIT 25" by
            # walking the deadline index of every application and filtering (3.7 s at national size).
            models.Index(
                fields=["agency", "deadline", "state"],
                condition=models.Q(state__in=OPEN_STATES),
                name="application_open_by_deadline",
            ),
            # The dashboards' "open and overdue now" across all agencies (oversight.selectors
            # .figure_overdue_list: "ORDER BY deadline, id LIMIT 20"): without it PostgreSQL walks the
            # deadline index of every application, closed ones first (4.2 s at national size).
            models.Index(
                fields=["deadline", "id"],
                condition=models.Q(state__in=CLOCK_STATES),
                name="application_clock_by_deadline",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    # --- transitions (only licensing/services.py calls them) -----------------------------------
    @transition(field=state, source=[State.DRAFT, State.CORRECTION_REQUESTED], target=State.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.CORRECTION_REQUESTED)
    def request_correction(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.NOT_ACCEPTED)
    def reject(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.ACCEPTED)
    def accept(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.TOLERANT_ACCEPTED)
    def tolerant_accept(self):
        pass

    @transition(field=state, source=State.TOLERANT_ACCEPTED, target=State.SUPPLEMENTED)
    def supplement(self):
        pass

    @transition(field=state, source=State.TOLERANT_ACCEPTED, target=State.TERMINATED)
    def terminate(self):
        pass

    @transition(field=state, source=[State.ACCEPTED, State.SUPPLEMENTED], target=State.UNDER_REVIEW)
    def start_review(self):
        pass

    @transition(field=state, source=State.UNDER_REVIEW, target=State.AWAITING_APPLICANT)
    def ask_applicant(self):
        pass

    @transition(field=state, source=State.AWAITING_APPLICANT, target=State.UNDER_REVIEW)
    def applicant_answered(self):
        pass

    @transition(field=state, source=State.UNDER_REVIEW, target=State.SITE_INSPECTION)
    def begin_site_inspection(self):
        pass

    @transition(field=state, source=State.SITE_INSPECTION, target=State.UNDER_REVIEW)
    def record_site_inspection(self):
        pass

    @transition(field=state, source=State.UNDER_REVIEW, target=State.EXPERT_REVIEW)
    def send_to_experts(self):
        pass

    @transition(field=state, source=State.EXPERT_REVIEW, target=State.UNDER_REVIEW)
    def experts_returned(self):
        pass

    @transition(field=state, source=[State.ACCEPTED, State.UNDER_REVIEW], target=State.PENDING_DECISION)
    def propose(self):
        pass

    @transition(field=state, source=State.PENDING_DECISION, target=State.UNDER_REVIEW)
    def return_to_review(self):
        pass

    @transition(
        field=state,
        source=[State.PENDING_DECISION, State.ACCEPTED, State.SUPPLEMENTED, State.UNDER_REVIEW],
        target=State.APPROVED,
    )
    def approve(self):
        pass

    @transition(field=state, source=State.PENDING_DECISION, target=State.DENIED)
    def deny(self):
        pass

    @transition(field=state, source=WITHDRAWABLE, target=State.WITHDRAWN)
    def withdraw(self):
        pass

    # --- derived ---------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_paused(self) -> bool:
        return self.state in PAUSED_STATES

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES


class ApplicationScope(models.Model):
    """A category at a level that a new / licensed-change application asks for."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="scopes", verbose_name=_("application")
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+", verbose_name=_("level"))

    class Meta:
        ordering = ["application", "category"]
        verbose_name = _("requested category")
        verbose_name_plural = _("requested categories")
        constraints = [
            models.UniqueConstraint(fields=["application", "category"], name="one_request_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.level}"


class ClockPause(models.Model):
    """A period in which the decision clock stands still (行政许可法 art. 45; waiting for the applicant)."""

    class Reason(models.TextChoices):
        APPLICANT = "applicant", _("Waiting for the applicant")
        TOLERANT = "tolerant", _("Waiting for the tolerant supplement")
        EXPERT_REVIEW = "expert_review", _("Expert review")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("application")
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("working days paused"), default=0)

    class Meta:
        ordering = ["application", "started_on", "id"]
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.started_on}–{self.ended_on or '…'}"


class Material(models.Model):
    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "business_licence", _("Business licence (营业执照)")
        PERSONNEL = "personnel", _("Personnel proofs (人员证明材料)")
        EQUIPMENT = "equipment", _("Equipment proofs (机具设备证明材料)")
        PREMISES = "premises", _("Premises (经营场所)")
        NET_ASSETS = "net_assets", _("Net assets (净资产)")
        PROJECTS = "projects", _("Past projects (工程业绩)")
        LISTS = "lists", _("Lists instead of proofs (清单)")
        LOST_NOTICE = "lost_notice", _("Lost-licence notice in the media (遗失声明)")
        REGISTRATION = "registration", _("Proof of the registration change")
        UNITS = "units", _("Generating units (机组)")
        OTHER = "other", _("Other")

    class Round(models.TextChoices):
        INITIAL = "initial", _("With the application")
        CORRECTION = "correction", _("Correction")
        SUPPLEMENT = "supplement", _("Tolerant supplement")
        REVIEW = "review", _("Requested during review")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="materials", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    round = models.CharField(_("round"), max_length=12, choices=Round.choices, default=Round.INITIAL)
    file = models.FileField(_("file"), upload_to="materials/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["application", "uploaded_at"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.original_name


class RegistryEntry(models.Model):
    """Data the agency imports from government data sharing, used by the local verification adapter."""

    class Kind(models.TextChoices):
        MARKET_ENTITY = "market_entity", _("Market-entity registration")
        EMPLOYMENT = "employment", _("Personnel in post (social insurance)")
        QUALIFICATION = "qualification", _("Professional qualification")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    key = models.CharField(
        _("key"),
        max_length=100,
        help_text=_("Credit code, or credit code + ID number, or certificate number."),
    )
    data = models.JSONField(_("data"), default=dict)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("registry entry")
        verbose_name_plural = _("registry entries")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="registry_entry_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"
