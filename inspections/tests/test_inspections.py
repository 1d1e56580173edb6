"""Planning and recording inspections: checklists, findings, follow-up, credit records, key coverage."""

import datetime as dt

import pytest
from django.utils import timezone

from core.exceptions import ConflictError, DomainError, ForbiddenError
from credit.models import CreditRecord
from inspections import selectors, services
from inspections.models import ChecklistItem, Inspection, ItemResult, PenaltyReferral
from supervision.models import RectificationOrder

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def planned(holders, officer, officer2):
    enterprise = holders(1)[0]
    return services.inspection_plan(
        officer=officer,
        enterprise=enterprise,
        kind="on_site",
        origin="targeted",
        reason="专项检查：人员在岗情况",
        lead_inspector=officer,
        second_inspector=officer2,
        due_on=TODAY() + dt.timedelta(days=10),
        licence=enterprise.licences.first(),
    )


def answers(kind="on_site", findings=None):
    """Every checklist point of `kind` met, except {code: (severity, text)}."""
    findings = findings or {}
    out = []
    for item in ChecklistItem.objects.filter(kind=kind, active=True):
        if item.code in findings:
            severity, text = findings[item.code]
            out.append(services.ItemInput(item.pk, ItemResult.Outcome.FINDING, severity, text))
        else:
            out.append(services.ItemInput(item.pk, ItemResult.Outcome.OK))
    return out


def test_checklists_are_seeded_in_chinese():
    on_site = list(ChecklistItem.objects.filter(kind="on_site").values_list("text", flat=True))
    assert "人员在岗及资格" in on_site and "工程业绩真实性" in on_site and "机具设备" in on_site
    for kind in ("off_site", "video", "self"):
        assert ChecklistItem.objects.filter(kind=kind).count() >= 4


def test_compliant_inspection_becomes_a_neutral_credit_record(planned, officer):
    inspection = services.inspection_record(
        inspection=planned,
        officer=officer,
        inspected_on=TODAY(),
        summary="逐项检查，未发现问题。",
        items=answers(),
    )
    assert inspection.state == Inspection.State.COMPLETED and inspection.result == "compliant"
    assert inspection.tier_at_inspection == "trustworthy"
    record = CreditRecord.objects.get(source="inspection", source_ref=f"inspection-{inspection.pk}")
    assert record.category == "inspection" and record.grade == "" and inspection.credit_record == record
    assert inspection.items.count() == ChecklistItem.objects.filter(kind="on_site", active=True).count()


def test_findings_grade_the_record_by_the_worst_and_order_rectification(planned, officer2):
    inspection = services.inspection_record(
        inspection=planned,
        officer=officer2,
        inspected_on=TODAY(),
        summary="发现问题。",
        items=answers(
            findings={
                "personnel": ("minor", "2名技术工人社保不在本单位"),
                "equipment": ("serious", "缺少绝缘电阻测试仪"),
            }
        ),
        rectify_by=TODAY() + dt.timedelta(days=30),
    )
    assert inspection.result == "short" and inspection.worst_severity == "serious"
    assert inspection.credit_record.grade == "serious"
    order = RectificationOrder.objects.get(source="inspection", source_id=str(inspection.pk))
    assert inspection.rectification_order == order and "绝缘电阻测试仪" in order.findings
    assert order.licence_id == planned.licence_id


def test_findings_can_be_referred_for_a_penalty(planned, officer):
    inspection = services.inspection_record(
        inspection=planned,
        officer=officer,
        inspected_on=TODAY(),
        summary="发现出借许可证。",
        items=answers(findings={"licence_use": ("severe", "将许可证出借给其他单位使用")}),
        refer_penalty=True,
        penalty_reason="涉嫌出借许可证，建议立案。",
    )
    referral = PenaltyReferral.objects.get(source_type="inspection", source_id=str(inspection.pk))
    assert referral.state == "open" and referral.inspection == inspection
    assert inspection.credit_record.grade == "severe"


def test_findings_without_follow_up_are_refused(planned, officer):
    with pytest.raises(DomainError) as exc:
        services.inspection_record(
            inspection=planned,
            officer=officer,
            inspected_on=TODAY(),
            summary="x",
            items=answers(findings={"personnel": ("minor", "人员不足")}),
        )
    assert exc.value.code == "follow_up_required"
    planned.refresh_from_db()
    assert (
        planned.state == "planned" and not ItemResult.objects.exists() and not CreditRecord.objects.exists()
    )


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda items: items[:-1], "items"),  # a point missing
        (lambda items: [*items, items[0]], "items"),  # a point twice
        (
            lambda items: [services.ItemInput(items[0].checklist_item_id, "finding", "", "x"), *items[1:]],
            "items",
        ),
        (
            lambda items: [
                services.ItemInput(items[0].checklist_item_id, "finding", "minor", ""),
                *items[1:],
            ],
            "items",
        ),
        (lambda items: [*items, services.ItemInput(None, "ok")], "items"),
    ],
)
def test_bad_checklists_are_refused(planned, officer, mutate, field):
    with pytest.raises(DomainError) as exc:
        services.inspection_record(
            inspection=planned,
            officer=officer,
            inspected_on=TODAY(),
            summary="x",
            items=mutate(answers()),
            rectify_by=TODAY() + dt.timedelta(days=5),
        )
    assert exc.value.field in (field, "rectify_by")
    assert not ItemResult.objects.exists()


def test_future_date_and_empty_summary_are_refused(planned, officer):
    with pytest.raises(DomainError):
        services.inspection_record(
            inspection=planned,
            officer=officer,
            inspected_on=TODAY() + dt.timedelta(days=1),
            summary="x",
            items=answers(),
        )
    with pytest.raises(DomainError):
        services.inspection_record(
            inspection=planned, officer=officer, inspected_on=TODAY(), summary=" ", items=answers()
        )


