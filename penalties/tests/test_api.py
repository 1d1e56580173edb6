"""/api/v1/penalties/: scoped reads, steps as POST actions, refusals as 4xx with a stable code."""

import pytest
from django.utils import timezone

from penalties.models import PenaltyCase, State
from penalties.tests.helpers import investigate, notify, open_case, pdf
from tests.factories import EnterpriseFactory

BASE = "/api/v1/penalties"


@pytest.fixture
def told_today(enterprise, officer, enterprise_user):
    return notify(investigate(open_case(enterprise, officer), officer), officer, today=timezone.localdate())


def test_list_is_scoped(
    api, notified_case, officer, far_officer, enterprise_user, other_enterprise_user, nea_supervisor
):
    hidden = investigate(open_case(notified_case.enterprise, officer), officer)  # not yet told to the party
    expected = {
        officer: {notified_case.number, hidden.number},
        nea_supervisor: {notified_case.number, hidden.number},
        far_officer: set(),
        enterprise_user: {notified_case.number},
        other_enterprise_user: set(),
    }
    for user, numbers in expected.items():
        api.force_authenticate(user)
        body = api.get(f"{BASE}/cases/").json()
        assert {row["number"] for row in body["results"]} == numbers, user.username
    api.force_authenticate(far_officer)
    assert api.get(f"{BASE}/cases/{notified_case.pk}/").status_code == 404
    api.force_authenticate(enterprise_user)
    assert api.get(f"{BASE}/cases/{hidden.pk}/").status_code == 404
    row = api.get(f"{BASE}/cases/{notified_case.pk}/").json()
    assert (
        row["state"] == "notified"
        and row["violation"] == "false_materials"
        and row["fine_amount"] == "20000.00"
    )
    api.force_authenticate(None)
    assert api.get(f"{BASE}/cases/").status_code in (401, 403)


@pytest.mark.parametrize("count", [3, 15])
def test_list_queries_do_not_grow(api, officer, django_assert_max_num_queries, count):
    for _ in range(count):
        notify(investigate(open_case(EnterpriseFactory(), officer), officer), officer)
    api.force_authenticate(officer)
    with django_assert_max_num_queries(5):
        body = api.get(f"{BASE}/cases/?state=notified").json()
    assert body["count"] == count


