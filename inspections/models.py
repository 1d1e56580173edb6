"""Supervision in the field (SPEC §5, seed 002, seed 003 items 13–14): 双随机、一公开 campaigns,
inspections with checklists and findings, the three lists (三清单), complaints, penalty referrals and
the annual self-inspection."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from credit.models import Grade, SelfInspectionVerification, Tier

# 三清单 "失信企业清单" holds the enterprises of these two tiers (seed 002).
DISHONEST_TIERS = (Tier.DISHONEST, Tier.SERIOUSLY_DISHONEST)


class InspectionKind(models.TextChoices):
    ON_SITE = "on_site", _("On-site inspection")
    OFF_SITE = "off_site", _("Off-site inspection (documents and data)")
    VIDEO = "video", _("Remote video verification")


class ChecklistKind(models.TextChoices):
    ON_SITE = "on_site", _("On-site inspection")
    OFF_SITE = "off_site", _("Off-site inspection (documents and data)")
    VIDEO = "video", _("Remote video verification")
    SELF = "self", _("Annual self-inspection")


class ChecklistItem(models.Model):
    """One point to check. Data, not code: an administrator edits the lists in the admin."""

    kind = models.CharField(_("checklist"), max_length=10, choices=ChecklistKind.choices)
    code = models.CharField(_("code"), max_length=30)
    text = models.CharField(_("what is checked"), max_length=300)
    guidance = models.TextField(_("how to check"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["kind", "position", "code"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="checklist_code_per_kind")]

    def __str__(self) -> str:
        return self.text


class ConflictDeclaration(models.Model):
    """A declared relation between an inspector and an enterprise (回避): the inspector is never drawn
    for it and may not be named on its inspections while the declaration stands."""

    class Relation(models.TextChoices):
        KINSHIP = "kinship", _("Close relative works there")
        FORMER_EMPLOYMENT = "former_employment", _("Formerly employed there")
        FINANCIAL = "financial", _("Financial interest")
        OTHER = "other", _("Other relation")

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="conflict_declarations",
        verbose_name=_("inspector"),
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="conflict_declarations",
        verbose_name=_("enterprise"),
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    detail = models.TextField(_("details"), blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("declared by")
    )
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    class Meta:
        ordering = ["-declared_at", "-id"]
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "enterprise"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_standing_declaration_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.enterprise}"


class Campaign(ConcurrentTransitionMixin, models.Model):
    """双随机、一公开: a drawn sample of enterprises, each with two inspectors drawn at random.

    `inputs_json` holds everything the draw used (seed, sample size, population with tiers and weights,
    inspector pool, conflicts) as canonical JSON text, exactly the bytes `inputs_sha256` hashes (so the
    published file can be checked with any sha256 tool); anyone re-runs
    `inspections.draw.run_draw(inputs)` and gets the same assignments (docs/inspections.md).
    """

    class State(models.TextChoices):
        DRAWN = "drawn", _("Drawn, inspections under way")
        PUBLISHED = "published", _("Results published")

    number = models.CharField(_("campaign number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("agency")
    )
    # the population
    licence_type = models.CharField(_("licence type"), max_length=16)
    category = models.CharField(_("licensed category"), max_length=10, blank=True)
    level = models.ForeignKey(
        "licensing.Level",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("level"),
    )
    provinces = models.JSONField(_("provinces"), default=list, blank=True)
    tiers = models.JSONField(_("credit tiers"), default=list, blank=True)
    # the draw
    sample_size = models.PositiveIntegerField(_("sample size"))
    sample_rate = models.DecimalField(
        _("sample rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    conflict_years = models.PositiveSmallIntegerField(
        _("an inspector who inspected the enterprise in the last N years is not drawn"), default=3
    )
    default_kind = models.CharField(
        _("kind where the policy leaves the choice"),
        max_length=10,
        choices=InspectionKind.choices,
        default=InspectionKind.OFF_SITE,
    )
    due_on = models.DateField(_("inspections due by"))
    seed = models.CharField(_("random seed (hex)"), max_length=64)
    algorithm_version = models.CharField(_("algorithm version"), max_length=40)
    inputs_json = models.TextField(_("draw inputs (canonical JSON)"))
    inputs_sha256 = models.CharField(_("SHA-256 of the inputs"), max_length=64)
    result_sha256 = models.CharField(_("SHA-256 of the result"), max_length=64)
    population_size = models.PositiveIntegerField(_("population"))
    pool_size = models.PositiveIntegerField(_("inspector pool"))
    state = FSMField(_("state"), default=State.DRAWN, choices=State.choices, protected=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drawn by")
    )
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = _("random-inspection campaign")
        verbose_name_plural = _("random-inspection campaigns")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @transition(field=state, source=State.DRAWN, target=State.PUBLISHED)
    def publish(self):
        pass

    @property
    def inputs(self) -> dict:
        return json.loads(self.inputs_json)


class Inspection(ConcurrentTransitionMixin, models.Model):
    """One inspection of one enterprise by two inspectors: from a campaign or ad hoc."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Origin(models.TextChoices):
        CAMPAIGN = "campaign", _("Random inspection (双随机)")
        KEY = "key", _("Key supervision (重点监管)")
        TARGETED = "targeted", _("Special / targeted supervision (专项、定点监管)")
        PROBLEM = "problem", _("Problem supervision (问题监管)")

    class Result(models.TextChoices):
        COMPLIANT = "compliant", _("No problem found")
        SHORT = "short", _("Problems found")

    number = models.CharField(_("inspection number"), max_length=50, unique=True)
    agency = models.ForeignKey(
        "accounts.Agency",
        db_index=False,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("agency"),
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        db_index=False,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("enterprise"),
    )
    licence = models.ForeignKey(
        "licensing.Licence",
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("licence"),
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    kind = models.CharField(_("kind of inspection"), max_length=10, choices=InspectionKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("campaign"),
    )
    draw_position = models.PositiveIntegerField(_("position in the draw"), null=True, blank=True)
    draw_tier = models.CharField(_("tier at the draw"), max_length=24, choices=Tier.choices, blank=True)
    inspection_manner = models.CharField(_("manner (credit policy)"), max_length=10, blank=True)
    lead_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead inspector")
    )
    second_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("second inspector"),
    )
    due_on = models.DateField(_("due by"))
    state = FSMField(_("state"), default=State.PLANNED, choices=State.choices, protected=True)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    tier_at_inspection = models.CharField(
        _("credit tier at the inspection"), max_length=24, choices=Tier.choices, blank=True
    )
    tier_reason = models.TextField(_("why that tier"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    worst_severity = models.CharField(_("worst finding"), max_length=8, choices=Grade.choices, blank=True)
    # 视频核验 (seed 002: remote video verification, recorded and traceable)
    video_started_at = models.DateTimeField(_("video started at"), null=True, blank=True)
    video_ended_at = models.DateTimeField(_("video ended at"), null=True, blank=True)
    video_participants = models.TextField(_("participants"), blank=True)
    video_checked = models.TextField(_("what was checked on video"), blank=True)
    video_recording_ref = models.CharField(_("recording reference"), max_length=200, blank=True)
    credit_record = models.ForeignKey(
        "credit.CreditRecord",
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("credit record"),
    )
    rectification_order = models.ForeignKey(
        "supervision.RectificationOrder",
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rectification order"),
    )
    cancel_reason = models.TextField(_("why cancelled"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("planned by"),
    )
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    # Indexes are planned (a draw inserts thousands of rows at once): the composite ones below serve the
    # lists, the agency / enterprise / campaign foreign keys lead one of them, and only the inspectors'
    # keys (my tasks, conflicts) keep their own.
    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(fields=["agency", "state", "due_on"]),
            models.Index(fields=["enterprise", "state"]),
            models.Index(fields=["campaign", "draw_position"]),
            # the dashboard's inspections completed in a period, for all agencies (oversight panel
            # `verification_methods`); one agency's go through (agency, state, due_on)
            models.Index(fields=["state", "inspected_on"], name="inspection_state_done_on"),
        ]
        constraints = [
            models.CheckConstraint(
                name="two_distinct_inspectors",
                condition=~models.Q(lead_inspector=models.F("second_inspector")),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def inspector_ids(self) -> tuple[int, int]:
        return (self.lead_inspector_id, self.second_inspector_id)

    @property
    def public_summary(self) -> str:
        """The result as published (一公开): no names of people, only what was found and what followed."""
        from django.utils.translation import gettext, ngettext

        if self.state == self.State.CANCELLED:
            return gettext("Not inspected (cancelled)")
        if self.state == self.State.PLANNED:
            return gettext("Not yet inspected")
        if self.result == self.Result.COMPLIANT:
            return gettext("No problem found")
        count = getattr(self, "findings", None)
        text = (
            ngettext("%(n)d problem found", "%(n)d problems found", count) % {"n": count}
            if count is not None
            else gettext("Problems found")
        )
        if self.rectification_order_id:
            if self.rectification_order.state == "resolved":
                text += gettext("; rectified")
            else:
                text += gettext("; rectification ordered")
        return text

    @transition(field=state, source=State.PLANNED, target=State.COMPLETED)
    def complete(self):
        pass

    @transition(field=state, source=State.PLANNED, target=State.CANCELLED)
    def cancel(self):
        pass


class ItemResult(models.Model):
    """One checklist point of an inspection: all right, or a finding with its severity."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Meets the requirement")
        FINDING = "finding", _("Finding")

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="items", verbose_name=_("inspection")
    )
    checklist_item = models.ForeignKey(
        ChecklistItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checklist item"),
    )
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Grade.choices, blank=True)
    text = models.TextField(_("finding"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["inspection", "position", "id"]
        verbose_name = _("checklist result")
        verbose_name_plural = _("checklist results")
        constraints = [
            models.CheckConstraint(
                name="finding_has_severity",
                condition=(
                    models.Q(outcome="ok", severity="")
                    | (models.Q(outcome="finding") & ~models.Q(severity=""))
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.checklist_item or '—'} · {self.get_outcome_display()}"


class PenaltyReferral(ConcurrentTransitionMixin, models.Model):
    """Findings that call for a penalty case (行政处罚): the penalties app takes it up and files a case."""

    class State(models.TextChoices):
        OPEN = "open", _("Awaiting a case decision")
        TAKEN = "taken", _("Case filed")
        DECLINED = "declined", _("No case filed")

    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="penalty_referrals",
        verbose_name=_("enterprise"),
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    inspection = models.ForeignKey(
        Inspection,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_referrals",
        verbose_name=_("inspection"),
    )
    source_type = models.CharField(_("source"), max_length=30)
    source_id = models.CharField(_("source id"), max_length=40)
    reason = models.TextField(_("reason"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by")
    )
    referred_at = models.DateTimeField(_("referred at"), auto_now_add=True)
    state = FSMField(_("state"), default=State.OPEN, choices=State.choices, protected=True, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    case_reference = models.CharField(_("case reference"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-referred_at", "-id"]
        verbose_name = _("penalty referral")
        verbose_name_plural = _("penalty referrals")
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id"], name="one_referral_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.source_type} {self.source_id}"

    @transition(field=state, source=State.OPEN, target=State.TAKEN)
    def take(self):
        pass

    @transition(field=state, source=State.OPEN, target=State.DECLINED)
    def decline(self):
        pass


class ListKind(models.TextChoices):
    """三清单 (seed 002)."""

    DOUBTFUL = "doubtful", _("Doubtful at licence review (许可审查存疑)")
    COMPLAINED = "complained", _("Complained about or reported (被投诉举报)")
    DISHONEST = "dishonest", _("Dishonest enterprises (失信企业)")


class ThreeListEntry(ConcurrentTransitionMixin, models.Model):
    """An enterprise on one of the three lists: dynamic (it leaves when resolved; the row stays as history)."""

    class State(models.TextChoices):
        LISTED = "listed", _("Listed, no plan yet")
        SUPERVISING = "supervising", _("Under supervision")
        RESOLVED = "resolved", _("Resolved, off the list")

    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="three_list_entries",
        verbose_name=_("enterprise"),
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    list_kind = models.CharField(_("list"), max_length=12, choices=ListKind.choices)
    reason = models.TextField(_("reason"))
    source_type = models.CharField(_("source"), max_length=30, blank=True)
    source_id = models.CharField(_("source id"), max_length=40, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="three_list_entries",
        verbose_name=_("responsible officer"),
    )
    supervision_plan = models.TextField(_("supervision plan"), blank=True)
    plan_due = models.DateField(_("plan due by"), null=True, blank=True)
    state = FSMField(_("status"), default=State.LISTED, choices=State.choices, protected=True, db_index=True)
    listed_at = models.DateTimeField(_("listed at"), auto_now_add=True)
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("listed by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        ordering = ["-listed_at", "-id"]
        verbose_name = _("three-list entry")
        verbose_name_plural = _("three-list entries")
        indexes = [models.Index(fields=["agency", "list_kind", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "list_kind"],
                condition=~models.Q(state="resolved"),
                name="one_open_entry_per_list",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_list_kind_display()} · {self.enterprise}"

    SOURCES = {
        "credit": _("Credit tier (synchronised)"),
        "complaint": _("Complaint or report"),
        "application": _("Licence application review"),
        "inspection": _("Inspection"),
    }

    @property
    def source_display(self) -> str:
        label = self.SOURCES.get(self.source_type, self.source_type)
        return f"{label} {self.source_id}".strip() if self.source_type != "credit" else str(label)

    @transition(field=state, source=[State.LISTED, State.SUPERVISING], target=State.SUPERVISING)
    def plan(self):
        pass

    @transition(field=state, source=[State.LISTED, State.SUPERVISING], target=State.RESOLVED)
    def resolve(self):
        pass


class Complaint(ConcurrentTransitionMixin, models.Model):
    """A complaint or report (投诉举报) about an enterprise, from the public or registered by an officer.
    The complainant's name and contact are personal data: shown to officers of the agency only."""

    class Channel(models.TextChoices):
        PUBLIC = "public", _("Submitted online by the public")
        OFFICER = "officer", _("Registered by an officer")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received, to be examined")
        ACCEPTED = "accepted", _("Accepted: enterprise put on the list")
        DISMISSED = "dismissed", _("Dismissed")

    number = models.CharField(_("complaint number"), max_length=40, unique=True)
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("enterprise"),
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    content = models.TextField(_("what is complained about"))
    complainant_name = models.CharField(_("complainant"), max_length=50, blank=True)
    complainant_contact = models.CharField(_("complainant's contact"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    state = FSMField(_("state"), default=State.RECEIVED, choices=State.choices, protected=True, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("examined by"),
    )
    handled_at = models.DateTimeField(_("examined at"), null=True, blank=True)
    note = models.TextField(_("examination note"), blank=True)
    entry = models.ForeignKey(
        ThreeListEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("list entry"),
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return self.number

    @transition(field=state, source=State.RECEIVED, target=State.ACCEPTED)
    def accept(self):
        pass

    @transition(field=state, source=State.RECEIVED, target=State.DISMISSED)
    def dismiss(self):
        pass


class SelfInspectionCampaign(ConcurrentTransitionMixin, models.Model):
    """年度自查: the agency asks its licence holders for an annual self-inspection report; the reports
    are verified by tier (seed 003 item 14) with a reproducible spot-check draw."""

    class State(models.TextChoices):
        OPEN = "open", _("Open for reports")
        VERIFYING = "verifying", _("Verification sample drawn")

    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="self_inspection_campaigns",
        verbose_name=_("agency"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    due_on = models.DateField(_("reports due by"))
    verify_due_on = models.DateField(_("verification due by"))
    spot_check_rate = models.PositiveSmallIntegerField(_("spot-check rate for 守信 (%)"), default=20)
    state = FSMField(_("state"), default=State.OPEN, choices=State.choices, protected=True, db_index=True)
    seed = models.CharField(_("random seed (hex)"), max_length=64, blank=True)
    algorithm_version = models.CharField(_("algorithm version"), max_length=40, blank=True)
    inputs_json = models.TextField(_("draw inputs (canonical JSON)"), blank=True)
    inputs_sha256 = models.CharField(_("SHA-256 of the inputs"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "agency"]
        verbose_name = _("self-inspection campaign")
        verbose_name_plural = _("self-inspection campaigns")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="one_self_inspection_per_year")
        ]

    def __str__(self) -> str:
        return self.title

    @transition(field=state, source=State.OPEN, target=State.VERIFYING)
    def draw(self):
        pass

    @property
    def inputs(self) -> dict | None:
        return json.loads(self.inputs_json) if self.inputs_json else None


class SelfInspectionReport(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        NOT_VERIFIED = "not_verified", _("Not verified (policy or not sampled)")
        PENDING = "pending", _("To be verified")
        CONFIRMED = "confirmed", _("Verified: matches")
        DISCREPANCY = "discrepancy", _("Verified: does not match")

    campaign = models.ForeignKey(
        SelfInspectionCampaign, on_delete=models.PROTECT, related_name="reports", verbose_name=_("campaign")
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        related_name="self_inspection_reports",
        verbose_name=_("enterprise"),
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    summary = models.TextField(_("summary of the self-inspection"))
    attachment = models.FileField(_("attachment (PDF)"), upload_to="self_inspection/%Y/", blank=True)
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)
    attachment_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    tier_at_submission = models.CharField(_("credit tier"), max_length=24, choices=Tier.choices)
    verification_mode = models.CharField(
        _("verification (credit policy)"), max_length=12, choices=SelfInspectionVerification.choices
    )
    state = FSMField(
        _("state"), default=State.SUBMITTED, choices=State.choices, protected=True, db_index=True
    )
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verifier"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    discrepancy_severity = models.CharField(
        _("severity of the discrepancy"), max_length=8, choices=Grade.choices, blank=True
    )

    class Meta:
        ordering = ["campaign", "enterprise__name"]
        verbose_name = _("self-inspection report")
        verbose_name_plural = _("self-inspection reports")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "enterprise"], name="one_report_per_campaign")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.enterprise}"

    @transition(field=state, source=State.SUBMITTED, target=State.PENDING)
    def select(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.NOT_VERIFIED)
    def pass_over(self):
        pass

    @transition(field=state, source=State.PENDING, target=State.CONFIRMED)
    def confirm(self):
        pass

    @transition(field=state, source=State.PENDING, target=State.DISCREPANCY)
    def find_discrepancy(self):
        pass


class SelfInspectionAnswer(models.Model):
    report = models.ForeignKey(
        SelfInspectionReport, on_delete=models.CASCADE, related_name="answers", verbose_name=_("report")
    )
    checklist_item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("checklist item")
    )
    compliant = models.BooleanField(_("meets the requirement"))
    note = models.TextField(_("explanation"), blank=True)

    class Meta:
        ordering = ["report", "checklist_item__position"]
        verbose_name = _("self-inspection answer")
        verbose_name_plural = _("self-inspection answers")
        constraints = [
            models.UniqueConstraint(fields=["report", "checklist_item"], name="one_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.checklist_item}: {self.compliant}"
