import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licensing.models import Application, State
from licensing.tests.conftest import PDF, make_tier, submitted
from tests.factories import LicenceFactory, staff_enterprise


def test_portal_pages_render(client, enterprise_user, today):
    LicenceFactory(enterprise=enterprise_user.enterprise)
    submitted(enterprise_user)
    client.force_login(enterprise_user)
    for url in [
        "/portal/",
        "/portal/applications/",
        "/portal/applications/new/",
        "/portal/personnel/",
        "/portal/equipment/",
    ]:
        assert client.get(url).status_code == 200, url


def test_wizard_creates_draft_then_upload_and_submit(client, enterprise_user, today):
    client.force_login(enterprise_user)
    r = client.post("/portal/applications/new/", {"step": "kind", "kind": "new", "licence_type": "facility"})
    assert r.status_code == 200 and "install" in r.content.decode()
    from tests.factories import level

    r = client.post(
        "/portal/applications/new/",
        {
            "step": "details",
            "kind": "new",
            "licence_type": "facility",
            "install": level("4").pk,
            "repair": "",
            "test": "",
        },
    )
    app = Application.objects.get()
    assert r.status_code == 302 and r.url == f"/applications/{app.pk}/"
    page = client.get(r.url).content.decode()
    assert 'data-testid="upload-form"' in page and 'data-testid="tier-panel"' in page
    upload = SimpleUploadedFile("营业执照.pdf", PDF, content_type="application/pdf")
    client.post(f"/applications/{app.pk}/materials/", {"kind": "business_licence", "file": upload})
    r = client.post(f"/applications/{app.pk}/act/submit/", {"mode": "ordinary"}, follow=True)
    app.refresh_from_db()
    assert app.state == State.SUBMITTED
    assert "已提交" in r.content.decode() or "submitted" in r.content.decode()


def test_wizard_refuses_missing_scopes(client, enterprise_user, today):
    client.force_login(enterprise_user)
    r = client.post(
        "/portal/applications/new/",
        {
            "step": "details",
            "kind": "new",
            "licence_type": "facility",
            "install": "",
            "repair": "",
            "test": "",
        },
    )
    assert r.status_code == 200 and not Application.objects.exists()


def test_officer_flow_with_messages(client, enterprise_user, officer, approver, today):
    make_tier(enterprise_user.enterprise, "good")
    staff_enterprise(enterprise_user.enterprise)
    app = submitted(enterprise_user)
    client.force_login(officer)
    page = client.get("/workbench/?queue=acceptance").content.decode()
    assert app.number in page
    detail = client.get(f"/applications/{app.pk}/").content.decode()
    assert 'data-action="accept"' in detail and 'data-testid="conditions"' in detail
    client.post(f"/applications/{app.pk}/act/accept/")
    r = client.post(f"/applications/{app.pk}/act/propose/", {"outcome": "approve", "text": ""}, follow=True)
    assert r.status_code == 200  # an empty ground is refused with a message, nothing changes
    app.refresh_from_db()
    assert app.state == State.ACCEPTED
    client.post(f"/applications/{app.pk}/act/propose/", {"outcome": "approve", "text": "符合条件"})
    client.force_login(approver)
    assert app.number in client.get("/workbench/approvals/").content.decode()
    client.post(f"/applications/{app.pk}/act/decide/", {"outcome": "approve", "reason": ""})
    app.refresh_from_db()
    assert app.state == State.APPROVED and app.licence is not None
    assert client.get(f"/licences/{app.licence_id}/").status_code == 200


def test_illegal_action_shows_message_not_500(client, enterprise_user, officer, today):
    app = submitted(enterprise_user)
    client.force_login(officer)
    r = client.post(f"/applications/{app.pk}/act/start_review/", follow=True)
    assert r.status_code == 200
    assert app.number in r.content.decode()
    assert client.post(f"/applications/{app.pk}/act/nonsense/").status_code == 404


def test_other_parties_get_404(client, enterprise_user, other_enterprise_user, far_officer, today):
    app = submitted(enterprise_user)
    material = app.materials.get()
    for user in (other_enterprise_user, far_officer):
        client.force_login(user)
        assert client.get(f"/applications/{app.pk}/").status_code == 404
        assert client.get(f"/applications/{app.pk}/materials/{material.pk}/").status_code == 404
        assert client.post(f"/applications/{app.pk}/act/withdraw/").status_code == 404


def test_material_download_is_an_attachment(client, enterprise_user, officer, today):
    app = submitted(enterprise_user)
    material = app.materials.get()
    client.force_login(officer)
    r = client.get(f"/applications/{app.pk}/materials/{material.pk}/")
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment")
    assert r["X-Content-Type-Options"] == "nosniff"
    assert b"".join(r.streaming_content).startswith(b"%PDF")


