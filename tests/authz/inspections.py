"""Authorization matrix entries of the inspections app (pages under /inspections/, public pages under
/public/inspections/, API under /api/v1/inspections/) and the builder of its objects (a drawn and
published 双随机 campaign, a recorded ad hoc inspection, a three-list entry, a complaint, a penalty
referral, a conflict declaration, a self-inspection campaign and a submitted self-inspection report).

The access rules, as inspections/views.py and inspections/api.py state them (READERS = officer,
approver, supervisor, admin; STAFF = officer, approver):
- pages and lists: READERS (the matrix's STAFF); inspections and self-inspection lists, inspection and
  self-report details also the enterprise (its own; a planned inspection is not shown to it);
- actions (draw, plan, record, cancel, publish, lists, complaints, referrals, self-inspection draw and
  verification): officer/approver of the object's agency; conflicts: the administrator may also
  withdraw (page and API) and declare through the API (which names the enterprise);
- submitting a self-inspection report: the enterprise, to a campaign of its own agency;
- public pages: everyone; a campaign is public once published.

Campaigns, list entries, complaints, referrals, conflicts and self-inspection campaigns belong to an
agency (core.scoping with enterprise_field=None): the enterprise never reaches them, which is what
`reaches()` expects for roles that do not include the enterprise.
"""

from __future__ import annotations