def test_video_verification_records_its_facts(planned, officer):
    with pytest.raises(DomainError) as exc:
        services.inspection_record(
            inspection=planned,
            officer=officer,
            inspected_on=TODAY(),
            summary="视频核验",
            items=answers("video"),
            kind="video",
        )
    assert exc.value.field == "video"
    now = timezone.now()
    inspection = services.inspection_record(
        inspection=planned,
        officer=officer,
        inspected_on=TODAY(),
        summary="视频核验人员在岗情况",
        items=answers("video"),
        kind="video",
        video=services.VideoInput(
            now - dt.timedelta(minutes=40),
            now,
            "技术负责人李某、安全负责人王某",
            "身份证件、资格证书原件",
            "REC-2026-0001",
        ),
    )
    assert inspection.kind == "video" and inspection.video_recording_ref == "REC-2026-0001"


def test_only_the_two_inspectors_record(planned, approver, far_officer):
    for user in (approver, far_officer):
        with pytest.raises(ForbiddenError):
            services.inspection_record(
                inspection=planned, officer=user, inspected_on=TODAY(), summary="x", items=answers()
            )


def test_a_completed_inspection_cannot_be_recorded_again(planned, officer):
    services.inspection_record(
        inspection=planned, officer=officer, inspected_on=TODAY(), summary="x", items=answers()
    )
    with pytest.raises(ConflictError):
        services.inspection_record(
            inspection=planned, officer=officer, inspected_on=TODAY(), summary="x", items=answers()
        )


def test_a_conflict_declared_after_planning_blocks_recording(planned, officer):
    services.conflict_declare(
        inspector=officer, enterprise=planned.enterprise, relation="kinship", detail="", actor=officer
    )
    with pytest.raises(DomainError) as exc:
        services.inspection_record(
            inspection=planned, officer=officer, inspected_on=TODAY(), summary="x", items=answers()
        )
    assert exc.value.code == "conflict_of_interest"


# --- planning ad hoc inspections ---------------------------------------------------------------------------------------
def plan(enterprise, officer, lead, second, **overrides):
    params = {
        "officer": officer,
        "enterprise": enterprise,
        "kind": "on_site",
        "origin": "problem",
        "reason": "举报线索核查",
        "lead_inspector": lead,
        "second_inspector": second,
        "due_on": TODAY() + dt.timedelta(days=7),
    }
    params.update(overrides)
    return services.inspection_plan(**params)


def test_an_officer_may_not_put_themselves_on_an_enterprise_they_are_related_to(holders, officer, officer2):
    enterprise = holders(1)[0]
    services.conflict_declare(
        inspector=officer, enterprise=enterprise, relation="former_employment", detail="", actor=officer
    )
    with pytest.raises(DomainError) as exc:
        plan(enterprise, officer, officer, officer2)
    assert exc.value.code == "conflict_of_interest" and not Inspection.objects.exists()


def test_campaign_assignments_come_only_from_a_draw(holders, officer, officer2):
    with pytest.raises(DomainError) as exc:
        plan(holders(1)[0], officer, officer, officer2, origin="campaign")
    assert exc.value.code == "draw_only" and not Inspection.objects.exists()


def test_ad_hoc_needs_two_different_inspectors_of_the_agency(holders, officer, far_officer, enterprise_user):
    enterprise = holders(1)[0]
    for lead, second in ((officer, officer), (officer, far_officer), (officer, enterprise_user)):
        with pytest.raises(DomainError):
            plan(enterprise, officer, lead, second)
    assert not Inspection.objects.exists()


def test_another_agency_may_not_plan(holders, far_officer, officer, officer2):
    with pytest.raises(ForbiddenError):
        plan(holders(1)[0], far_officer, officer, officer2)


def test_cancel_needs_a_reason(planned, officer):
    with pytest.raises(DomainError):
        services.inspection_cancel(inspection=planned, officer=officer, reason="")
    inspection = services.inspection_cancel(inspection=planned, officer=officer, reason="企业已注销")
    assert inspection.state == "cancelled"
    with pytest.raises(ConflictError):
        services.inspection_cancel(inspection=planned, officer=officer, reason="again")


# --- 严重失信: on-site every year -----------------------------------------------------------------------------------
def test_key_coverage_counts_on_site_inspections_of_the_year(holders, officer, officer2):
    covered, missing = holders(2, tier="seriously_dishonest")
    holders(3, tier="dishonest")
    inspection = plan(covered, officer, officer, officer2, origin="key")
    services.inspection_record(
        inspection=inspection, officer=officer, inspected_on=TODAY(), summary="x", items=answers()
    )
    off_site = plan(missing, officer, officer, officer2, origin="key", kind="off_site")
    services.inspection_record(
        inspection=off_site, officer=officer, inspected_on=TODAY(), summary="x", items=answers("off_site")
    )
    coverage = selectors.key_coverage(officer)
    assert coverage.tiers == ["seriously_dishonest"]
    assert (coverage.total, coverage.covered) == (2, 1)
    assert [e.pk for e in coverage.missing] == [missing.pk]
    last_year = selectors.key_coverage(officer, TODAY().year - 1)
    assert last_year.covered == 0 and last_year.total == 2


def test_key_coverage_is_scoped(holders, far_officer, nea_supervisor):
    holders(2, tier="seriously_dishonest")
    assert selectors.key_coverage(far_officer).total == 0
    assert selectors.key_coverage(nea_supervisor).total == 2