def test_filing_and_the_whole_flow_over_the_api(api, enterprise, enterprise_user, officer, approver):
    api.force_authenticate(officer)
    response = api.post(
        f"{BASE}/cases/create/",
        {
            "credit_code": enterprise.credit_code,
            "violation": "grid_not_reporting",
            "source": "inspection",
            "source_ref": "JC-9",
            "summary": "电网企业未报告无证承揽用户受电工程",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert (
        api.post(f"{BASE}/cases/{pk}/start-investigation/", {}, format="json").json()["state"]
        == "investigating"
    )
    response = api.post(
        f"{BASE}/cases/{pk}/evidence/", {"file": pdf(), "description": "检查记录"}, format="multipart"
    )
    assert response.status_code == 200
    api.post(f"{BASE}/cases/{pk}/facts/", {"facts": "经查属实。"}, format="json")
    response = api.post(
        f"{BASE}/cases/{pk}/notify/", {"fine_amount": "35000", "grounds": "拟处罚"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "amount_out_of_range"
    response = api.post(
        f"{BASE}/cases/{pk}/notify/", {"fine_amount": "20000", "grounds": "拟处罚"}, format="json"
    )
    assert response.status_code == 200 and response.json()["rectification"] is True
    api.force_authenticate(enterprise_user)
    assert api.post(f"{BASE}/cases/{pk}/waive/", {"text": "放弃"}, format="json").json()["waived"] is True
    api.force_authenticate(officer)
    response = api.post(f"{BASE}/cases/{pk}/decide/", {}, format="json")
    assert response.status_code == 403
    api.force_authenticate(approver)
    response = api.post(f"{BASE}/cases/{pk}/decide/", {"expected_state": "notified"}, format="json")
    assert response.status_code == 200 and response.json()["decision_number"]
    response = api.post(f"{BASE}/cases/{pk}/decide/", {"expected_state": "notified"}, format="json")
    assert response.status_code == 409
    api.force_authenticate(officer)
    today = timezone.localdate().isoformat()
    response = api.post(
        f"{BASE}/cases/{pk}/execution/", {"note": "已缴纳", "fine_paid_on": today}, format="json"
    )
    assert response.json()["state"] == "executed"
    assert api.post(f"{BASE}/cases/{pk}/close/", {"note": "结案"}, format="json").json()["state"] == "closed"


def test_refusals_carry_stable_codes(api, officer, far_enterprise, told_today, approver, enterprise_user):
    api.force_authenticate(officer)
    response = api.post(
        f"{BASE}/cases/create/",
        {
            "enterprise": far_enterprise.pk,
            "violation": "false_materials",
            "source": "ex_officio",
            "summary": "x",
        },
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (403, "jurisdiction")
    assert not PenaltyCase.objects.filter(enterprise=far_enterprise).exists()
    api.force_authenticate(approver)
    response = api.post(f"{BASE}/cases/{told_today.pk}/decide/", {}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "period_running")
    api.force_authenticate(enterprise_user)
    response = api.post(f"{BASE}/cases/{told_today.pk}/decide/", {}, format="json")
    assert response.status_code == 403
    response = api.post(f"{BASE}/cases/{told_today.pk}/statements/", {"text": "意见"}, format="json")
    assert response.status_code == 200
    assert PenaltyCase.objects.get(pk=told_today.pk).state == State.NOTIFIED


def test_four_eyes_over_the_api(api, enterprise, enterprise_user, approver):
    case = notify(investigate(open_case(enterprise, approver), approver), approver)
    api.force_authenticate(approver)
    response = api.post(f"{BASE}/cases/{case.pk}/decide/", {}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "four_eyes")


def test_recommendation_preview(api, officer, notified_case, enterprise_user):
    api.force_authenticate(officer)
    body = api.get(f"{BASE}/recommendation/?violation=major_accident&tier=good").json()
    assert (body["position"], body["amount"]) == ("lower", "10000.00") and "信用良好" in body["reasoning"]
    body = api.get(
        f"{BASE}/recommendation/?violation=unlicensed_work&tier=dishonest&illegal_gains=1000"
    ).json()
    assert (body["lower"], body["upper"], body["amount"]) == ("1000.00", "3000.00", "3000.00")
    body = api.get(f"{BASE}/recommendation/?case={notified_case.pk}").json()
    assert body["tier"] == "trustworthy" and body["amount"] == "20000.00"
    assert api.get(f"{BASE}/recommendation/?violation=major_accident").status_code == 400
    assert api.get(f"{BASE}/recommendation/?violation=nope&tier=good").status_code == 400
    api.force_authenticate(enterprise_user)
    assert api.get(f"{BASE}/recommendation/?violation=major_accident&tier=good").status_code == 403


def test_public_endpoints(api, notified_case, approver, django_assert_max_num_queries):
    import datetime as dt

    from penalties import services

    services.case_decide(case=notified_case, approver=approver, reason="", today=dt.date(2026, 3, 10))
    with django_assert_max_num_queries(3):
        body = api.get(f"{BASE}/decisions/").json()
    assert body["count"] == 1 and body["results"][0]["credit_code"] == notified_case.enterprise.credit_code
    assert len(api.get(f"{BASE}/violations/").json()) == 8


def test_the_schema_documents_the_penalty_api(api, admin_user):
    api.force_authenticate(admin_user)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/penalties/cases/",
        "/api/v1/penalties/cases/{id}/decide/",
        "/api/v1/penalties/recommendation/",
    ):
        assert path in schema