from tests.authz_matrix import (  # noqa: F401 (the brief's common import list)
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

E = ENTERPRISE
READERS = STAFF  # the app's READERS: officer, approver, supervisor, admin
ACTORS = CASEWORKERS  # the app's STAFF: officer, approver


class OwnEnterpriseId:
    """`problems/<int:enterprise_id>/` names its id `enterprise_id`, and url_for only fills `pk` from
    `obj`: the URL is checked for the enterprise user's own enterprise (agency 南方), whose id is looked up
    when the URL is reversed. (Another agency's officer is refused — checked in inspections/tests.)"""

    def __str__(self) -> str:
        from accounts.models import Enterprise

        return str(Enterprise.objects.get(users__username="mx_clerk").pk)


OWN_ENTERPRISE = {"enterprise_id": OwnEnterpriseId()}

ENTRIES: dict[str, Entry] = {
    # --- pages ----------------------------------------------------------------------------------
    "inspections:home": Entry(READERS),
    "inspections:campaigns": Entry(READERS),
    "inspections:campaign-new": Entry(ACTORS),
    "inspections:campaign": Entry(READERS, obj="campaign"),
    "inspections:campaign-verify": Entry(READERS, obj="campaign"),
    "inspections:campaign-inputs": Entry(READERS, obj="campaign"),
    "inspections:campaign-publish": Entry(ACTORS, obj="campaign", method="POST"),
    "inspections:inspections": Entry(LOGGED_IN, note="the enterprise sees its own completed inspections"),
    "inspections:inspection-new": Entry(ACTORS),
    "inspections:inspection": Entry(LOGGED_IN, obj="inspection"),
    "inspections:inspection-record": Entry(
        ACTORS, obj="inspection", note="a completed inspection redirects to its page"
    ),
    "inspections:inspection-cancel": Entry(ACTORS, obj="inspection", method="POST"),
    "inspections:key-coverage": Entry(READERS),
    "inspections:three-lists": Entry(READERS),
    "inspections:three-list-new": Entry(ACTORS),
    "inspections:three-list-entry": Entry(READERS, obj="three_list_entry"),
    "inspections:complaints": Entry(READERS),
    "inspections:complaint-new": Entry(ACTORS),
    "inspections:complaint": Entry(READERS, obj="complaint"),
    "inspections:referrals": Entry(READERS),
    "inspections:conflicts": Entry(READERS),
    "inspections:conflict-withdraw": Entry(roles(OFFICER, APPROVER, ADMIN), obj="conflict", method="POST"),
    "inspections:problems": Entry(READERS),
    "inspections:problem": Entry(
        READERS, kwargs=OWN_ENTERPRISE, note="the own enterprise only; see OwnEnterpriseId"
    ),
    "inspections:self-list": Entry(LOGGED_IN),
    "inspections:self-new": Entry(ACTORS),
    "inspections:self-campaign": Entry(READERS, obj="self_campaign"),
    "inspections:self-submit": Entry(
        roles(E), obj="self_campaign_to_submit", note="see build(): a campaign belongs to an agency"
    ),
    "inspections:self-report": Entry(LOGGED_IN, obj="self_report"),
    "inspections:self-report-attachment": Entry(LOGGED_IN, obj="self_report"),
    "inspections:tasks": Entry(ACTORS),
    # --- public pages ---------------------------------------------------------------------------
    "public_inspections:home": Entry(EVERYONE),
    "public_inspections:campaign": Entry(EVERYONE, obj="campaign", scoped=False, note="published"),
    "public_inspections:verify": Entry(EVERYONE, obj="campaign", scoped=False),
    "public_inspections:inputs": Entry(EVERYONE, obj="campaign", scoped=False),
    "public_inspections:complaint": Entry(EVERYONE),
    "public_inspections:complaint-thanks": Entry(EVERYONE),
    # --- API ------------------------------------------------------------------------------------
    "api-campaigns": Entry(READERS),
    "api-campaign-draw": Entry(ACTORS, method="POST"),
    "api-campaign": Entry(READERS, obj="campaign"),
    "api-campaign-targets": Entry(READERS, obj="campaign"),
    "api-campaign-verify": Entry(READERS, obj="campaign", method="POST", note="read-only re-run of the draw"),
    "api-campaign-publish": Entry(ACTORS, obj="campaign", method="POST"),
    "api-checklists": Entry(LOGGED_IN),
    "api-inspections": Entry(LOGGED_IN, note="the enterprise sees its own completed inspections"),
    "api-inspection-plan": Entry(ACTORS, method="POST"),
    "api-inspection": Entry(LOGGED_IN, obj="inspection"),
    "api-inspection-record": Entry(ACTORS, obj="inspection", method="POST"),
    "api-inspection-cancel": Entry(ACTORS, obj="inspection", method="POST"),
    "api-key-coverage": Entry(READERS),
    "api-tasks": Entry(ACTORS),
    "api-three-lists": Entry(READERS),
    "api-three-list-add": Entry(ACTORS, method="POST"),
    "api-three-list-plan": Entry(ACTORS, obj="three_list_entry", method="POST"),
    "api-three-list-resolve": Entry(ACTORS, obj="three_list_entry", method="POST"),
    "api-complaints": Entry(READERS),
    "api-complaint-register": Entry(ACTORS, method="POST"),
    "api-complaint-examine": Entry(ACTORS, obj="complaint", method="POST"),
    "api-problems": Entry(
        READERS, kwargs=OWN_ENTERPRISE, note="the own enterprise only; see OwnEnterpriseId"
    ),
    "api-conflicts": Entry(READERS),
    "api-conflict-declare": Entry(roles(OFFICER, APPROVER, ADMIN), method="POST"),
    "api-conflict-withdraw": Entry(roles(OFFICER, APPROVER, ADMIN), obj="conflict", method="POST"),
    "api-referrals": Entry(READERS),
    "api-referral-take": Entry(ACTORS, obj="referral", method="POST"),
    "api-referral-decline": Entry(ACTORS, obj="referral", method="POST"),
    "api-self-submit": Entry(roles(E), obj="self_campaign_to_submit", method="POST"),
    "api-self-draw": Entry(ACTORS, obj="self_campaign", method="POST"),
    "api-self-reports": Entry(READERS, obj="self_campaign"),
    "api-self-verify": Entry(ACTORS, obj="self_report", method="POST"),
}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build(ctx) -> dict:
    """Per variant, for the enterprise's agency: a campaign drawn by two fresh inspectors (one target, cancelled) and published; an
    ad hoc on-site inspection of the enterprise planned and recorded (completed, so its enterprise sees
    it); a 疑点 list entry, a complaint, a penalty referral and a conflict declaration of the approver; a
    self-inspection campaign (year per variant: one per agency a year) with the enterprise's report
    (with a PDF).

    A self-inspection campaign belongs to an agency, so the own enterprise may submit to the
    other_enterprise variant's campaign (same agency 南方): `self_campaign_to_submit` is, for that variant,
    a campaign of 华北 instead — the other_enterprise row then checks that an enterprise cannot submit
    outside its agency."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.models import Agency
    from inspections import services
    from inspections.models import ChecklistItem, ItemResult, ListKind, SelfInspectionCampaign
    from tests.factories import UserFactory

    today = timezone.localdate()
    variant = ctx["variant"]
    enterprise, officer, approver, clerk = ctx["enterprise"], ctx["officer"], ctx["approver"], ctx["clerk"]
    tag = f"authz-matrix-{variant}"

    # a fresh pair of inspectors: the pool must be free of conflicts for every holder of the agency
    pool = [
        UserFactory(username=f"mx_insp_{variant}_{i}", role="officer", agency=enterprise.agency)
        for i in (1, 2)
    ]
    campaign = services.campaign_draw(
        officer=officer,
        name=f"矩阵测试双随机 {variant}",
        licence_type=ctx["objects"]["licence"].licence_type,
        inspector_ids=[u.pk for u in pool],
        due_on=today + dt.timedelta(days=30),
        sample_size=1,
        seed=f"{len(variant):02d}" * 16,
    )
    for target in campaign.inspections.all():
        services.inspection_cancel(inspection=target, officer=officer, reason="矩阵测试")
    campaign = services.campaign_publish(campaign=campaign, officer=officer)

    inspection = services.inspection_plan(
        officer=officer,
        enterprise=enterprise,
        kind="on_site",
        origin="targeted",
        reason="矩阵测试专项检查",
        lead_inspector=officer,
        second_inspector=approver,
        due_on=today + dt.timedelta(days=10),
        licence=ctx["objects"]["licence"],
    )
    inspection = services.inspection_record(
        inspection=inspection,
        officer=officer,
        inspected_on=today,
        summary="逐项检查，未发现问题。",
        items=[
            services.ItemInput(pk, ItemResult.Outcome.OK)
            for pk in ChecklistItem.objects.filter(kind="on_site", active=True).values_list("pk", flat=True)
        ],
    )
    entry = services.three_list_add(
        enterprise=enterprise, list_kind=ListKind.DOUBTFUL, reason="矩阵测试疑点", officer=officer
    )
    complaint = services.complaint_register(
        officer=officer, enterprise=enterprise, content="矩阵测试：来电反映该企业人员不足。"
    )
    referral = services.penalty_referral_create(
        enterprise=enterprise, officer=officer, reason="矩阵测试移送", source_type="test", source_id=tag
    )
    conflict = services.conflict_declare(
        inspector=approver, enterprise=enterprise, relation="other", detail="矩阵测试", actor=officer
    )

    year = today.year + 10 + (1 if variant == "other_enterprise" else 0)
    self_campaign = services.self_inspection_open(
        officer=officer,
        year=year,
        title=f"矩阵测试年度自查 {variant}",
        due_on=today + dt.timedelta(days=30),
        verify_due_on=today + dt.timedelta(days=60),
    )
    report = services.self_inspection_submit(
        campaign=self_campaign,
        actor=clerk,
        summary="已逐项自查。",
        answers={
            pk: (True, "")
            for pk in ChecklistItem.objects.filter(kind="self", active=True).values_list("pk", flat=True)
        },
        attachment=SimpleUploadedFile(f"{tag}.pdf", PDF, content_type="application/pdf"),
    )
    to_submit = self_campaign
    if variant == "other_enterprise":
        to_submit = SelfInspectionCampaign.objects.create(
            agency=Agency.objects.get(code="HB"),
            year=today.year + 12,
            title="矩阵测试年度自查（华北）",
            due_on=today + dt.timedelta(days=30),
            verify_due_on=today + dt.timedelta(days=60),
            spot_check_rate=20,
            created_by=officer,
        )
    return {
        "campaign": campaign,
        "inspection": inspection,
        "three_list_entry": entry,
        "complaint": complaint,
        "referral": referral,
        "conflict": conflict,
        "self_campaign": self_campaign,
        "self_campaign_to_submit": to_submit,
        "self_report": report,
    }
