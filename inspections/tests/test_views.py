"""Pages: who sees what, the forms end to end, the public pages (no personal data), the complaint form's
honeypot and rate limit, Excel exports, and query counts on list pages."""

import datetime as dt
import io
import json

import pytest
from django.core.cache import cache
from django.utils import timezone
from openpyxl import load_workbook

from inspections import services
from inspections.models import Campaign, Complaint, Inspection, ThreeListEntry
from inspections.tests.test_inspections import answers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def campaign(holders, draw_campaign):
    holders(4)
    return draw_campaign(sample_size=3)


def record_all(campaign, *, findings_first=True):
    for n, inspection in enumerate(campaign.inspections.order_by("draw_position")):
        finding = findings_first and n == 0
        services.inspection_record(
            inspection=inspection,
            officer=inspection.lead_inspector,
            inspected_on=TODAY(),
            summary="检查完毕",
            items=answers(
                inspection.kind, findings={"personnel": ("minor", "缺1名技工")} if finding else None
            )
            if inspection.kind == "on_site"
            else answers(
                inspection.kind, findings={"personnel_docs": ("minor", "缺1名技工")} if finding else None
            ),
            rectify_by=TODAY() + dt.timedelta(days=30) if finding else None,
        )


# --- authorisation ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/inspections/",
        "/inspections/campaigns/",
        "/inspections/key-coverage/",
        "/inspections/three-lists/",
        "/inspections/complaints/",
        "/inspections/problems/",
        "/inspections/conflicts/",
        "/inspections/referrals/",
    ],
)
def test_enterprise_users_are_kept_out_of_officer_pages(client, enterprise_user, url):
    client.force_login(enterprise_user)
    assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/inspections/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_other_agency_officer_gets_404(client, campaign, far_officer, officer):
    entry = services.three_list_add(
        enterprise=campaign.inspections.first().enterprise,
        list_kind="doubtful",
        reason="存疑",
        officer=officer,
    )
    complaint = services.complaint_register(
        officer=officer, enterprise=entry.enterprise, content="来电举报该企业出借许可证。"
    )
    inspection = campaign.inspections.first()
    client.force_login(far_officer)
    for url in (
        f"/inspections/campaigns/{campaign.pk}/",
        f"/inspections/campaigns/{campaign.pk}/verify/",
        f"/inspections/campaigns/{campaign.pk}/inputs.json",
        f"/inspections/inspections/{inspection.pk}/",
        f"/inspections/inspections/{inspection.pk}/record/",
        f"/inspections/three-lists/{entry.pk}/",
        f"/inspections/complaints/{complaint.pk}/",
        f"/inspections/problems/{entry.enterprise_id}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/inspections/campaigns/{campaign.pk}/publish/").status_code == 404
    listing = client.get("/inspections/campaigns/").content.decode()
    assert campaign.number not in listing


