"""/api/v1/supervision/: scoped lists, actions as POSTs, 4xx with stable codes, query counts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from supervision import scan, services
from supervision.models import CommitmentCheck, LicenceWarning, RectificationOrder
from tests.factories import EnterpriseFactory, LicenceFactory, staff_enterprise

TODAY = timezone.localdate()
BASE = "/api/v1/supervision"


@pytest.fixture
def data(enterprise, other_enterprise, far_enterprise, officer):
    staff_enterprise(enterprise, personnel_shortfall={"professional": 1})
    staff_enterprise(other_enterprise)
    LicenceFactory(enterprise=enterprise)
    LicenceFactory(enterprise=other_enterprise, valid_until=TODAY + dt.timedelta(days=40))
    LicenceFactory(enterprise=far_enterprise)
    scan.scan_run(on=TODAY)
    return LicenceWarning.objects.get(enterprise=enterprise)


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_warning_list_is_scoped(api, data, enterprise_user, officer, far_officer, nea_supervisor):
    api.force_authenticate(enterprise_user)
    assert ids(api.get(f"{BASE}/warnings/")) == {data.pk}
    api.force_authenticate(officer)
    assert ids(api.get(f"{BASE}/warnings/")) == set(
        LicenceWarning.objects.filter(agency__code="NF").values_list("pk", flat=True)
    )
    api.force_authenticate(far_officer)
    assert data.pk not in ids(api.get(f"{BASE}/warnings/"))
    assert api.get(f"{BASE}/warnings/{data.pk}/").status_code == 404
    api.force_authenticate(nea_supervisor)
    assert len(ids(api.get(f"{BASE}/warnings/"))) == LicenceWarning.objects.count()


def test_warning_payload_uses_codes(api, data, officer):
    api.force_authenticate(officer)
    row = api.get(f"{BASE}/warnings/{data.pk}/").json()
    assert row["type"] == "personnel_shortfall" and row["status"] == "open" and row["agency"] == "NF"
    assert row["details"]["roles"][0]["role"] == "professional"


def test_filters_are_validated(api, data, officer):
    api.force_authenticate(officer)
    assert ids(api.get(f"{BASE}/warnings/?type=expiring")) == set(
        LicenceWarning.objects.filter(type="expiring", agency__code="NF").values_list("pk", flat=True)
    )
    response = api.get(f"{BASE}/warnings/?type=nonsense")
    assert response.status_code == 400 and "type" in response.json()


def test_anonymous_is_refused(api, data):
    assert api.get(f"{BASE}/warnings/").status_code in (401, 403)


def test_list_queries_are_bounded(api, officer, django_assert_max_num_queries):
    for _ in range(12):
        LicenceFactory(enterprise=EnterpriseFactory())
    scan.scan_run(on=TODAY)
    api.force_authenticate(officer)
    for path in (
        "warnings/",
        "orders/?state=all",
        "checks/",
        "scan-runs/",
        "revocation-candidates/",
        "coverage/",
    ):
        with django_assert_max_num_queries(6):
            assert api.get(f"{BASE}/{path}").status_code == 200


def test_order_answer_verify_via_api(api, data, officer, enterprise_user, supervisor, far_officer):
    deadline = (TODAY + dt.timedelta(days=20)).isoformat()
    api.force_authenticate(supervisor)
    assert api.post(f"{BASE}/warnings/{data.pk}/order/", {"deadline": deadline}).status_code == 403
    api.force_authenticate(far_officer)
    assert api.post(f"{BASE}/warnings/{data.pk}/order/", {"deadline": deadline}).status_code == 404
    api.force_authenticate(officer)
    response = api.post(f"{BASE}/warnings/{data.pk}/order/", {"deadline": TODAY.isoformat()}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "deadline"
    response = api.post(f"{BASE}/warnings/{data.pk}/order/", {"deadline": deadline}, format="json")
    assert response.status_code == 201
    order = response.json()
    assert order["state"] == "issued" and order["source"] == "scan_warning"
    again = api.post(f"{BASE}/warnings/{data.pk}/order/", {"deadline": deadline}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"

    api.force_authenticate(enterprise_user)
    bad = SimpleUploadedFile("x.pdf", b"plain text", content_type="application/pdf")
    response = api.post(
        f"{BASE}/orders/{order['id']}/answer/", {"answer": "已整改", "files": [bad]}, format="multipart"
    )
    assert response.status_code == 400 and response.json()["code"] == "bad_file_type"
    good = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = api.post(
        f"{BASE}/orders/{order['id']}/answer/", {"answer": "已整改", "files": [good]}, format="multipart"
    )
    assert response.status_code == 200 and response.json()["state"] == "answered"
    assert (
        api.post(f"{BASE}/orders/{order['id']}/verify/", {"accepted": True, "note": "x"}).status_code == 403
    )

    api.force_authenticate(officer)
    response = api.post(
        f"{BASE}/orders/{order['id']}/verify/", {"accepted": True, "note": "核验通过"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "resolved"
    response = api.post(f"{BASE}/orders/{order['id']}/revoke-licence/", {"reason": "x"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_escalated"


def test_other_enterprise_cannot_see_or_answer(api, data, officer, other_enterprise_user):
    order = services.warning_order_rectification(
        warning=data, officer=officer, deadline=TODAY + dt.timedelta(days=9)
    )
    api.force_authenticate(other_enterprise_user)
    assert api.get(f"{BASE}/orders/{order.pk}/").status_code == 404
    assert api.post(f"{BASE}/orders/{order.pk}/answer/", {"answer": "x"}).status_code == 404
    assert ids(api.get(f"{BASE}/orders/?state=all")) == set()
    assert RectificationOrder.objects.get(pk=order.pk).state == "issued"


def test_revocation_via_api(api, data, officer):
    order = services.warning_order_rectification(
        warning=data, officer=officer, deadline=TODAY + dt.timedelta(days=2)
    )
    services.rectification_escalate_overdue(order.pk, order.deadline + dt.timedelta(days=1))
    api.force_authenticate(officer)
    assert ids(api.get(f"{BASE}/revocation-candidates/")) == {order.pk}
    assert api.post(f"{BASE}/orders/{order.pk}/revoke-licence/", {}, format="json").status_code == 400
    response = api.post(f"{BASE}/orders/{order.pk}/revoke-licence/", {"reason": "逾期未整改"}, format="json")
    assert response.status_code == 200 and response.json()["licence_revoked_on"] == TODAY.isoformat()


def test_commitment_check_via_api(api, enterprise, officer, enterprise_user):
    licence = LicenceFactory(
        enterprise=enterprise, obtained_via="commitment", issued_on=TODAY - dt.timedelta(days=3)
    )
    check = services.commitment_check_ensure(licence)
    api.force_authenticate(enterprise_user)
    assert ids(api.get(f"{BASE}/checks/")) == {check.pk}
    assert api.post(f"{BASE}/checks/{check.pk}/record/", {}).status_code == 403
    api.force_authenticate(officer)
    payload = {
        "method": "video",
        "outcome": "false_commitment",
        "comparison": [{"item": "技术负责人", "committed": "≥ 1", "found": "0", "matches": False}],
    }
    response = api.post(f"{BASE}/checks/{check.pk}/record/", payload, format="json")
    assert response.status_code == 400 and response.json()["field"] == "note"
    response = api.post(
        f"{BASE}/checks/{check.pk}/record/", {**payload, "comparison": [{"item": ""}]}, format="json"
    )
    assert response.status_code == 400
    payload["note"] = "技术负责人从未在岗"
    response = api.post(f"{BASE}/checks/{check.pk}/record/", payload, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "revoked" and body["penalty_referral"] and body["credit_record_id"]
    assert CommitmentCheck.objects.get(pk=check.pk).outcome == "false_commitment"
    coverage = api.get(f"{BASE}/coverage/").json()
    assert coverage["covered"] == 1 and coverage["rate"] == 100.0


def test_scan_runs_and_start(api, data, officer, admin_user):
    api.force_authenticate(officer)
    runs = api.get(f"{BASE}/scan-runs/").json()["results"]
    assert runs[0]["status"] == "completed" and runs[0]["licences_scanned"] == 3
    assert api.post(f"{BASE}/scan-runs/start/").status_code == 403
    api.force_authenticate(admin_user)
    assert api.post(f"{BASE}/scan-runs/start/").status_code == 202


def test_schema_documents_the_endpoints(client, db):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/supervision/warnings/",
        "/api/v1/supervision/checks/{id}/record/",
        "/api/v1/supervision/coverage/",
    ):
        assert path in schema
