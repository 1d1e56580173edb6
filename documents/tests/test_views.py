import hashlib

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from core.models import AuditLog
from documents.samples import SAMPLE_CONTEXTS
from documents.selectors import documents_for
from documents.services import document_correct, document_revoke

ALLOWED = ["enterprise_user", "officer", "approver", "supervisor", "nea_supervisor", "admin_user"]
REFUSED = ["other_enterprise_user", "far_officer"]


@pytest.fixture
def ready(issue):
    return issue()


# --- download -------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ALLOWED)
def test_download_serves_the_pdf_to_those_in_scope(client, ready, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("documents:download", args=[ready.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == ready.sha256
    assert "filename*=utf-8''" in response["Content-Disposition"]


@pytest.mark.parametrize("who", REFUSED)
def test_download_is_404_for_everyone_else(client, ready, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("documents:download", args=[ready.pk])).status_code == 404
    assert client.get(reverse("documents:file-cell", args=[ready.pk])).status_code == 404


def test_a_supervisor_of_another_agency_cannot_download(client, ready, agency_hb):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="hb_sup", role="supervisor", agency=agency_hb))
    assert client.get(reverse("documents:download", args=[ready.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, ready):
    response = client.get(reverse("documents:download", args=[ready.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(reverse("documents:file-cell", args=[ready.pk])).status_code == 404


def test_unknown_document_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("documents:download", args=[424242])).status_code == 404


def test_a_pending_document_shows_being_prepared_with_polling(client, issue, enterprise_user):
    document = issue(render=False)
    client.force_login(enterprise_user)
    html = client.get(reverse("documents:download", args=[document.pk])).content.decode()
    assert "正在生成" in html
    assert f'hx-get="{reverse("documents:file-cell", args=[document.pk])}"' in html
    assert 'hx-trigger="every 2s"' in html


def test_the_file_cell_stops_polling_once_ready(client, ready, enterprise_user):
    client.force_login(enterprise_user)
    html = client.get(reverse("documents:file-cell", args=[ready.pk])).content.decode()
    assert reverse("documents:download", args=[ready.pk]) in html
    assert "hx-trigger" not in html


def test_a_damaged_file_is_never_served(client, ready, officer, media_root):
    (media_root / ready.file.name).write_bytes(b"%PDF-1.7 something else")
    client.force_login(officer)
    response = client.get(reverse("documents:download", args=[ready.pk]))
    assert response.status_code == 503
    assert "完整性" in response.content.decode() or "指纹" in response.content.decode()
    assert AuditLog.objects.filter(action="documents.integrity_failure", object_id=str(ready.pk)).exists()


# --- the list other apps include -----------------------------------------------------------------------
def test_documents_for_is_scoped(issue, enterprise_user, other_enterprise_user, far_officer, officer):
    issue(render=False)
    issue("correction_notice", render=False)
    issue(subject_id="other-case", render=False)
    assert documents_for("licensing.application", "1", enterprise_user).count() == 2
    assert documents_for("licensing.application", 1, officer).count() == 2
    assert documents_for("licensing.application", "1", other_enterprise_user).count() == 0
    assert documents_for("licensing.application", "1", far_officer).count() == 0


def test_the_list_include_shows_every_version_with_its_status(
    issue, officer, enterprise_user, django_assert_max_num_queries
):
    first = issue()
    document_correct(document=first, context=SAMPLE_CONTEXTS["acceptance_notice"], actor=officer)
    issue("correction_notice", render=False)
    request = RequestFactory().get("/")
    request.user = enterprise_user
    template = Template('{% load documents %}{% document_list "licensing.application" 1 %}')
    with django_assert_max_num_queries(2):
        html = template.render(Context({"request": request}))
    assert html.count("<tr") == 4  # header + three documents
    assert "受理通知书" in html and "补正材料通知书" in html
    assert "已被替代" in html and "有效" in html
    assert "正在生成" in html  # the pending correction notice and the queued corrected version
    assert reverse("documents:download", args=[first.pk]) in html


def test_the_plain_include_works_with_a_queryset(issue, officer):
    issue()
    request = RequestFactory().get("/")
    request.user = officer
    html = Template('{% include "documents/includes/document_list.html" %}').render(
        Context({"documents": documents_for("licensing.application", "1", officer), "request": request})
    )
    assert "南方能监许受" in html


# --- public verification ---------------------------------------------------------------------------
def verify_page(client, code):
    response = client.get(f"/verify/{code}")
    assert response.status_code == 200
    return response.content.decode()


def test_verify_genuine_and_current(client, ready):
    html = verify_page(client, ready.verification_code)
    assert 'data-result="current"' in html
    for fact in (
        ready.number,
        ready.agency.name,
        ready.holder_name,
        ready.title,
        ready.issued_on.strftime("%Y-%m-%d"),
    ):
        assert fact in html
    # No content and no personal data: not the contact person, phone or application number.
    for secret in ("王建国", "020-38121234", "NF-XK-2026-000123", ready.holder_credit_code):
        assert secret not in html


def test_verify_accepts_the_code_as_people_type_it(client, ready):
    typed = ready.display_code.lower()
    assert 'data-result="current"' in verify_page(client, typed)
    assert 'data-result="current"' in verify_page(client, ready.verification_code + "/")


def test_verify_superseded_names_the_new_version(client, ready, officer):
    corrected = document_correct(document=ready, context=SAMPLE_CONTEXTS["acceptance_notice"], actor=officer)
    html = verify_page(client, ready.verification_code)
    assert 'data-result="superseded"' in html
    assert corrected.number in html
    assert 'data-result="current"' in verify_page(client, corrected.verification_code)


def test_verify_revoked(client, ready, officer):
    document_revoke(document=ready, actor=officer, reason="许可证已被依法撤销")
    html = verify_page(client, ready.verification_code)
    assert 'data-result="revoked"' in html
    assert "许可证已被依法撤销" not in html  # the reason is internal


@pytest.mark.parametrize(
    "code",
    ["AAAAAAAAAAAAAAAA", "abc", "0000000000000000", "%3Cscript%3E", "x" * 64, "ABCD-EFGH-JKMN-PQR8"],
)
def test_unknown_or_malformed_codes_are_not_genuine(client, ready, code):
    html = verify_page(client, code)
    assert 'data-result="not-genuine"' in html
    assert ready.number not in html


def test_a_tampered_code_is_not_genuine(client, ready):
    code = ready.verification_code
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert 'data-result="not-genuine"' in verify_page(client, tampered)


def test_the_verify_form_redirects_to_the_result(client, ready):
    response = client.get("/verify/", {"code": ready.display_code})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{ready.verification_code}"
    html = client.get("/verify/", {"code": "  "}, follow=True).content.decode()
    assert "请输入" in html
    assert "核验" in client.get("/verify/").content.decode()


def test_verify_api(api, ready, officer):
    response = api.get(f"/api/v1/documents/verify/{ready.verification_code}/")
    assert response.status_code == 200
    assert response.json() == {
        "genuine": True,
        "status": "current",
        "ready": True,
        "doc_type": "acceptance_notice",
        "title": "受理通知书",
        "number": ready.number,
        "agency": ready.agency.name,
        "issued_on": ready.issued_on.isoformat(),
        "holder": ready.holder_name,
        "superseded_by": None,
        "revoked_on": None,
    }
    document_revoke(document=ready, actor=officer, reason="作废")
    body = api.get(f"/api/v1/documents/verify/{ready.display_code}/").json()
    assert body["status"] == "revoked" and body["revoked_on"]


def test_verify_api_unknown_is_404_with_detail(api, ready):
    response = api.get("/api/v1/documents/verify/AAAAAAAAAAAAAAAA/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_genuine" and response.json()["detail"]
    assert api.get("/api/v1/documents/verify/<x>/").status_code == 404


# --- API list and file -----------------------------------------------------------------------------------
def test_list_api_is_scoped_and_paginated(
    api, issue, enterprise_user, far_officer, django_assert_max_num_queries
):
    for n in range(3):
        issue(["acceptance_notice", "correction_notice", "rejection_decision"][n], render=False)
    api.force_authenticate(enterprise_user)
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/documents/", {"subject_type": "licensing.application", "subject_id": "1"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and {d["doc_type"] for d in body["results"]} >= {"acceptance_notice"}
    api.force_authenticate(far_officer)
    assert (
        api.get("/api/v1/documents/", {"subject_type": "licensing.application", "subject_id": "1"}).json()[
            "count"
        ]
        == 0
    )
    assert api.get("/api/v1/documents/").status_code == 400


def test_file_api(api, issue, enterprise_user, other_enterprise_user):
    pending = issue("correction_notice", render=False)
    ready = issue()
    api.force_authenticate(enterprise_user)
    response = api.get(f"/api/v1/documents/{ready.pk}/file/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    response = api.get(f"/api/v1/documents/{pending.pk}/file/")
    assert response.status_code == 409 and response.json()["code"] == "document_pending"
    api.force_authenticate(other_enterprise_user)
    assert api.get(f"/api/v1/documents/{ready.pk}/file/").status_code == 404


def test_anonymous_api_list_is_refused(api):
    assert api.get("/api/v1/documents/", {"subject_type": "x", "subject_id": "1"}).status_code in (401, 403)


@pytest.mark.django_db
def test_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/documents/verify/{code}/", "/api/v1/documents/", "/api/v1/documents/{id}/file/"):
        assert path in schema
    assert "DocumentVerification" in schema