def test_workbench_query_count_flat(client, enterprise_user, officer, today, django_assert_max_num_queries):
    for _ in range(3):
        submitted(enterprise_user)
    client.force_login(officer)
    with django_assert_max_num_queries(14) as small:
        client.get("/workbench/?queue=acceptance")
    for _ in range(12):
        submitted(enterprise_user)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/workbench/?queue=acceptance")


def test_personnel_add_masks_id(client, enterprise_user, other_enterprise_user, today):
    client.force_login(enterprise_user)
    r = client.post(
        "/portal/personnel/",
        {
            "name": "李四",
            "id_number": "44010119800101123X",
            "role": "skilled_worker",
            "employed_from": "2024-01-01",
            "insured": "on",
        },
    )
    assert r.status_code == 302
    page = client.get("/portal/personnel/").content.decode()
    assert "440*" in page and "44010119800101123X" not in page
    r = client.post(
        "/portal/personnel/",
        {"name": "x", "id_number": "123", "role": "skilled_worker", "employed_from": "2024-01-01"},
    )
    assert r.status_code == 200
    client.force_login(other_enterprise_user)
    assert "李四" not in client.get("/portal/personnel/").content.decode()


@pytest.mark.parametrize(
    "params", [{"q": "测试"}, {"category": "install", "level": "4"}, {"status": "valid"}]
)
def test_public_register_page(client, enterprise, params, db):
    LicenceFactory(enterprise=enterprise)
    r = client.get("/public/", params)
    assert r.status_code == 200 and enterprise.name in r.content.decode()


def test_generation_holder_adds_unit(client, enterprise_user, other_enterprise_user, db):
    from tests.factories import GeneratingUnitFactory

    unit = GeneratingUnitFactory(licence__enterprise=enterprise_user.enterprise)
    licence = unit.licence
    client.force_login(enterprise_user)
    r = client.post(
        f"/licences/{licence.pk}/",
        {"name": "3号机组", "capacity_mw": "350", "commissioned_on": "2010-05-01", "design_life_years": "30"},
    )
    assert r.status_code == 302 and licence.units.count() == 2
    assert licence.units.get(name="3号机组").end_of_life.isoformat() == "2040-05-01"
    r = client.post(
        f"/licences/{licence.pk}/",
        {"name": "x", "capacity_mw": "-1", "commissioned_on": "bad", "design_life_years": "0"},
    )
    assert r.status_code == 200 and licence.units.count() == 2
    client.force_login(other_enterprise_user)
    assert client.get(f"/licences/{licence.pk}/").status_code == 404


def test_officer_files_applicant_on_doubtful_list(client, enterprise_user, officer, far_officer, today):
    from inspections.models import ThreeListEntry

    app = submitted(enterprise_user)
    client.force_login(officer)
    r = client.post(f"/applications/{app.pk}/doubtful/", {"reason": "人员社保记录与申报不符"})
    assert r.status_code == 302
    entry = ThreeListEntry.objects.get(enterprise=enterprise_user.enterprise)
    assert entry.list_kind == "doubtful"
    client.post(f"/applications/{app.pk}/doubtful/", {"reason": ""})
    assert ThreeListEntry.objects.count() == 1
    client.force_login(far_officer)
    assert client.post(f"/applications/{app.pk}/doubtful/", {"reason": "x"}).status_code == 404
    client.force_login(enterprise_user)
    assert client.post(f"/applications/{app.pk}/doubtful/", {"reason": "x"}).status_code == 403


def test_enterprise_rates_a_service_from_the_application_page(client, enterprise_user, officer, today):
    from licensing import services

    app = services.application_accept(application=submitted(enterprise_user), officer=officer)
    client.force_login(enterprise_user)
    page = client.get(f"/applications/{app.pk}/").content.decode()
    assert 'data-testid="rate-events"' in page


def test_full_id_number_only_for_those_who_need_it_and_logged(
    client, enterprise_user, other_enterprise_user, officer, far_officer, supervisor, db
):
    from core.models import AuditLog
    from tests.factories import PersonnelFactory

    person = PersonnelFactory(enterprise=enterprise_user.enterprise, id_number="44010119800101123X")
    for user in (enterprise_user, officer):
        client.force_login(user)
        r = client.get(f"/personnel/{person.pk}/id-number/")
        assert r.status_code == 200 and "44010119800101123X" in r.content.decode()
    assert AuditLog.objects.filter(action="personnel.id_number_view", object_id=str(person.pk)).count() == 2
    for user in (other_enterprise_user, far_officer):
        client.force_login(user)
        assert client.get(f"/personnel/{person.pk}/id-number/").status_code == 404
    client.force_login(supervisor)
    assert client.get(f"/personnel/{person.pk}/id-number/").status_code == 403
