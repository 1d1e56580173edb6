"""`/api/v1/oversight/`: ratings create/list, callbacks, work flags; codes not labels; refusals."""

import pytest
from django.utils import timezone

from oversight import services
from oversight.models import CallbackTask, Rating, ServiceEvent, WorkFlag
from oversight.tests.conftest import D, Flow


@pytest.fixture
def served(enterprise_user, officer):
    today = timezone.localdate()
    return Flow(enterprise_user).submit(today).accept(today, officer).app


def test_enterprise_lists_and_rates_its_events(api, served, enterprise_user, approver):
    api.force_authenticate(enterprise_user)
    events = api.get("/api/v1/oversight/events/", {"unrated": "true"}).json()["results"]  # synced on demand
    assert [(e["service"], e["application"], e["rated"]) for e in events] == [
        ("acceptance", served.pk, False)
    ]
    event = events[0]["id"]
    r = api.post(
        "/api/v1/oversight/ratings/",
        {"event": event, "level": "very_dissatisfied", "comment": "反复要求补正"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["level"] == "very_dissatisfied" and r.json()["callback"]
    again = api.post("/api/v1/oversight/ratings/", {"event": event, "level": "satisfied"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_rated"
    assert api.get("/api/v1/oversight/events/", {"unrated": "true"}).json()["results"] == []
    assert Rating.objects.count() == 1 and CallbackTask.objects.get().assignee == approver


def test_rating_refusals(api, served, enterprise_user, other_enterprise_user, officer):
    services.service_events_sync()
    event = ServiceEvent.objects.get().pk
    api.force_authenticate(other_enterprise_user)
    assert (
        api.post(
            "/api/v1/oversight/ratings/", {"event": event, "level": "satisfied"}, format="json"
        ).status_code
        == 404
    )
    api.force_authenticate(enterprise_user)
    bad = api.post("/api/v1/oversight/ratings/", {"event": event, "level": "great"}, format="json")
    assert bad.status_code == 400 and "level" in bad.json()
    no_reason = api.post(
        "/api/v1/oversight/ratings/", {"event": event, "level": "dissatisfied"}, format="json"
    )
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "comment_required"
    api.force_authenticate(officer)
    assert (
        api.post(
            "/api/v1/oversight/ratings/", {"event": event, "level": "satisfied"}, format="json"
        ).status_code
        == 403
    )
    assert not Rating.objects.exists()


def test_staff_list_hides_anonymous_raters(api, served, enterprise_user, approver, far_officer):
    services.service_events_sync()
    services.rating_create(
        event=ServiceEvent.objects.get(), user=enterprise_user, level="satisfied", anonymous=True
    )
    api.force_authenticate(approver)
    rows = api.get("/api/v1/oversight/ratings/").json()["results"]
    assert rows[0]["anonymous"] is True and rows[0]["rated_by"] is None
    api.force_authenticate(far_officer)
    assert api.get("/api/v1/oversight/ratings/").json()["results"] == []


def test_callback_through_the_api(api, served, enterprise_user, approver, far_officer):
    services.service_events_sync()
    rating = services.rating_create(
        event=ServiceEvent.objects.get(), user=enterprise_user, level="dissatisfied", comment="慢"
    )
    task = rating.callback.pk
    api.force_authenticate(far_officer)
    assert api.get(f"/api/v1/oversight/callbacks/{task}/").status_code == 404
    assert api.post(f"/api/v1/oversight/callbacks/{task}/contact/", {}, format="json").status_code in (
        400,
        404,
    )
    api.force_authenticate(approver)
    assert [
        c["id"] for c in api.get("/api/v1/oversight/callbacks/", {"state": "open"}).json()["results"]
    ] == [task]
    r = api.post(
        f"/api/v1/oversight/callbacks/{task}/contact/",
        {"contacted_at": timezone.now().isoformat(), "method": "video", "person": "clerk", "notes": "已回访"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["state"] == "contacted" and r.json()["contact_method"] == "video"
    refused = api.post(
        f"/api/v1/oversight/callbacks/{task}/close/",
        {"findings": "属实", "verification": "confirmed"},
        format="json",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "rectification"
    r = api.post(
        f"/api/v1/oversight/callbacks/{task}/close/",
        {"findings": "不属实", "verification": "not_confirmed"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["state"] == "closed"
    assert (
        api.post(
            f"/api/v1/oversight/callbacks/{task}/close/",
            {"findings": "x", "verification": "confirmed", "rectification": "y"},
            format="json",
        ).status_code
        == 409
    )


def test_work_flags_through_the_api(api, dataset, supervisor, officer, far_supervisor, agency_nf):
    services.work_flags_regenerate(today=D(2025, 4, 10))
    api.force_authenticate(officer)
    assert api.get("/api/v1/oversight/work-flags/").status_code == 403
    api.force_authenticate(far_supervisor)
    assert {f["agency"] for f in api.get("/api/v1/oversight/work-flags/").json()["results"]} == {
        dataset["H2"].agency_id
    }
    api.force_authenticate(supervisor)
    rows = api.get("/api/v1/oversight/work-flags/", {"rule": "decided_late"}).json()["results"]
    assert [(r["rule"], r["application"], r["facts"]["late"]) for r in rows] == [
        ("decided_late", dataset["N2"].pk, 2)
    ]
    flag = rows[0]["id"]
    empty = api.post(
        f"/api/v1/oversight/work-flags/{flag}/decide/", {"decision": "dismiss", "note": ""}, format="json"
    )
    assert empty.status_code == 400 and WorkFlag.objects.get(pk=flag).state == "open"
    done = api.post(
        f"/api/v1/oversight/work-flags/{flag}/decide/",
        {"decision": "confirm", "note": "已移交"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["state"] == "confirmed"
    created = api.post(
        "/api/v1/oversight/work-flags/new/",
        {
            "rule": "fees",
            "occurred_on": "2025-03-20",
            "description": "收取专家评审费",
            "application": dataset["N4"].number,
        },
        format="json",
    )
    assert (
        created.status_code == 201
        and created.json()["manual"] is True
        and created.json()["agency"] == agency_nf.pk
    )
    wrong = api.post(
        "/api/v1/oversight/work-flags/new/",
        {"rule": "decided_late", "occurred_on": "2025-03-20", "description": "x"},
        format="json",
    )
    assert wrong.status_code == 400
    api.force_authenticate(far_supervisor)
    assert (
        api.post(
            "/api/v1/oversight/work-flags/new/",
            {"agency": agency_nf.pk, "rule": "fees", "occurred_on": "2025-03-20", "description": "x"},
            format="json",
        ).status_code
        == 404
    )


def test_schema_documents_the_endpoints(api, admin_user):
    api.force_authenticate(admin_user)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/oversight/ratings/",
        "/api/v1/oversight/callbacks/{id}/contact/",
        "/api/v1/oversight/work-flags/{id}/decide/",
        "/api/v1/oversight/dashboard/",
    ):
        assert path in schema["paths"]
