"""Demo data for field supervision (idempotent): a drawn and partly inspected campaign, entries on each
of the three lists, a complaint, a conflict declaration and an open self-inspection."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from inspections import services
from inspections.models import (
    Campaign,
    ChecklistItem,
    Complaint,
    ConflictDeclaration,
    Inspection,
    ItemResult,
    ListKind,
    SelfInspectionCampaign,
    SelfInspectionReport,
    ThreeListEntry,
)

CAMPAIGN_NAME = "承装（修、试）电力设施许可证持证企业“双随机、一公开”检查（演示）"
DEMO_SEED = "5eed0002" * 4


def _ensure_licences(enterprises: dict) -> None:
    """The draw needs licence holders. licensing.demo normally creates them; when it has not (a partial
    demo), give the southern demo enterprises a facility licence so the campaign has a population."""
    from licensing.models import Level, Licence, LicenceScope, LicenceStatus

    level = Level.objects.filter(scheme__code="NDRC-36-2020", code="4").first()
    today = timezone.localdate()
    for serial, key in enumerate(("good", "trust", "dishonest", "serious", "gx", "hn"), start=1):
        enterprise = enterprises.get(key)
        if enterprise is None or enterprise.licences.filter(status=LicenceStatus.VALID).exists():
            continue
        licence = Licence.objects.create(
            number=f"DEMO-INS-{serial:03d}",
            licence_type="facility",
            enterprise=enterprise,
            agency=enterprise.agency,
            issued_on=today - dt.timedelta(days=400),
            valid_from=today - dt.timedelta(days=400),
            valid_until=today + dt.timedelta(days=365 * 5),
        )
        if level is not None:
            LicenceScope.objects.create(licence=licence, category="install", level=level)


def _ensure_dishonest(enterprises: dict) -> None:
    """The dishonest list follows credit; when credit.demo gave no one a dishonest tier, record one
    dishonest behaviour through the credit service so the list has an entry."""
    from credit.models import EnterpriseCredit
    from credit.services import credit_record_create

    if EnterpriseCredit.objects.filter(tier__in=["dishonest", "seriously_dishonest"]).exists():
        return
    enterprise = enterprises.get("dishonest")
    if enterprise is None:
        return
    credit_record_create(
        enterprise=enterprise,
        category="dishonest",
        grade="serious",
        title="未按规定报告许可条件变化（演示）",
        occurred_on=timezone.localdate() - dt.timedelta(days=30),
        source="demo",
        source_ref="inspections-demo-dishonest",
    )


def _record(inspection: Inspection, *, findings: bool) -> None:
    officer = inspection.lead_inspector
    items = []
    for item in ChecklistItem.objects.filter(kind=inspection.kind, active=True).order_by("position"):
        if findings and item.code in ("personnel", "personnel_docs"):
            items.append(
                services.ItemInput(
                    item.pk,
                    ItemResult.Outcome.FINDING,
                    "minor",
                    "技术工人2人社保未在本单位缴纳，不满足许可条件。",
                )
            )
        else:
            items.append(services.ItemInput(item.pk, ItemResult.Outcome.OK))
    video = None
    if inspection.kind == "video":
        now = timezone.now()
        video = services.VideoInput(
            now - dt.timedelta(hours=1),
            now,
            "企业技术负责人、安全负责人",
            "人员身份及证书原件",
            "VID-DEMO-001",
        )
    services.inspection_record(
        inspection=inspection,
        officer=officer,
        inspected_on=timezone.localdate(),
        summary="按检查清单逐项核查。"
        + ("发现人员条件不满足，责令限期整改。" if findings else "未发现问题。"),
        items=items,
        video=video,
        rectify_by=timezone.localdate() + dt.timedelta(days=30) if findings else None,
    )


def seed(ctx: dict) -> None:
    enterprises, users = ctx.get("enterprises", {}), ctx.get("users", {})
    officer, officer2, approver = users.get("nf_officer"), users.get("nf_officer2"), users.get("nf_approver")
    if officer is None or officer2 is None or approver is None:
        return
    today = timezone.localdate()
    _ensure_licences(enterprises)
    _ensure_dishonest(enterprises)

    if enterprises.get("hn") and not ConflictDeclaration.objects.filter(inspector=officer2).exists():
        services.conflict_declare(
            inspector=officer2,
            enterprise=enterprises["hn"],
            relation="former_employment",
            detail="2019年前曾在该企业任职",
            actor=officer,
        )

    campaign = Campaign.objects.filter(name=CAMPAIGN_NAME).first()
    if campaign is None:
        campaign = services.campaign_draw(
            officer=officer,
            name=CAMPAIGN_NAME,
            licence_type="facility",
            sample_rate=80,
            inspector_ids=[officer.pk, officer2.pk, approver.pk],
            due_on=today + dt.timedelta(days=60),
            seed=DEMO_SEED,
        )
        planned = list(campaign.inspections.order_by("draw_position"))
        for index, inspection in enumerate(planned[:2]):
            _record(inspection, findings=index == 1)

    if enterprises.get("gx") and not ThreeListEntry.objects.filter(list_kind=ListKind.DOUBTFUL).exists():
        services.three_list_add(
            enterprise=enterprises["gx"],
            list_kind=ListKind.DOUBTFUL,
            reason="许可审查中发现申报的2项工程业绩合同金额与备案信息不一致，存疑。",
            officer=officer,
            source_type="demo",
        )
    if enterprises.get("hn") and not Complaint.objects.exists():
        complaint = services.complaint_submit_public(
            enterprise=enterprises["hn"],
            content="该企业在某110千伏变电站工程中将承装业务违法分包给无资质的施工队。",
            complainant_name="",
            complainant_contact="",
        )
        services.complaint_examine(
            complaint=complaint,
            officer=officer,
            accept=True,
            note="举报线索具体，列入被投诉举报企业清单，开展问题监管。",
        )
    services.three_list_sync_dishonest()

    self_campaign = SelfInspectionCampaign.objects.filter(agency=officer.agency, year=today.year).first()
    if self_campaign is None:
        self_campaign = services.self_inspection_open(
            officer=officer,
            year=today.year,
            title=f"{today.year}年度承装（修、试）电力设施许可证持证企业自查",
            instructions="请对照自查清单逐项自查，如实填报。",
            due_on=today + dt.timedelta(days=30),
            verify_due_on=today + dt.timedelta(days=60),
        )
    checklist = list(ChecklistItem.objects.filter(kind="self", active=True).values_list("pk", flat=True))
    for username in ("ent_good", "ent_trust"):
        user = users.get(username)
        if (
            user is None
            or SelfInspectionReport.objects.filter(
                campaign=self_campaign, enterprise=user.enterprise
            ).exists()
        ):
            continue
        if user.enterprise.agency_id != self_campaign.agency_id:
            continue
        services.self_inspection_submit(
            campaign=self_campaign,
            actor=user,
            summary="本单位已对照自查清单逐项开展自查，许可条件持续满足。",
            answers={pk: (True, "") for pk in checklist},
        )
