"""The API: stable codes, refusals as 4xx with {detail, code}, scoping (404 outside), query counts."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from inspections.models import Campaign, ChecklistItem, PenaltyReferral, ThreeListEntry

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
BASE = "/api/v1/inspections"


def draw_payload(pool, **overrides):
    payload = {
        "name": "接口抽查",
        "licence_type": "facility",
        "sample_size": 3,
        "inspector_ids": [u.pk for u in pool],
        "due_on": (TODAY() + dt.timedelta(days=30)).isoformat(),
    }
    payload.update(overrides)
    return payload


def test_draw_then_verify(api, holders, officer, pool):
    holders(6)
    api.force_authenticate(officer)
    response = api.post(f"{BASE}/campaigns/draw/", draw_payload(pool), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "drawn" and body["sample_size"] == 3 and len(body["inputs_sha256"]) == 64
    targets = api.get(f"{BASE}/campaigns/{body['id']}/targets/").json()
    assert targets["count"] == 3
    assert all(len(set(t["inspectors"])) == 2 for t in targets["results"])
    verify = api.post(f"{BASE}/campaigns/{body['id']}/verify/", {}, format="json").json()
    assert verify["ok"] and verify["hash_ok"] and verify["drawn"] == 3


def test_verify_with_changed_inputs_says_what_differs(api, holders, draw_campaign, officer):
    enterprises = holders(6)
    campaign = draw_campaign(sample_size=3)
    inputs = json.loads(json.dumps(campaign.inputs))
    inputs["population"] = [row for row in inputs["population"] if row[0] != enterprises[0].pk]
    api.force_authenticate(officer)
    body = api.post(f"{BASE}/campaigns/{campaign.pk}/verify/", {"inputs": inputs}, format="json").json()
    assert body["ok"] is False and body["hash_ok"] is True
    assert f"population: enterprise {enterprises[0].pk} removed" in body["inputs_differences"]
    assert body["given_sha256"] != body["stored_sha256"]


def test_draw_refusals_are_4xx_with_a_code_and_save_nothing(api, holders, officer):
    holders(3)
    api.force_authenticate(officer)
    response = api.post(f"{BASE}/campaigns/draw/", draw_payload([officer]), format="json")
    assert response.status_code == 400 and response.json()["code"] == "pool_too_small"
    response = api.post(f"{BASE}/campaigns/draw/", draw_payload([officer], licence_type="x"), format="json")
    assert response.status_code == 400 and "licence_type" in response.json()
    assert not Campaign.objects.exists()


def test_draw_on_an_empty_population(api, officer, pool):
    api.force_authenticate(officer)
    response = api.post(f"{BASE}/campaigns/draw/", draw_payload(pool), format="json")
    assert response.status_code == 400 and response.json()["code"] == "empty_population"


def test_roles_and_scope(
    api, holders, draw_campaign, enterprise_user, far_officer, supervisor, nea_supervisor
):
    holders(3)
    campaign = draw_campaign(sample_size=2)
    api.force_authenticate(enterprise_user)
    assert api.get(f"{BASE}/campaigns/").status_code == 403
    assert api.post(f"{BASE}/campaigns/{campaign.pk}/verify/", {}, format="json").status_code == 403
    api.force_authenticate(far_officer)
    assert api.get(f"{BASE}/campaigns/{campaign.pk}/").status_code == 404
    assert api.post(f"{BASE}/campaigns/{campaign.pk}/verify/", {}, format="json").status_code == 404
    assert api.get(f"{BASE}/campaigns/").json()["count"] == 0
    api.force_authenticate(supervisor)
    assert api.get(f"{BASE}/campaigns/{campaign.pk}/").status_code == 200
    assert api.post(f"{BASE}/campaigns/{campaign.pk}/publish/").status_code == 403
    api.force_authenticate(nea_supervisor)
    assert api.get(f"{BASE}/campaigns/").json()["count"] == 1
    api.force_authenticate(None)
    assert api.get(f"{BASE}/campaigns/").status_code in (401, 403)


def test_record_through_the_api(api, holders, draw_campaign):
    holders(2)
    campaign = draw_campaign(sample_size=1)
    inspection = campaign.inspections.get()
    items = [
        {"checklist_item": pk, "outcome": "ok"}
        for pk in ChecklistItem.objects.filter(kind=inspection.kind, active=True).values_list("pk", flat=True)
    ]
    items[0] = {
        "checklist_item": items[0]["checklist_item"],
        "outcome": "finding",
        "severity": "serious",
        "text": "缺少安全员",
    }
    api.force_authenticate(inspection.lead_inspector)
    payload = {"inspected_on": TODAY().isoformat(), "summary": "检查", "items": items}
    response = api.post(f"{BASE}/inspections/{inspection.pk}/record/", payload, format="json")
    assert response.status_code == 400 and response.json()["code"] == "follow_up_required"
    payload.update(refer_penalty=True, penalty_reason="拒不整改")
    response = api.post(f"{BASE}/inspections/{inspection.pk}/record/", payload, format="json")
    assert response.status_code == 200 and response.json()["result"] == "short"
    detail = api.get(f"{BASE}/inspections/{inspection.pk}/").json()
    assert detail["worst_severity"] == "serious" and len(detail["items"]) == len(items)
    referral = PenaltyReferral.objects.get()
    taken = api.post(
        f"{BASE}/referrals/{referral.pk}/take/", {"case_reference": "南方监能罚〔2026〕3号"}, format="json"
    )
    assert taken.status_code == 200 and taken.json()["state"] == "taken"
    again = api.post(f"{BASE}/referrals/{referral.pk}/decline/", {"note": "x"}, format="json")
    assert again.status_code == 409


def test_enterprise_sees_its_inspection_without_inspectors(api, holders, draw_campaign, enterprise_user):
    holders(2)
    campaign = draw_campaign(sample_size=2)
    inspection = campaign.inspections.first()
    enterprise_user.enterprise = inspection.enterprise
    enterprise_user.save()
    api.force_authenticate(enterprise_user)
    assert api.get(f"{BASE}/inspections/{inspection.pk}/").status_code == 404  # planned
    assert api.get(f"{BASE}/inspections/").json()["count"] == 0


def test_three_list_add_is_what_the_licensing_page_calls(api, enterprise, officer, far_officer):
    api.force_authenticate(officer)
    payload = {
        "enterprise": enterprise.pk,
        "list_kind": "doubtful",
        "reason": "申请材料中2名人员社保记录存疑",
        "source_type": "application",
        "source_id": "42",
    }
    response = api.post(f"{BASE}/three-lists/add/", payload, format="json")
    assert response.status_code == 201 and response.json()["source_id"] == "42"
    again = api.post(f"{BASE}/three-lists/add/", payload, format="json")
    assert again.json()["id"] == response.json()["id"]
    assert (
        api.post(f"{BASE}/three-lists/add/", {**payload, "list_kind": "dishonest"}, format="json").status_code
        == 400
    )
    api.force_authenticate(far_officer)
    assert api.post(f"{BASE}/three-lists/add/", payload, format="json").status_code == 404
    assert ThreeListEntry.objects.count() == 1


def test_self_inspection_submit_multipart(api, holders, officer, enterprise_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inspections.services import self_inspection_open

    enterprise_user.enterprise = holders(1)[0]
    enterprise_user.save()
    campaign = self_inspection_open(
        officer=officer,
        year=TODAY().year,
        title="年度自查",
        due_on=TODAY() + dt.timedelta(days=10),
        verify_due_on=TODAY() + dt.timedelta(days=20),
    )
    answers = {
        str(pk): {"compliant": True}
        for pk in ChecklistItem.objects.filter(kind="self").values_list("pk", flat=True)
    }
    api.force_authenticate(enterprise_user)
    response = api.post(
        f"{BASE}/self-inspections/{campaign.pk}/submit/",
        {
            "summary": "自查完毕",
            "answers": json.dumps(answers),
            "attachment": SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["verification_mode"] == "spot_check"
    bad = api.post(
        f"{BASE}/self-inspections/{campaign.pk}/submit/",
        {"summary": "x", "answers": "[]"},
        format="multipart",
    )
    assert bad.status_code == 400


def test_tasks_and_key_coverage(api, holders, draw_campaign, officer):
    holders(2, tier="seriously_dishonest")
    draw_campaign(sample_size=1)
    api.force_authenticate(officer)
    coverage = api.get(f"{BASE}/key-coverage/").json()
    assert coverage["total"] == 2 and coverage["covered"] == 0 and len(coverage["missing"]) == 2
    tasks = api.get(f"{BASE}/tasks/").json()
    assert {t["type"] for t in tasks} <= {"inspection", "list_entry", "self_inspection", "complaint"}
    assert api.get(f"{BASE}/tasks/?tier=golden").status_code == 400


def test_list_endpoints_query_counts(api, holders, draw_campaign, officer, django_assert_max_num_queries):
    holders(12)
    draw_campaign(sample_size=10)
    api.force_authenticate(officer)
    for url in (
        "/campaigns/",
        "/inspections/",
        "/three-lists/",
        "/complaints/",
        "/conflicts/",
        "/referrals/",
    ):
        with django_assert_max_num_queries(8):
            assert api.get(BASE + url).status_code == 200


def test_schema_documents_the_endpoints(client, db):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/inspections/campaigns/draw/",
        "/api/v1/inspections/campaigns/{id}/verify/",
        "/api/v1/inspections/three-lists/add/",
    ):
        assert path in schema


def test_conflicts_declared_and_withdrawn_through_the_api(api, enterprise, officer, officer2, far_officer):
    api.force_authenticate(officer)
    payload = {
        "inspector": officer2.pk,
        "enterprise": enterprise.pk,
        "relation": "financial",
        "detail": "持股",
    }
    created = api.post(f"{BASE}/conflicts/declare/", payload, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert api.post(f"{BASE}/conflicts/{pk}/withdraw/", {"reason": ""}, format="json").status_code == 400
    api.force_authenticate(far_officer)
    assert api.post(f"{BASE}/conflicts/{pk}/withdraw/", {"reason": "x"}, format="json").status_code == 404
    api.force_authenticate(officer)
    withdrawn = api.post(f"{BASE}/conflicts/{pk}/withdraw/", {"reason": "已转让股份"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
