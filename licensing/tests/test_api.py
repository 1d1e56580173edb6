import threading

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from licensing.models import Application, State
from licensing.tests.conftest import PDF, make_tier, submitted
from tests.factories import LicenceFactory, UserFactory

REQUIRED_FIELDS = {
    "id",
    "state",
    "kind",
    "mode",
    "credit_tier",
    "time_limit_days",
    "accepted_on",
    "deadline",
    "deadline_provisional",
    "paused",
    "site_inspection",
}


def create_and_submit(api, user, **extra):
    api.force_authenticate(user)
    r = api.post(
        "/api/v1/applications/",
        {"kind": "new", "scopes": [{"category": "install", "level": "4"}], **extra},
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    upload = SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf")
    r = api.post(
        f"/api/v1/applications/{pk}/materials/",
        {"kind": "business_licence", "file": upload},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    r = api.post(f"/api/v1/applications/{pk}/submit/", {}, format="json")
    assert r.status_code == 200, r.content
    return pk


def test_end_to_end_through_the_api(api, enterprise_user, officer, approver, today):
    make_tier(enterprise_user.enterprise, "good")
    pk = create_and_submit(api, enterprise_user)
    api.force_authenticate(officer)
    r = api.post(f"/api/v1/applications/{pk}/accept/", {"expected_state": "submitted"}, format="json")
    body = r.json()
    assert r.status_code == 200
    assert set(body) >= REQUIRED_FIELDS
    assert body["state"] == "accepted" and body["credit_tier"] == "good" and body["time_limit_days"] == 15
    assert body["accepted_on"] == "2026-11-23" and body["deadline"] == "2026-12-14"
    assert (
        body["deadline_provisional"] is False
        and body["paused"] is False
        and body["site_inspection"] == "as_needed"
    )
    assert "propose" in body["actions"]
    r = api.post(
        f"/api/v1/applications/{pk}/propose/", {"outcome": "approve", "text": "符合条件"}, format="json"
    )
    assert r.json()["state"] == "pending_decision"
    api.force_authenticate(approver)
    r = api.post(f"/api/v1/applications/{pk}/approve/", {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "approved"
    licence_id = Application.objects.get(pk=pk).licence_id
    api.force_authenticate(enterprise_user)
    r = api.get(f"/api/v1/licences/{licence_id}/")
    assert r.json()["status"] == "valid" and r.json()["scopes"][0]["category"] == "install"
    history = api.get(f"/api/v1/applications/{pk}/history/").json()
    assert [h["action"] for h in history][-3:] == [
        "application.accept",
        "application.propose",
        "application.approve",
    ]


def test_illegal_transition_is_409_and_changes_nothing(api, enterprise_user, officer, today):
    pk = create_and_submit(api, enterprise_user)
    api.force_authenticate(officer)
    r = api.post(f"/api/v1/applications/{pk}/start-review/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"
    assert Application.objects.get(pk=pk).state == State.SUBMITTED


def test_bad_inputs_are_4xx(api, enterprise_user, officer, today):
    api.force_authenticate(enterprise_user)
    assert api.post("/api/v1/applications/", {"kind": "nonsense"}, format="json").status_code == 400
    r = api.post(
        "/api/v1/applications/",
        {"kind": "new", "scopes": [{"category": "install", "level": "9"}]},
        format="json",
    )
    assert r.status_code == 400
    r = api.post("/api/v1/applications/", {"kind": "renewal"}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "licence"
    pk = create_and_submit(api, enterprise_user)
    api.force_authenticate(officer)
    r = api.post(f"/api/v1/applications/{pk}/request-correction/", {"items": []}, format="json")
    assert r.status_code == 400 and "items" in r.json()
    r = api.post(f"/api/v1/applications/{pk}/accept/", {"expected_state": "bogus"}, format="json")
    assert r.status_code == 400


def test_wrong_file_type_is_400(api, enterprise_user, today):
    api.force_authenticate(enterprise_user)
    pk = api.post(
        "/api/v1/applications/",
        {"kind": "new", "scopes": [{"category": "test", "level": "5"}]},
        format="json",
    ).json()["id"]
    upload = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    r = api.post(
        f"/api/v1/applications/{pk}/materials/", {"kind": "other", "file": upload}, format="multipart"
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_file_type"


def test_tolerant_for_dishonest_is_refused(api, enterprise_user, today):
    make_tier(enterprise_user.enterprise, "dishonest")
    api.force_authenticate(enterprise_user)
    pk = api.post(
        "/api/v1/applications/",
        {"kind": "new", "scopes": [{"category": "install", "level": "4"}]},
        format="json",
    ).json()["id"]
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    api.post(f"/api/v1/applications/{pk}/materials/", {"kind": "other", "file": upload}, format="multipart")
    r = api.post(f"/api/v1/applications/{pk}/submit/", {"mode": "commitment", "sign": True}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "commitment_not_allowed"
    assert Application.objects.get(pk=pk).state == State.DRAFT


def test_roles_and_scoping(
    api, enterprise_user, other_enterprise_user, officer, far_officer, approver, today
):
    pk = create_and_submit(api, enterprise_user)
    api.force_authenticate(other_enterprise_user)
    assert api.get(f"/api/v1/applications/{pk}/").status_code == 404
    assert api.post(f"/api/v1/applications/{pk}/withdraw/", {}, format="json").status_code == 404
    api.force_authenticate(far_officer)
    assert api.get(f"/api/v1/applications/{pk}/").status_code == 404
    assert api.post(f"/api/v1/applications/{pk}/accept/", {}, format="json").status_code == 404
    api.force_authenticate(enterprise_user)
    assert api.post(f"/api/v1/applications/{pk}/accept/", {}, format="json").status_code == 403
    api.force_authenticate(officer)
    assert api.post(f"/api/v1/applications/{pk}/approve/", {}, format="json").status_code == 403
    assert api.post("/api/v1/applications/", {"kind": "new"}, format="json").status_code == 403
    api.force_authenticate(None)
    assert api.get("/api/v1/applications/").status_code in (401, 403)


def test_drafts_are_private(api, enterprise_user, officer, today):
    api.force_authenticate(enterprise_user)
    api.post(
        "/api/v1/applications/",
        {"kind": "new", "scopes": [{"category": "install", "level": "4"}]},
        format="json",
    )
    api.force_authenticate(officer)
    assert api.get("/api/v1/applications/").json()["count"] == 0


def test_list_is_paginated_and_query_count_flat(
    api, enterprise_user, officer, today, django_assert_max_num_queries
):
    for _ in range(3):
        submitted(enterprise_user)
    api.force_authenticate(officer)
    with django_assert_max_num_queries(8):
        first = api.get("/api/v1/applications/?page_size=2").json()
    assert first["count"] == 3 and first["next"] and len(first["results"]) == 2
    for _ in range(10):
        submitted(enterprise_user)
    with django_assert_max_num_queries(8):
        api.get("/api/v1/applications/?page_size=13")


def test_public_register(api, enterprise, far_enterprise, db):
    LicenceFactory(enterprise=enterprise, number="NF-CX-2024-00001")
    LicenceFactory(enterprise=far_enterprise, number="HB-CX-2024-00001", scopes=[("test", "2")])
    r = api.get("/api/v1/public/licences/", {"q": enterprise.credit_code})
    assert [row["number"] for row in r.json()["results"]] == ["NF-CX-2024-00001"]
    r = api.get("/api/v1/public/licences/", {"category": "test", "level": "2"})
    assert [row["number"] for row in r.json()["results"]] == ["HB-CX-2024-00001"]
    assert "id_number" not in str(r.content)


def test_concurrent_approvals_exactly_one_wins(
    postgres_concurrent, enterprise_user, officer, approver, agency_nf, today
):
    """Two approvers approve the same application at the same moment on PostgreSQL."""
    from licensing import services
    from licensing.tests.conftest import new_application

    app = new_application(enterprise_user)
    services.application_submit(application=app, actor=enterprise_user)
    services.application_accept(application=app, officer=officer)
    services.application_propose(application=app, officer=officer, outcome="approve", text="同意")
    pk = app.pk
    second = UserFactory(username="approver_b", role="approver", agency=agency_nf)
    results, barrier = [], threading.Barrier(2)

    def decide(user):
        from core.exceptions import DomainError

        try:
            barrier.wait()
            services.application_decide(
                application=Application.objects.get(pk=pk), approver=user, outcome="approve"
            )
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(u,)) for u in (approver, second)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results) == ["conflict", "ok"] or sorted(results) == ["illegal_transition", "ok"]
    from core.models import AuditLog

    assert AuditLog.objects.filter(object_id=str(pk), action="application.approve").count() == 1
    assert Application.objects.get(pk=pk).licence is not None
    from licensing.models import Licence

    assert Licence.objects.filter(enterprise=enterprise_user.enterprise).count() == 1
