"""年度自查: reports with an answer per point and a PDF checked by content; verification by tier (item 14)
with a reproducible spot-check."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.exceptions import ConflictError, DomainError, ForbiddenError
from inspections import draw, services
from inspections.models import ChecklistItem, SelfInspectionCampaign, SelfInspectionReport
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def campaign(officer):
    return services.self_inspection_open(
        officer=officer,
        year=TODAY().year,
        title="年度自查",
        due_on=TODAY() + dt.timedelta(days=30),
        verify_due_on=TODAY() + dt.timedelta(days=60),
        spot_check_rate=50,
    )


def all_met():
    return {
        pk: (True, "")
        for pk in ChecklistItem.objects.filter(kind="self", active=True).values_list("pk", flat=True)
    }


def reporter(enterprise):
    return UserFactory(username=f"clerk{enterprise.pk}", role="enterprise", enterprise=enterprise)


def submit(campaign, enterprise, **kwargs):
    params = {
        "campaign": campaign,
        "actor": reporter(enterprise),
        "summary": "已逐项自查。",
        "answers": all_met(),
    }
    params.update(kwargs)
    return services.self_inspection_submit(**params)


def test_open_refusals(officer, supervisor):
    with pytest.raises(ForbiddenError):
        services.self_inspection_open(
            officer=supervisor,
            year=2026,
            title="x",
            due_on=TODAY() + dt.timedelta(days=3),
            verify_due_on=TODAY() + dt.timedelta(days=9),
        )
    with pytest.raises(DomainError):
        services.self_inspection_open(
            officer=officer,
            year=2026,
            title="x",
            due_on=TODAY() + dt.timedelta(days=9),
            verify_due_on=TODAY() + dt.timedelta(days=3),
        )


def test_one_campaign_a_year(campaign, officer):
    with pytest.raises(DomainError) as exc:
        services.self_inspection_open(
            officer=officer,
            year=campaign.year,
            title="x",
            due_on=TODAY() + dt.timedelta(days=3),
            verify_due_on=TODAY() + dt.timedelta(days=9),
        )
    assert exc.value.code == "duplicate"


def test_holders_are_notified(holders, officer):
    from core.models import Notification

    enterprise = holders(1)[0]
    user = reporter(enterprise)
    services.self_inspection_open(
        officer=officer,
        year=2031,
        title="x",
        due_on=TODAY() + dt.timedelta(days=3),
        verify_due_on=TODAY() + dt.timedelta(days=9),
    )
    assert Notification.objects.filter(user=user).exists()


def test_submit_with_a_pdf(holders, campaign):
    enterprise = holders(1, tier="good")[0]
    report = submit(
        campaign, enterprise, attachment=SimpleUploadedFile("自查报告.pdf", PDF, "application/pdf")
    )
    assert report.tier_at_submission == "good" and report.verification_mode == "none"
    assert report.attachment_sha256 and report.attachment_name == "自查报告.pdf"
    assert report.answers.count() == len(all_met())


def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(holders, campaign):
    enterprise = holders(1)[0]
    with pytest.raises(DomainError) as exc:
        submit(campaign, enterprise, attachment=SimpleUploadedFile("report.pdf", PNG, "application/pdf"))
    assert exc.value.code == "bad_file_type" and not SelfInspectionReport.objects.exists()


def test_incomplete_or_unexplained_answers_are_refused(holders, campaign):
    enterprise = holders(1)[0]
    answers = all_met()
    answers.popitem()
    with pytest.raises(DomainError):
        submit(campaign, enterprise, answers=answers)
    answers = all_met()
    answers[next(iter(answers))] = (False, "")
    with pytest.raises(DomainError):
        submit(campaign, enterprise, answers=answers)
    assert not SelfInspectionReport.objects.exists()


def test_twice_or_from_another_agency_is_refused(holders, campaign, far_enterprise, officer):
    enterprise = holders(1)[0]
    submit(campaign, enterprise)
    with pytest.raises(DomainError):
        submit(campaign, enterprise)
    with pytest.raises(ForbiddenError):
        submit(campaign, far_enterprise)
    with pytest.raises(ForbiddenError):
        services.self_inspection_submit(campaign=campaign, actor=officer, summary="x", answers=all_met())


def test_verification_by_tier(holders, campaign, officer, officer2):
    good = holders(3, tier="good")
    trust = holders(6, tier="trustworthy")
    bad = holders(2, tier="dishonest") + holders(1, tier="seriously_dishonest")
    for enterprise in good + trust + bad:
        submit(campaign, enterprise)
    campaign = services.self_inspection_draw(
        campaign=campaign, officer=officer, verifier_ids=[officer.pk, officer2.pk], seed="abc"
    )
    assert campaign.state == SelfInspectionCampaign.State.VERIFYING
    state = dict(SelfInspectionReport.objects.values_list("enterprise_id", "state"))
    assert {state[e.pk] for e in good} == {"not_verified"}  # 信用良好: usually not verified
    assert {state[e.pk] for e in bad} == {"pending"}  # 失信/严重失信: key verification
    assert sum(state[e.pk] == "pending" for e in trust) == 3  # 守信: spot-check at 50 % of 6
    pending = SelfInspectionReport.objects.filter(state="pending")
    assert set(pending.values_list("verifier_id", flat=True)) <= {officer.pk, officer2.pk}
    # reproducible: the recorded inputs give the same sample
    rerun = {e for e, _v in draw.run_draw(campaign.inputs)}
    assert rerun == set(pending.values_list("enterprise_id", flat=True))
    assert campaign.inputs_sha256 == draw.sha256_of(campaign.inputs)


def test_reports_close_at_the_draw(holders, campaign, officer):
    first, late = holders(2)
    submit(campaign, first)
    services.self_inspection_draw(campaign=campaign, officer=officer, verifier_ids=[officer.pk])
    with pytest.raises(DomainError) as exc:
        submit(campaign, late)
    assert exc.value.code == "closed"
    with pytest.raises(ConflictError):
        services.self_inspection_draw(campaign=campaign, officer=officer, verifier_ids=[officer.pk])


def test_draw_refusals(holders, campaign, officer, far_officer):
    submit(campaign, holders(1)[0])
    with pytest.raises(DomainError):
        services.self_inspection_draw(campaign=campaign, officer=officer, verifier_ids=[far_officer.pk])
    with pytest.raises(ForbiddenError):
        services.self_inspection_draw(campaign=campaign, officer=far_officer, verifier_ids=[far_officer.pk])
    campaign.refresh_from_db()
    assert campaign.state == "open" and SelfInspectionReport.objects.get().state == "submitted"


def test_only_the_verifier_verifies(holders, campaign, officer, officer2):
    enterprise = holders(1, tier="dishonest")[0]
    report = submit(campaign, enterprise)
    services.self_inspection_draw(campaign=campaign, officer=officer, verifier_ids=[officer2.pk])
    with pytest.raises(ForbiddenError):
        services.self_inspection_verify(report=report, officer=officer, matches=True, note="核实一致")
    with pytest.raises(DomainError):
        services.self_inspection_verify(
            report=report, officer=officer2, matches=False, note="不一致"
        )  # no severity
    report = services.self_inspection_verify(
        report=report, officer=officer2, matches=False, note="人员数量不符", severity="minor"
    )
    assert report.state == "discrepancy" and report.discrepancy_severity == "minor"
    with pytest.raises(ConflictError):
        services.self_inspection_verify(report=report, officer=officer2, matches=True, note="x")