def test_enterprise_sees_only_its_own_completed_inspections(client, campaign, enterprise_user):
    from inspections.models import Inspection as Model

    own = campaign.inspections.first()
    other = campaign.inspections.exclude(pk=own.pk).first()
    enterprise_user.enterprise = own.enterprise
    enterprise_user.save()
    client.force_login(enterprise_user)
    assert client.get(f"/inspections/inspections/{own.pk}/").status_code == 404  # planned: not announced
    record_all(campaign, findings_first=False)
    own = Model.objects.get(pk=own.pk)
    page = client.get(f"/inspections/inspections/{own.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert own.lead_inspector.display_name not in html  # no inspector identities for the inspected
    assert client.get(f"/inspections/inspections/{other.pk}/").status_code == 404
    listing = client.get("/inspections/inspections/").content.decode()
    assert own.number in listing and other.number not in listing


def test_supervisor_reads_but_does_not_act(client, campaign, supervisor):
    client.force_login(supervisor)
    assert client.get(f"/inspections/campaigns/{campaign.pk}/").status_code == 200
    assert client.get("/inspections/campaigns/new/").status_code == 403
    assert client.post(f"/inspections/campaigns/{campaign.pk}/publish/").status_code == 403


def test_navigation_entry_for_officers(client, officer, enterprise_user):
    client.force_login(officer)
    assert 'href="/inspections/"' in client.get("/inspections/tasks/").content.decode()
    client.force_login(enterprise_user)
    assert 'href="/inspections/self/"' in client.get("/inspections/self/").content.decode()


# --- forms end to end ---------------------------------------------------------------------------------------------
def test_campaign_form_draws_and_shows_the_result(client, holders, officer, pool):
    holders(5)
    client.force_login(officer)
    data = {
        "name": "页面抽查",
        "licence_type": "facility",
        "sample_size": "3",
        "inspectors": [u.pk for u in pool],
        "conflict_years": "3",
        "default_kind": "off_site",
        "due_on": (TODAY() + dt.timedelta(days=30)).isoformat(),
    }
    response = client.post("/inspections/campaigns/new/", data, follow=True)
    campaign = Campaign.objects.get()
    assert response.redirect_chain[-1][0] == f"/inspections/campaigns/{campaign.pk}/"
    assert campaign.inspections.count() == 3 and campaign.inputs_sha256 in response.content.decode()
    verify = client.get(f"/inspections/campaigns/{campaign.pk}/verify/").content.decode()
    assert 'data-testid="verify-ok"' in verify


def test_campaign_form_refusal_saves_nothing(client, holders, officer):
    holders(3)
    client.force_login(officer)
    data = {
        "name": "页面抽查",
        "licence_type": "facility",
        "sample_size": "3",
        "inspectors": [officer.pk],
        "conflict_years": "3",
        "default_kind": "off_site",
        "due_on": (TODAY() + dt.timedelta(days=30)).isoformat(),
    }
    response = client.post("/inspections/campaigns/new/", data)
    assert response.status_code == 200 and not Campaign.objects.exists()
    assert "invalid-feedback" in response.content.decode()


def test_record_form(client, campaign):
    from inspections.models import ChecklistItem

    inspection = campaign.inspections.first()
    client.force_login(inspection.lead_inspector)
    items = ChecklistItem.objects.filter(kind=inspection.kind, active=True)
    data = {"inspected_on": TODAY().isoformat(), "summary": "按清单检查", "kind": inspection.kind}
    for item in items:
        data[f"item_{item.pk}_outcome"] = "ok"
    first = items.first()
    data[f"item_{first.pk}_outcome"] = "finding"
    data[f"item_{first.pk}_severity"] = "minor"
    data[f"item_{first.pk}_text"] = "缺少证明材料"
    response = client.post(f"/inspections/inspections/{inspection.pk}/record/", data)
    assert response.status_code == 200  # refused: findings without a follow-up
    inspection.refresh_from_db()
    assert inspection.state == "planned"
    data["rectify_by"] = (TODAY() + dt.timedelta(days=15)).isoformat()
    response = client.post(f"/inspections/inspections/{inspection.pk}/record/", data)
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == "completed" and inspection.rectification_order_id


def test_only_assigned_inspectors_get_the_record_form(client, campaign, agency_nf):
    stranger = UserFactory(username="stranger", role="officer", agency=agency_nf)
    inspection = campaign.inspections.first()
    client.force_login(stranger)
    response = client.get(f"/inspections/inspections/{inspection.pk}/record/")
    assert response.status_code == 302


def test_three_list_pages(client, enterprise, officer, officer2):
    client.force_login(officer)
    response = client.post(
        "/inspections/three-lists/new/",
        {"enterprise": enterprise.credit_code, "list_kind": "doubtful", "reason": "材料存疑"},
    )
    entry = ThreeListEntry.objects.get()
    assert response.status_code == 302
    response = client.post(
        f"/inspections/three-lists/{entry.pk}/",
        {
            "action": "plan",
            "responsible": officer2.pk,
            "plan": "视频核验",
            "plan_due": (TODAY() + dt.timedelta(days=9)).isoformat(),
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/inspections/three-lists/{entry.pk}/", {"action": "resolve", "resolution": "已核实"}
    )
    entry.refresh_from_db()
    assert entry.state == "resolved"
    history = client.get("/inspections/three-lists/?status=resolved").content.decode()
    assert enterprise.name in history
    assert enterprise.name not in client.get("/inspections/three-lists/").content.decode()


# --- public pages ------------------------------------------------------------------------------------------------------
def test_public_pages_show_results_without_personal_data(client, campaign, officer):
    assert client.get(f"/public/inspections/campaigns/{campaign.pk}/").status_code == 404  # not yet published
    record_all(campaign)
    services.campaign_publish(campaign=campaign, officer=officer)
    listing = client.get("/public/inspections/").content.decode()
    assert campaign.number in listing
    html = client.get(f"/public/inspections/campaigns/{campaign.pk}/").content.decode()
    for inspection in campaign.inspections.select_related("enterprise", "lead_inspector", "second_inspector"):
        assert inspection.enterprise.name in html and inspection.enterprise.credit_code in html
        assert inspection.lead_inspector.display_name not in html
        assert inspection.second_inspector.display_name not in html
        assert inspection.enterprise.legal_representative not in html
        assert inspection.enterprise.contact_phone not in html
    assert "发现问题1项" in html
    verify = client.get(f"/public/inspections/campaigns/{campaign.pk}/verify/").content.decode()
    assert 'data-testid="verify-ok"' in verify
    assert (
        client.get(f"/public/inspections/campaigns/{campaign.pk}/inputs.json").json()["seed"] == campaign.seed
    )
    xlsx = client.get(f"/public/inspections/campaigns/{campaign.pk}/?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_public_results_are_withdrawn_after_a_repair_or_objection_and_when_retention_ends(
    client, campaign, officer
):
    """一公开 with the disclosure rule `inspection_results`: an inspection whose credit record was repaired
    (the rule withdraws on repair) or revoked after an objection leaves the list; the whole campaign
    leaves the site when its retention ends (36 months from publication)."""
    from credit.models import CreditRecord
    from oversight.models import DisclosureRule

    record_all(campaign)
    services.campaign_publish(campaign=campaign, officer=officer)
    first, second, third = campaign.inspections.select_related("enterprise").order_by("draw_position")
    url = f"/public/inspections/campaigns/{campaign.pk}/"
    html = client.get(url).content.decode()
    assert all(i.enterprise.credit_code in html for i in (first, second, third))
    CreditRecord.objects.filter(pk=first.credit_record_id).update(status="repaired")
    CreditRecord.objects.filter(pk=second.credit_record_id).update(status="revoked")
    html = client.get(url).content.decode()
    assert first.enterprise.credit_code not in html and second.enterprise.credit_code not in html
    assert third.enterprise.credit_code in html
    xlsx = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).worksheets[0]
    codes = {cell.value for row in xlsx.iter_rows() for cell in row}
    assert third.enterprise.credit_code in codes and first.enterprise.credit_code not in codes
    assert (
        'data-testid="verify-ok"' in client.get(url + "verify/").content.decode()
    )  # ids only, still checkable
    # a rule that does not withdraw on repair keeps the repaired one (a revoked record is always withdrawn)
    DisclosureRule.objects.filter(key="inspection_results").update(withdraw_on_repair=False)
    html = client.get(url).content.decode()
    assert first.enterprise.credit_code in html and second.enterprise.credit_code not in html
    # retention: published 36 months and a day ago
    Campaign.objects.filter(pk=campaign.pk).update(published_at=timezone.now() - dt.timedelta(days=3 * 366))
    assert campaign.number not in client.get("/public/inspections/").content.decode()
    for suffix in ("", "verify/", "inputs.json"):
        assert client.get(url + suffix).status_code == 404


def test_public_verify_page_says_what_differs(client, campaign, officer):
    record_all(campaign)
    services.campaign_publish(campaign=campaign, officer=officer)
    inputs = campaign.inputs
    inputs["sample_size"] = 1
    Campaign.objects.filter(pk=campaign.pk).update(inputs_json=json.dumps(inputs))
    html = client.get(f"/public/inspections/campaigns/{campaign.pk}/verify/").content.decode()
    assert 'data-testid="verify-failed"' in html and "recorded but not drawn" in html


@pytest.fixture
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_public_complaint_form(client, enterprise, clean_cache):
    response = client.post(
        "/public/inspections/complaints/new/",
        {
            "enterprise": enterprise.credit_code,
            "content": "该企业出借许可证给个人承揽工程。",
            "complainant_name": "王先生",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("/complaints/thanks/")
    complaint = Complaint.objects.get()
    assert complaint.channel == "public" and complaint.complainant_name == "王先生"


def test_public_complaint_honeypot_keeps_nothing(client, enterprise, clean_cache):
    response = client.post(
        "/public/inspections/complaints/new/",
        {
            "enterprise": enterprise.credit_code,
            "content": "机器人填写的内容很长很长很长。",
            "website": "http://spam",
        },
    )
    assert response.status_code == 302 and not Complaint.objects.exists()


def test_public_complaint_rate_limit(client, enterprise, settings, clean_cache):
    settings.PUBLIC_COMPLAINTS_PER_HOUR = 2
    data = {"enterprise": enterprise.credit_code, "content": "该企业超越许可范围承揽工程。"}
    assert client.post("/public/inspections/complaints/new/", data).status_code == 302
    assert client.post("/public/inspections/complaints/new/", data).status_code == 302
    response = client.post("/public/inspections/complaints/new/", data)
    assert response.status_code == 429 and Complaint.objects.count() == 2


def test_public_complaint_unknown_enterprise(client, db, clean_cache):
    response = client.post(
        "/public/inspections/complaints/new/",
        {"enterprise": "91440101MA0000000X", "content": "内容足够长的一段举报。"},
    )
    assert response.status_code == 200 and not Complaint.objects.exists()


# --- exports -------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/inspections/campaigns/?format=xlsx",
        "/inspections/inspections/?format=xlsx",
        "/inspections/three-lists/?format=xlsx",
        "/inspections/complaints/?format=xlsx",
        "/inspections/problems/?format=xlsx",
        "/inspections/key-coverage/?format=xlsx",
        "/inspections/referrals/?format=xlsx",
        "/inspections/tasks/?format=xlsx",
        "/inspections/conflicts/?format=xlsx",
    ],
)
def test_every_list_exports_to_excel(client, campaign, officer, url):
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.active.max_row >= 1


def test_campaign_report_export_has_the_figures(client, campaign, officer):
    record_all(campaign)
    client.force_login(officer)
    book = load_workbook(io.BytesIO(client.get(f"/inspections/campaigns/{campaign.pk}/?format=xlsx").content))
    report = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert 3 in report.values()  # drawn and inspected
    targets = list(book.worksheets[1].iter_rows(values_only=True))
    assert len(targets) == 1 + 3


# --- query counts ---------------------------------------------------------------------------------------------------------
def _grow(holders, officer, officer2, n):
    for enterprise in holders(n):
        services.three_list_add(enterprise=enterprise, list_kind="doubtful", reason="存疑", officer=officer)
        services.complaint_register(
            officer=officer, enterprise=enterprise, content="来电举报出借许可证的情况。"
        )
        services.inspection_plan(
            officer=officer,
            enterprise=enterprise,
            kind="on_site",
            origin="problem",
            reason="问题监管",
            lead_inspector=officer,
            second_inspector=officer2,
            due_on=TODAY() + dt.timedelta(days=5),
        )


LIST_PAGES = [
    "/inspections/",
    "/inspections/campaigns/",
    "/inspections/inspections/",
    "/inspections/three-lists/",
    "/inspections/complaints/",
    "/inspections/problems/",
    "/inspections/tasks/",
    "/inspections/key-coverage/",
    "/inspections/conflicts/",
    "/inspections/referrals/",
    "/public/inspections/",
]


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_do_not_grow_with_rows(
    client, holders, officer, officer2, draw_campaign, url, django_assert_max_num_queries
):
    client.force_login(officer)
    _grow(holders, officer, officer2, 2)
    draw_campaign(sample_size=2, conflict_years=0, name="A")
    client.get(url)  # warm caches (calendar, policy)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow(holders, officer, officer2, 6)
    draw_campaign(sample_size=6, conflict_years=0, name="B")
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_campaign_detail_query_count(client, holders, draw_campaign, officer, django_assert_max_num_queries):
    holders(30)
    campaign = draw_campaign(sample_size=25)
    client.force_login(officer)
    with django_assert_max_num_queries(20):
        assert client.get(f"/inspections/campaigns/{campaign.pk}/").status_code == 200


def test_public_campaign_query_count(client, holders, draw_campaign, officer, django_assert_max_num_queries):
    holders(12)
    campaign = draw_campaign(sample_size=10)
    for inspection in campaign.inspections.all():
        services.inspection_cancel(inspection=inspection, officer=officer, reason="企业注销")
    services.campaign_publish(campaign=campaign, officer=officer)
    with django_assert_max_num_queries(8):
        assert client.get(f"/public/inspections/campaigns/{campaign.pk}/").status_code == 200
    assert Inspection.objects.count() == 10


def test_administrators_declare_conflicts_in_the_admin(client, admin_user, officer, enterprise, far_officer):
    from core.models import AuditLog
    from inspections.models import ConflictDeclaration

    client.force_login(admin_user)
    url = "/admin/inspections/conflictdeclaration/add/"
    response = client.post(
        url, {"inspector": far_officer.pk, "enterprise": enterprise.pk, "relation": "kinship"}
    )
    assert response.status_code == 200 and not ConflictDeclaration.objects.exists()  # other agency: refused
    response = client.post(
        url, {"inspector": officer.pk, "enterprise": enterprise.pk, "relation": "kinship", "detail": "配偶"}
    )
    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get()
    assert declaration.declared_by == admin_user
    assert AuditLog.objects.filter(action="conflict.declare", object_id=str(declaration.pk)).exists()


def test_administrators_withdraw_declarations_on_the_page_as_through_the_api(
    client, admin_user, officer, enterprise
):
    from core.models import AuditLog

    declaration = services.conflict_declare(
        inspector=officer, enterprise=enterprise, relation="kinship", detail="配偶", actor=officer
    )
    client.force_login(admin_user)
    html = client.get("/inspections/conflicts/").content.decode()
    assert f"/inspections/conflicts/{declaration.pk}/withdraw/" in html
    client.post(f"/inspections/conflicts/{declaration.pk}/withdraw/", {"reason": ""})
    declaration.refresh_from_db()
    assert declaration.withdrawn_at is None  # no reason, no change
    client.post(f"/inspections/conflicts/{declaration.pk}/withdraw/", {"reason": "已离婚，关系解除"})
    declaration.refresh_from_db()
    assert declaration.withdrawn_by == admin_user
    assert AuditLog.objects.filter(action="conflict.withdraw", object_id=str(declaration.pk)).count() == 1


def test_plan_page_refuses_a_related_inspector(client, enterprise, officer, officer2):
    services.conflict_declare(
        inspector=officer, enterprise=enterprise, relation="kinship", detail="", actor=officer
    )
    client.force_login(officer)
    data = {
        "enterprise": enterprise.credit_code,
        "origin": "problem",
        "kind": "on_site",
        "reason": "举报核查",
        "lead_inspector": officer.pk,
        "second_inspector": officer2.pk,
        "due_on": (TODAY() + dt.timedelta(days=5)).isoformat(),
    }
    response = client.post("/inspections/inspections/new/", data)
    assert response.status_code == 200 and not Inspection.objects.exists()
    assert "invalid-feedback" in response.content.decode()
    response = client.post(
        "/inspections/inspections/new/",
        {
            **data,
            "lead_inspector": officer2.pk,
            "second_inspector": UserFactory(username="o3", role="officer", agency=officer.agency).pk,
        },
    )
    assert response.status_code == 302 and Inspection.objects.count() == 1


def test_self_inspection_pages(client, holders, officer, officer2):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inspections.models import ChecklistItem, SelfInspectionReport

    enterprise = holders(1, tier="dishonest")[0]
    clerk = UserFactory(username="clerk_self", role="enterprise", enterprise=enterprise)
    campaign = services.self_inspection_open(
        officer=officer,
        year=TODAY().year,
        title="年度自查",
        due_on=TODAY() + dt.timedelta(days=10),
        verify_due_on=TODAY() + dt.timedelta(days=20),
    )
    client.force_login(clerk)
    assert "年度自查" in client.get("/inspections/self/").content.decode()
    data = {"summary": "已自查"}
    for item in ChecklistItem.objects.filter(kind="self", active=True):
        data[f"item_{item.pk}_compliant"] = "yes"
    data["attachment"] = SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = client.post(f"/inspections/self/{campaign.pk}/submit/", data)
    report = SelfInspectionReport.objects.get()
    assert response.status_code == 302 and report.attachment_sha256
    assert client.get(f"/inspections/self/reports/{report.pk}/attachment/").status_code == 200
    client.force_login(officer)
    response = client.post(f"/inspections/self/{campaign.pk}/", {"verifiers": [officer2.pk]})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "pending" and report.verifier == officer2
    client.force_login(officer2)
    response = client.post(
        f"/inspections/self/reports/{report.pk}/",
        {"decision": "discrepancy", "severity": "minor", "note": "人员不符"},
    )
    report.refresh_from_db()
    assert response.status_code == 302 and report.state == "discrepancy"


def test_results_not_published_in_time_are_flagged_for_the_supervision_group(campaign, officer):
    """oversight's daily `not_published` check: a campaign whose inspections are all done is due for
    publication within the rule's 20 working days; unpublished after that, it is flagged once."""
    from oversight.detectors import past_due_cutoff
    from oversight.models import WorkFlag
    from oversight.services import work_flags_regenerate

    first = campaign.inspections.order_by("draw_position").first()
    record_all(campaign)
    Inspection.objects.filter(campaign=campaign).update(inspected_on=dt.date(2026, 3, 2))
    # due 20 working days after 2 March 2026 (a Monday): 30 March; flagged from 31 March
    assert (
        past_due_cutoff(dt.date(2026, 3, 30), 20)
        < dt.date(2026, 3, 2)
        <= past_due_cutoff(dt.date(2026, 3, 31), 20)
    )
    work_flags_regenerate(today=dt.date(2026, 3, 30))
    assert not WorkFlag.objects.filter(rule="not_published").exists()
    Inspection.objects.filter(pk=first.pk).update(state=Inspection.State.PLANNED)  # one still to do
    work_flags_regenerate(today=dt.date(2026, 4, 30))
    assert not WorkFlag.objects.filter(rule="not_published").exists()
    Inspection.objects.filter(pk=first.pk).update(state=Inspection.State.COMPLETED)
    work_flags_regenerate(today=dt.date(2026, 3, 31))
    work_flags_regenerate(today=dt.date(2026, 4, 1))  # daily again: never twice
    flag = WorkFlag.objects.get(rule="not_published")
    assert flag.subject_key == f"inspection_results:{campaign.pk}" and flag.agency_id == campaign.agency_id
    assert flag.facts["number"] == campaign.number and flag.facts["outcome"] == "双随机抽查结果"
    services.campaign_publish(campaign=campaign, officer=officer)
    from inspections.selectors import campaign_results_unpublished

    assert list(campaign_results_unpublished(dt.date(2026, 12, 31), None)) == []
